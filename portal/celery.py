"""The Celery application. Its configuration is the CELERY_* settings of portal.settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks.py, and those of the applications app's parts (ARCHITECTURE.md).
app.autodiscover_tasks()
app.autodiscover_tasks(
    [
        "applications.notices",
        "applications.deadlines",
        "applications.sanctions",
        "applications.anchors",
        "applications.subscriptions",
    ]
)
