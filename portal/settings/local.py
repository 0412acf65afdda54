"""Settings for `make run` on a developer's machine: debug on, mail written to files under var/mail/."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
# Links in e-mails lead to the port `make run PORT=...` serves (the Makefile passes it to every process).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=f"http://127.0.0.1:{env('PORTAL_PORT', default='8000')}")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# make run: the demo staff sign in with their password alone (README "Security"); STAFF_OTP_REQUIRED=1 tries 2FA.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=False)
# Without REDIS_URL the cache is per process, which is all `make run`'s single web process needs for rate limits.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
