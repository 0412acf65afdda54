"""Beat's periodic tasks (CELERY_BEAT_SCHEDULE): each calls one sweep, which reads what is due and works it in
chunks, so running it twice changes nothing twice."""

from celery import shared_task

from ..notices import digest
from ..workflow.services import correction_lapse_due, publicity_close_due
from . import reminders


@shared_task
def sweep_deadlines() -> dict:
    return reminders.sweep_deadlines()


@shared_task
def send_daily_digests() -> dict:
    return reminders.send_daily_digests()


@shared_task
def send_notice_digests() -> dict:
    """Mail each person who chose a daily digest the notices held for them (applications.notices.digest)."""
    return digest.send_notice_digests()


@shared_task
def end_expired_bans() -> dict:
    return reminders.end_expired_bans()


@shared_task
def close_due_publicity() -> int:
    return len(publicity_close_due())


@shared_task
def lapse_due_corrections() -> int:
    return len(correction_lapse_due())
