"""The deadline sweep's step for 免申即享 offers: remind the enterprise REMIND_WORKING_DAYS working days before the last
day it may confirm (逾期未确认视为放弃, applications.direct.offers), as the correction reminders do before theirs.

One e-mail per enterprise and last day, naming every offer still open that ends that day (two lists approved on the
same day end on the same day). The notice's unique key (enterprise, kind, last day) makes it happen once: a second
sweep finds it written (the NOT EXISTS below) and writes nothing, even one running at the same moment.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from accounts.models import User
from measures.workdays import WorkingCalendar

from ..models import DirectEntry, DirectList, Notice, NoticeKind
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link

REMIND_WORKING_DAYS = 3


def open_offers_ending(today: datetime.date, last: datetime.date):
    """Return the offers still open whose last day falls between today and `last`, not yet reminded of."""
    # As the unique key of the notice states it (notice_once_per_enterprise_kind_due), so that its index answers.
    reminded = Notice.objects.filter(
        enterprise=OuterRef("enterprise"),
        kind=NoticeKind.DIRECT_OFFER_DUE,
        due_on=OuterRef("due_on"),
        application__isnull=True,
        ban__isnull=True,
    )
    return DirectEntry.objects.filter(
        state=DirectEntry.State.OFFERED,
        direct_list__state=DirectList.State.APPROVED,
        due_on__gte=today,
        due_on__lte=last,
    ).exclude(Exists(reminded))


def _notice(enterprise, due_on: datetime.date, entries: list[DirectEntry], today: datetime.date, calendar) -> Notice:
    users = sorted({user.email for user in enterprise.users.all()})
    context = {
        "enterprise": enterprise,
        "due_on": due_on,
        "working_days_left": calendar.working_days_between(today, due_on),
        "offers": [
            {
                "entry": entry,
                "measure": entry.direct_list.measure,
                "link": absolute_link(reverse("applications:direct_offer", args=[entry.pk])),
            }
            for entry in entries
        ],
        "link": absolute_link(reverse("applications:direct_offers")),
    }
    return build_notice(
        "direct_offer_due",
        context,
        users or ([enterprise.email] if enterprise.email else []),
        kind=NoticeKind.DIRECT_OFFER_DUE,
        audience=Notice.Audience.ENTERPRISE,
        enterprise=enterprise,
        due_on=due_on,
    )


def offer_reminders(today: datetime.date, stats: Counter, calendar: WorkingCalendar | None = None) -> None:
    """Remind each enterprise whose open offers end within REMIND_WORKING_DAYS working days, once per last day."""
    calendar = calendar or WorkingCalendar()
    stats.update(direct_offers_scanned=0, direct_offers_reminded=0)
    due = open_offers_ending(today, calendar.add_working_days(today, REMIND_WORKING_DAYS))
    pairs = list(due.order_by("enterprise_id", "due_on").values_list("enterprise_id", "due_on").distinct())
    size = settings.SWEEP_CHUNK_SIZE
    active = User.objects.filter(is_active=True).exclude(email="")
    for start in range(0, len(pairs), size):
        chunk = set(pairs[start : start + size])
        entries = (
            due.filter(enterprise_id__in={enterprise_id for enterprise_id, _day in chunk})
            .select_related("enterprise", "direct_list__measure__document")
            .prefetch_related(Prefetch("enterprise__users", queryset=active))
            .order_by("enterprise_id", "due_on", "pk")
        )
        grouped: dict[tuple[int, datetime.date], list[DirectEntry]] = defaultdict(list)
        for entry in entries:
            key = (entry.enterprise_id, entry.due_on)
            if key in chunk:  # the enterprise's other last days may be in another chunk
                grouped[key].append(entry)
        with transaction.atomic():
            written = write_notices(
                _notice(group[0].enterprise, due_on, group, today, calendar)
                for (_enterprise_id, due_on), group in grouped.items()
            )
        stats["direct_offers_scanned"] += len(chunk)
        stats["direct_offers_reminded"] += len(written)
