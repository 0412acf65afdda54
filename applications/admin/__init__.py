"""The staff's side in the admin: the case queue and its actions (`cases`), the case records (`records`) and the
sanctions (`sanctions`, `bans`). Nothing here edits a case directly: every change goes through the workflow.
"""

from . import bans, cases, direct, objections, ratings, records, sanctions  # noqa: F401  (each registers its ModelAdmins)
