"""Settings for `make run` on a developer's machine: debug on, mail written to files under var/mail/."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
