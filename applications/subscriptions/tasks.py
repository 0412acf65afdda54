"""The beat task of subscriptions (CELERY_BEAT_SCHEDULE "send-measure-digests"): the nightly re-match."""

from celery import shared_task

from . import rematch


@shared_task
def send_measure_digests() -> dict:
    """Tell each subscribed person, in one e-mail, of the measures new to them (applications.subscriptions.rematch)."""
    return rematch.send_measure_digests()
