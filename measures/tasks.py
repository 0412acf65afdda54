"""Celery tasks of the policy library: thin wrappers around measures' services."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .workdays import calendar_warning_send, years_to_check


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=settings.CELERY_MAX_COUNTDOWN,
    max_retries=8,
)
def check_working_day_calendar() -> list[int]:
    """Tell the administrators, once per year, about a year whose holidays the portal does not know.

    Run daily by beat; return the years a warning went out for.
    """
    return [year for year in years_to_check(timezone.localdate()) if calendar_warning_send(year=year)]
