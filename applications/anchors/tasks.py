"""Beat's daily anchor of the audit chains (CELERY_BEAT_SCHEDULE "anchor-audit-chains")."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Notice, NoticeKind
from ..notices.outbox import build_notice, write_notices
from .digest import Anchor, anchor_at, append_anchor, cutoff

logger = logging.getLogger(__name__)


def anchor_audit_chains_now() -> Anchor:
    """Take the digest of every chain head at the start of today, append it to the log and mail it to the auditors.

    Running it twice on one day appends and mails nothing the second time.
    """
    anchor = anchor_at(cutoff())
    if not append_anchor(anchor, settings.AUDIT_ANCHOR_LOG):
        return anchor
    logger.info("Audit chains anchored: %s", anchor.line())
    recipients = list(settings.AUDIT_ANCHOR_RECIPIENTS)
    if recipients:
        context = {"anchor": anchor, "at": timezone.localtime(anchor.at), "line": anchor.line()}
        with transaction.atomic():
            write_notices(
                [
                    build_notice(
                        "audit_anchor",
                        context,
                        recipients,
                        kind=NoticeKind.AUDIT_ANCHOR,
                        audience=Notice.Audience.STAFF,
                    )
                ]
            )
    return anchor


@shared_task
def anchor_audit_chains() -> str:
    return anchor_audit_chains_now().line()
