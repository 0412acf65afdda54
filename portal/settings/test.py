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

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
