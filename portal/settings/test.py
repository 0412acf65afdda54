"""Settings for the test suite: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

import uuid
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import env


def redis_database(url: str, number: int) -> str:
    """Return the Redis URL url with its database number replaced by number."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read mail from django.core.mail.outbox. A Celery worker started by the tests (tests/celery_harness.py) is
# another process whose outbox they cannot see: it is given the file backend and an EMAIL_FILE_PATH instead.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# Redis: the tests keep to a database of their own (TEST_REDIS_DB, default 14, on REDIS_URL's server; the Celery
# harness's worker uses 15 and says which with TEST_REDIS_URL) and to a key prefix of their own for each run, and
# clear only their own keys (tests/conftest.py, clear_cache): the database REDIS_URL names may hold someone else's.
if REDIS_URL:  # noqa: F405
    REDIS_URL = env("TEST_REDIS_URL", default="") or redis_database(
        REDIS_URL,  # noqa: F405
        env.int("TEST_REDIS_DB", default=14),
    )
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = env("TEST_CACHE_KEY_PREFIX", default=f"test-{uuid.uuid4().hex[:12]}")  # noqa: F405
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
