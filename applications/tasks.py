"""Celery tasks: each loads what it works on by id and calls a service, so running one twice changes nothing twice.

Acknowledged late (CELERY_TASK_ACKS_LATE) and re-delivered if a worker dies; tasks are queued after the commit
(`transaction.on_commit`) and retried with backoff, with countdowns below the broker's visibility timeout.
"""

from celery import shared_task
from django.conf import settings

from . import notifications, reminders, sanctions
from .services import correction_lapse_due, publicity_close_due

RETRY_BACKOFF_MAX = min(600, settings.CELERY_MAX_COUNTDOWN)


@shared_task(
    autoretry_for=(notifications.NoticeDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def send_notice(notice_id: int) -> bool:
    return notifications.notice_send(notice_id)


@shared_task
def send_notices(notice_ids: list[int]) -> int:
    """Send a batch of notices over one connection; a notice the mail server fails is retried on its own, with
    `send_notice`'s backoff. Return how many were handed back for retrying."""
    retry = notifications.notices_send(notice_ids)
    for notice_id in retry:
        send_notice.apply_async((notice_id,), countdown=send_notice.retry_backoff)
    return len(retry)


@shared_task
def dispatch_pending_notices() -> int:
    """Queue the notices still pending: written while the broker was down, or whose task was lost."""
    return notifications.dispatch_pending()


@shared_task
def sweep_deadlines() -> dict:
    return reminders.sweep_deadlines()


@shared_task
def send_daily_digests() -> dict:
    return reminders.send_daily_digests()


@shared_task
def end_expired_bans() -> dict:
    return reminders.end_expired_bans()


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=RETRY_BACKOFF_MAX, max_retries=5)
def process_fraud_finding(finding_id: int) -> bool:
    return sanctions.finding_process(finding_id=finding_id)


@shared_task
def close_due_publicity() -> int:
    return len(publicity_close_due())


@shared_task
def lapse_due_corrections() -> int:
    return len(correction_lapse_due())
