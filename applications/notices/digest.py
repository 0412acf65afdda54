"""The daily digest of notices, for the people who chose one (NoticePreference.Delivery.DIGEST).

Their notices are written like everyone's, put in their inbox, and held (`inbox.hold_for_digests`): each receipt
waits, marked `held`, without its own e-mail. Once a day beat runs `send_notice_digests`, which writes one notice per
person with everything held for them since their last digest (and the decision letters those carried), and links
each receipt to it. The digest is a notice like any other, keyed by person and day, so a second run the same day
writes nothing twice; what was held after a day's digest waits for the next.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Notice, NoticeKind, NoticeReceipt
from .outbox import build_notice, write_notices
from .recipients import absolute_link

USERS_PER_QUERY = 500


class _Held:
    """One held notice as the digest prints it, in the language the digest is being written in."""

    def __init__(self, receipt: NoticeReceipt) -> None:
        self.notice = receipt.notice

    @property
    def subject(self) -> str:
        return self.notice.text_in()[0]

    @property
    def body(self) -> str:
        return self.notice.text_in()[1]


def _waiting_users(after: int) -> list[int]:
    waiting = NoticeReceipt.objects.filter(held=True, digest__isnull=True, user_id__gt=after)
    return list(waiting.order_by("user_id").values_list("user_id", flat=True).distinct()[:USERS_PER_QUERY])


def digest_send(*, user, today: datetime.date) -> Notice | None:
    """Write the person's digest of today with every notice held for them; return it (None: nothing held, no
    address, or today's digest was written already)."""
    with transaction.atomic():
        receipts = list(
            NoticeReceipt.objects.select_for_update(of=("self",))
            .filter(user=user, held=True, digest__isnull=True)
            .select_related("notice__application")
            .order_by("created_at", "pk")
        )
        if not receipts or not user.email or not user.is_active:
            return None
        context = {
            "user": user,
            "today": today,
            "notices": [_Held(receipt) for receipt in receipts],
            "letters": sum(r.notice.attachment == Notice.Attachment.LETTER for r in receipts),
            "link": absolute_link(reverse("applications:inbox")),
            "settings_link": absolute_link(reverse("applications:notice_settings")),
        }
        notice = build_notice(
            "notice_digest",
            context,
            [user.email],
            kind=NoticeKind.NOTICE_DIGEST,
            audience=Notice.Audience.USER,
            user=user,
            due_on=today,
        )
        written = write_notices([notice])
        if not written:
            return None
        NoticeReceipt.objects.filter(pk__in=[r.pk for r in receipts]).update(digest=written[0])
    return written[0]


def send_notice_digests(*, today: datetime.date | None = None) -> dict[str, int]:
    """Write the digest of every person with notices held for them; return how many people and notices."""
    today = today or timezone.localdate()
    stats: Counter = Counter()
    users = get_user_model().objects
    last = 0
    while ids := _waiting_users(last):
        for user in users.filter(pk__in=ids).order_by("pk"):
            digest = digest_send(user=user, today=today)
            stats["digests"] += digest is not None
        last = ids[-1]
    stats["held_left"] = NoticeReceipt.objects.filter(held=True, digest__isnull=True).count()
    return dict(stats)
