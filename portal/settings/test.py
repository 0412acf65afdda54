"""Settings for the test suite: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read mail from django.core.mail.outbox. A Celery worker started by the tests (tests/celery_harness.py) is
# another process whose outbox they cannot see: it is given the file backend and an EMAIL_FILE_PATH instead.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# The test worker shares its Redis cache with the tests under a prefix of its own.
CACHES["default"]["KEY_PREFIX"] = env("TEST_CACHE_KEY_PREFIX", default="")  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LANGUAGE_CODE = "zh-hans"
# Security (README "Security"). Tests sign staff in with force_login and no one-time code; tests of the two-factor
# check turn it on. Rate limits are far above what any test sends; tests of a limit lower it (override_settings).
STAFF_OTP_REQUIRED = False
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/h")  # noqa: F405
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
# Without a worker, a task queued after a commit runs at once in the test process (mail lands in the outbox);
# tests that start a real worker (tests/celery_harness.py) switch this off and send to the worker's queue.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PORTAL_BASE_URL = "http://testserver"
# No anchor log unless a test gives one (tests/applications/anchors): verify_audit_chain checks the chains alone.
AUDIT_ANCHOR_LOG = None

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
