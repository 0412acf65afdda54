"""The sanctions' Celery task: carry out a recorded fraud finding once (revocation, recovery, ban)."""

from celery import shared_task
from django.conf import settings

from .findings import finding_process

RETRY_BACKOFF_MAX = min(600, settings.CELERY_MAX_COUNTDOWN)


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=RETRY_BACKOFF_MAX, max_retries=5)
def process_fraud_finding(finding_id: int) -> bool:
    return finding_process(finding_id=finding_id)
