"""Settings for the test suite: the database comes from DATABASE_URL (PostgreSQL in CI, SQLite otherwise)."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LANGUAGE_CODE = "zh-hans"

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
