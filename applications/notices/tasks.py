"""The outbox's Celery tasks and the queueing of them: a batch of notices per task over one mail-server
connection, retried with backoff; what could not be queued (the broker was down) stays pending until
`dispatch_pending_notices` runs."""

from __future__ import annotations

import datetime
import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Notice
from .delivery import MAX_ATTEMPTS, NoticeDeliveryError, notice_send, notices_send

logger = logging.getLogger(__name__)

RETRY_BACKOFF_MAX = min(600, settings.CELERY_MAX_COUNTDOWN)


@shared_task(
    autoretry_for=(NoticeDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def send_notice(notice_id: int) -> bool:
    return notice_send(notice_id)


@shared_task
def send_notices(notice_ids: list[int]) -> int:
    """Send a batch of notices over one connection; a notice the mail server fails is retried on its own, with
    `send_notice`'s backoff. Return how many were handed back for retrying."""
    retry = notices_send(notice_ids)
    for notice_id in retry:
        send_notice.apply_async((notice_id,), countdown=send_notice.retry_backoff)
    return len(retry)


@shared_task
def dispatch_pending_notices() -> int:
    """Queue the notices still pending: written while the broker was down, or whose task was lost."""
    return dispatch_pending()


# Queueing.


def queue_after_commit(notice_ids: list[int]) -> None:
    if notice_ids:
        transaction.on_commit(partial(enqueue, notice_ids))


def enqueue(notice_ids: list[int]) -> int:
    """Queue the notices' sending, `NOTICE_BATCH_SIZE` to a task (`send_notices`, one mail-server connection each;
    a lone notice goes to `send_notice`); if the broker is down they stay pending until `dispatch_pending` runs.
    Return how many notices were queued."""
    size = max(1, settings.NOTICE_BATCH_SIZE)
    queued = 0
    for start in range(0, len(notice_ids), size):
        batch = list(notice_ids[start : start + size])
        try:
            if len(batch) == 1:
                send_notice.delay(batch[0])
            else:
                send_notices.delay(batch)
        except Exception:  # the broker is unreachable: the notices are kept and dispatched later
            logger.warning("Could not queue notices %s…; they stay pending until the broker answers", batch[0])
            break
        queued += len(batch)
    return queued


def dispatch_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1), chunk: int = 1000) -> int:
    """Queue a send task for every notice still pending (the broker was down, or a worker died); return how many.

    Walks the outbox by primary key in chunks, so its memory stays bounded however many are waiting.
    """
    cutoff = timezone.now() - older_than
    pending = Notice.objects.filter(state=Notice.State.PENDING, created_at__lt=cutoff)
    last_pk, queued = 0, 0
    while True:
        ids = list(pending.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return queued
        count = enqueue(ids)
        queued += count
        if count < len(ids):
            return queued
        last_pk = ids[-1]
