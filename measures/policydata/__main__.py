"""`python -m measures.policydata`: validate the policy data files without Django."""

import sys

from . import main

sys.exit(main())
