"""Who keeps a copy of a notice in their inbox, and whose e-mail of it waits for their daily digest.

Both are decided when the notices are written (`outbox.write_notices`), in the same transaction: a notice to an
enterprise is in the inbox of each of its active users; a notice to staff or to one person, in the inbox of each
active member of staff (or that person) it is addressed to. A recipient who chose a daily digest
(`NoticePreference`) is not mailed the notice on its own: it waits, in their receipt, for `digest.py`.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Notice, NoticeKind, NoticePreference, NoticeReceipt

# Mail that is itself a summary, or is for the record: never held back for a digest.
NEVER_HELD = frozenset({NoticeKind.DIGEST, NoticeKind.NOTICE_DIGEST, NoticeKind.AUDIT_ANCHOR})
# The digest of notices repeats what is already in the inbox: it is not put there again.
NOT_IN_INBOX = frozenset({NoticeKind.NOTICE_DIGEST})


def hold_for_digests(notices: list[Notice]) -> None:
    """Mark, on each unsaved notice, the recipients who chose a daily digest; a notice all of whose recipients did
    is HELD rather than PENDING (nothing is sent on its own)."""
    holdable = [n for n in notices if n.kind not in NEVER_HELD and n.recipients]
    addresses = {address for notice in holdable for address in notice.recipients}
    if not addresses:
        return
    digest = set(
        NoticePreference.objects.filter(
            delivery=NoticePreference.Delivery.DIGEST, user__is_active=True, user__email__in=addresses
        ).values_list("user__email", flat=True)
    )
    if not digest:
        return
    for notice in holdable:
        notice.held_for = [address for address in notice.recipients if address in digest]
        if notice.held_for and len(notice.held_for) == len(notice.recipients) and notice.state == Notice.State.PENDING:
            notice.state = Notice.State.HELD


class _Readers:
    """The active people a batch of notices is for, found in one query and looked up by enterprise, address and id."""

    def __init__(self, notices: list[Notice]) -> None:
        enterprises = {n.enterprise_id for n in notices if n.audience == Notice.Audience.ENTERPRISE and n.enterprise_id}
        addresses = {a for n in notices if n.audience != Notice.Audience.ENTERPRISE for a in n.recipients}
        user_ids = {n.user_id for n in notices if n.user_id}
        self.by_enterprise: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.by_address: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.by_id: dict[int, tuple[int, str]] = {}
        # One query per kind of reader, each through its own index (an OR of the three would scan every user).
        active = get_user_model().objects.filter(is_active=True)
        columns = ("pk", "email", "enterprise_id")
        if enterprises:
            for pk, email, enterprise_id in active.filter(enterprise_id__in=enterprises).values_list(*columns):
                self.by_enterprise[enterprise_id].append((pk, email))
        if addresses:
            for pk, email, _enterprise in active.filter(is_staff=True, email__in=addresses).values_list(*columns):
                self.by_address[email].append((pk, email))
        if user_ids:
            for pk, email, _enterprise in active.filter(pk__in=user_ids).values_list(*columns):
                self.by_id[pk] = (pk, email)

    def of(self, notice: Notice) -> dict[int, str]:
        """Return {user id: e-mail} of the people the notice is for."""
        found = dict([self.by_id[notice.user_id]]) if notice.user_id in self.by_id else {}
        if notice.audience == Notice.Audience.ENTERPRISE:
            found.update(self.by_enterprise.get(notice.enterprise_id, []))
        else:
            for address in notice.recipients:
                found.update(self.by_address.get(address, []))
        return found


def write_receipts(notices: list[Notice]) -> list[NoticeReceipt]:
    """Put each saved notice in the inbox of the people it is for."""
    notices = [n for n in notices if n.kind not in NOT_IN_INBOX]
    readers = _Readers(notices)
    receipts = [
        NoticeReceipt(
            notice=notice, user_id=user_id, created_at=notice.created_at, held=bool(email) and email in notice.held_for
        )
        for notice in notices
        for user_id, email in readers.of(notice).items()
    ]
    return NoticeReceipt.objects.bulk_create(receipts, ignore_conflicts=True)


# The inbox's reads and writes (the pages in applications/inbox_views.py).


def unread_count(user) -> int:
    """Return how many of the person's notices they have not read (one count on their unread receipts' index)."""
    return NoticeReceipt.objects.filter(user=user).unread().count()


def receipt_read(*, user, notice_id: int) -> bool:
    """Mark one of the person's notices read; return whether it was theirs and unread."""
    return bool(NoticeReceipt.objects.filter(user=user, notice_id=notice_id).unread().update(read_at=timezone.now()))


def receipts_read_all(*, user) -> int:
    """Mark every notice of the person read; return how many were unread."""
    return NoticeReceipt.objects.filter(user=user).unread().update(read_at=timezone.now())


def delivery_of(user) -> str:
    """Return how the person wants their e-mail (NoticePreference.Delivery; at once unless they chose a digest)."""
    preference = NoticePreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return preference or NoticePreference.Delivery.NOW


def delivery_set(*, user, delivery: str) -> NoticePreference:
    """Record how the person wants their e-mail. Notices already held stay held for the next digest."""
    preference, _created = NoticePreference.objects.update_or_create(user=user, defaults={"delivery": delivery})
    return preference
