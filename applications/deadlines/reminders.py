"""The scheduled sweeps: reminders before deadlines, cases waiting past their working-day limit, daily digests and
bans that end. Each writes `Notice` rows (applications.notices.outbox), which Celery then sends.

Every sweep walks its table by primary key in chunks (SWEEP_CHUNK_SIZE rows, one transaction each), so memory stays
bounded at millions of cases, and a sweep killed half-way keeps what it committed. A reminder has a unique key (case,
kind, audience, due date): a second run, or a redelivered one after a worker died, writes nothing twice, and the
`NOT EXISTS` filters skip what was written before so it costs little.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enterprise, StaffRole, User
from measures.workdays import WorkingCalendar

from ..direct.offers import offers_lapse_due
from ..models import Application, Ban, FraudFinding, Notice, NoticeKind, Recovery, Status
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import (
    absolute_link,
    admin_link,
    admins_of,
    emails,
    enterprise_emails,
    finance_of,
    reviewers_of,
)
from ..sanctions.findings import finding_process
from ..workflow import TransitionError
from ..workflow.permissions import applications_visible_to
from ..workflow.services import correction_lapse_due
from .offer_reminders import offer_reminders
from .rectifications import rectification_reminders

logger = logging.getLogger(__name__)

A = Notice.Audience

# Cases waiting for the lead department's reviewers, and for the district's finance.
REVIEWER_WAITING = [Status.SUBMITTED, Status.RESUBMITTED, Status.UNDER_REVIEW, Status.VERIFICATION, Status.REVIEWED]
FINANCE_WAITING = [Status.FINANCE_REVIEW, Status.APPROVED, Status.DISBURSING]

# (days left at most, kind): the most urgent that applies is sent, once per deadline.
DRAFT_STEPS = [(1, NoticeKind.DRAFT_CLOSING_1), (3, NoticeKind.DRAFT_CLOSING_3), (7, NoticeKind.DRAFT_CLOSING_7)]
CORRECTION_STEPS = [(1, NoticeKind.CORRECTION_DUE_1), (3, NoticeKind.CORRECTION_DUE_3)]
RECOVERY_STEPS = [(1, NoticeKind.RECOVERY_DUE_1), (7, NoticeKind.RECOVERY_DUE_7)]
BAN_ENDED_LOOKBACK = datetime.timedelta(days=30)


def step_for(days_left: int, steps: list[tuple[int, str]]) -> str | None:
    for limit, kind in steps:
        if 0 <= days_left <= limit:
            return kind
    return None


def chunks(queryset: QuerySet, size: int | None = None) -> Iterator[list]:
    """Yield the rows of queryset in primary-key order, size at a time.

    The ids come first, in one query the planner answers from the filter's own indexes (the waiting cases' state and
    date, the drafts' deadline); each chunk's rows are then read by id, with the filter applied again so a case that
    changed in the meantime is left out. Walking the primary key with `id > last ORDER BY id LIMIT n` instead made
    PostgreSQL read every case at a million of them to find the few thousand due (bench/FINDINGS.md).
    """
    size = size or settings.SWEEP_CHUNK_SIZE
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        rows = list(queryset.filter(pk__in=ids[start : start + size]).order_by("pk"))
        if rows:
            yield rows
        if pause := getattr(settings, "SWEEP_CHUNK_PAUSE", 0):  # tests: a sweep slow enough to kill half-way
            time.sleep(pause)


def reminded(kind: str, audience: str, **match) -> Exists:
    """The filter for "this case already has this reminder" (for the NOT EXISTS that skips it)."""
    return Exists(Notice.objects.filter(application=OuterRef("pk"), kind=kind, audience=audience, **match))


# A chunk's cases share a few measures: read each measure and document once a chunk (prefetch) instead of once a
# case (select_related), which at 2,000 cases a chunk held 2,000 copies of measure texts and JSON (~26 MB against
# ~11 MB a chunk; bench/FINDINGS.md).
SHARED = "measure__document"


# The staff's reminder names the enterprise and nothing else of it: a chunk's 2,000 enterprises read whole, and a
# copy of the district per case, were a third of a chunk's rows (bench/FINDINGS.md). The districts are shared.
NAMES_ONLY = Enterprise.objects.only("name")


def _with_enterprise_users(queryset: QuerySet) -> QuerySet:
    active = User.objects.filter(is_active=True).exclude(email="")
    return queryset.select_related("enterprise").prefetch_related(
        SHARED, Prefetch("enterprise__users", queryset=active)
    )


def _enterprise_to(enterprise) -> list[str]:
    users = sorted({u.email for u in enterprise.users.all()})
    return users or ([enterprise.email] if enterprise.email else [])


# A chunk's notices are built and written this many cases at a time, in the chunk's one transaction: each notice
# holds its text in every language and gets its inbox receipts, and a whole chunk's of them at once was the larger
# part of the catch-up sweep's peak memory (bench/FINDINGS.md).
WRITE_SLICE = 250


def _sweep(queryset: QuerySet, make: Callable[[object], list], stats: Counter, name: str) -> None:
    for rows in chunks(queryset):
        with transaction.atomic():
            for start in range(0, len(rows), WRITE_SLICE):
                notices = [notice for row in rows[start : start + WRITE_SLICE] for notice in make(row)]
                stats[f"{name}_written"] += len(write_notices(notices))
                del notices
        stats[f"{name}_scanned"] += len(rows)


# Enterprises: a draft whose window closes soon, a correction deadline approaching, money to repay.


def _step_window(steps: list[tuple[int, str]], limit: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the first and last deadline a step covers: (1 day) today..+1, (3) +2..+3, (7) +4..+7."""
    limits = [step for step, _kind in steps]
    previous = limits[limits.index(limit) - 1] if limits.index(limit) else -1
    return today + datetime.timedelta(days=previous + 1), today + datetime.timedelta(days=limit)


def _sweep_enterprise_reminders(
    queryset: QuerySet,
    steps: list[tuple[int, str]],
    deadline: str,
    due_on_of: Callable[[Application], datetime.date],
    today: datetime.date,
    stats: Counter,
    name: str,
) -> None:
    """For each step, remind the enterprises of the cases whose `deadline` falls in the step's days, once per due date."""
    for limit, kind in steps:
        first, last = _step_window(steps, limit, today)
        due = _with_enterprise_users(
            queryset.filter(**{f"{deadline}__gte": first, f"{deadline}__lte": last}).exclude(
                reminded(kind, A.ENTERPRISE, due_on=OuterRef(deadline))
            )
        )

        def make(application, kind=kind):
            due_on = due_on_of(application)
            context = {
                "kind": kind,
                "application": application,
                "due_on": due_on,
                "days_left": (due_on - today).days,
                "link": absolute_link(reverse("applications:edit", args=[application.pk])),
            }
            return [
                build_notice(
                    "reminder_enterprise",
                    context,
                    _enterprise_to(application.enterprise),
                    kind=kind,
                    audience=A.ENTERPRISE,
                    application=application,
                    enterprise=application.enterprise,
                    due_on=due_on,
                )
            ]

        _sweep(due, make, stats, name)


def draft_reminders(today: datetime.date, stats: Counter) -> None:
    """A draft whose deadline is near: the measure's window, or the case's own `apply_by` (a deadline counted from
    the enterprise's event, e.g. "缴纳社会保险满一年后,于六个月内"), whichever comes first."""
    drafts = (
        Application.objects.filter(status=Status.DRAFT)
        .filter(Q(measure__window_closes__isnull=False) | Q(apply_by__isnull=False))
        .alias(
            deadline=Least(
                Coalesce("apply_by", "measure__window_closes"), Coalesce("measure__window_closes", "apply_by")
            )
        )
    )

    def due_on_of(application):
        return min(d for d in (application.apply_by, application.measure.window_closes) if d)

    _sweep_enterprise_reminders(drafts, DRAFT_STEPS, "deadline", due_on_of, today, stats, "drafts")


def correction_reminders(today: datetime.date, stats: Counter) -> None:
    returned = Application.objects.filter(status=Status.RETURNED)
    _sweep_enterprise_reminders(
        returned, CORRECTION_STEPS, "correction_due_on", lambda a: a.correction_due_on, today, stats, "corrections"
    )


def recovery_reminders(today: datetime.date, stats: Counter) -> None:
    """Before the due date, remind the enterprise; once it has passed, tell it and the district's finance and
    administrators (the escalation of an unpaid recovery)."""
    open_recoveries = Recovery.objects.filter(state=Recovery.State.OPEN).select_related(
        "application__measure__document", "enterprise", "district"
    )

    def not_reminded(kind: str, audience: str):
        return ~Exists(
            Notice.objects.filter(
                application=OuterRef("application"), kind=kind, audience=audience, due_on=OuterRef("due_on")
            )
        )

    for limit, kind in RECOVERY_STEPS:
        first, last = _step_window(RECOVERY_STEPS, limit, today)
        due = open_recoveries.filter(due_on__gte=first, due_on__lte=last).filter(not_reminded(kind, A.ENTERPRISE))
        _sweep(due, lambda recovery, kind=kind: [_recovery_notice(recovery, kind, today)], stats, "recoveries")

    overdue = open_recoveries.filter(due_on__lt=today).filter(not_reminded(NoticeKind.RECOVERY_OVERDUE, A.ENTERPRISE))

    def make_overdue(recovery):
        notices = [_recovery_notice(recovery, NoticeKind.RECOVERY_OVERDUE, today)]
        staff = emails(finance_of(recovery.district_id) | admins_of(recovery.district_id))
        context = _recovery_context(recovery, NoticeKind.RECOVERY_ESCALATION, today)
        context["link"] = absolute_link(reverse("admin:applications_recovery_change", args=[recovery.pk]))
        notices.append(
            build_notice(
                "recovery",
                context,
                staff,
                kind=NoticeKind.RECOVERY_ESCALATION,
                audience=A.STAFF,
                application=recovery.application,
                due_on=recovery.due_on,
            )
        )
        return notices

    _sweep(overdue, make_overdue, stats, "recoveries")


def _recovery_context(recovery: Recovery, kind: str, today: datetime.date) -> dict:
    return {
        "kind": kind,
        "recovery": recovery,
        "application": recovery.application,
        "outstanding": recovery.outstanding(),
        "due_on": recovery.due_on,
        "days_left": (recovery.due_on - today).days,
        "link": absolute_link(reverse("applications:sanctions")),
    }


def _recovery_notice(recovery: Recovery, kind: str, today: datetime.date) -> Notice:
    return build_notice(
        "recovery",
        _recovery_context(recovery, kind, today),
        enterprise_emails(recovery.enterprise),
        kind=kind,
        audience=A.ENTERPRISE,
        application=recovery.application,
        enterprise=recovery.enterprise,
        due_on=recovery.due_on,
    )


# Staff: a case waiting past its working-day limit, then escalated to the head.


def entered_on_or_before(calendar: WorkingCalendar, today: datetime.date, limit: int) -> datetime.date:
    """Return the last day a case may have entered its state and be past a limit of `limit` working days today."""
    day = today - datetime.timedelta(days=1)
    while calendar.add_working_days(day, limit) >= today:
        day -= datetime.timedelta(days=1)
    return day


def _start_of_next_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def waiting_reminders(today: datetime.date, stats: Counter, calendar: WorkingCalendar | None = None) -> None:
    calendar = calendar or WorkingCalendar()
    limit = settings.REVIEW_LIMIT_WORKING_DAYS
    second = limit + settings.ESCALATION_WORKING_DAYS
    for kind, audience, working_days in [
        (NoticeKind.WAITING_OVERDUE, A.STAFF, limit),
        (NoticeKind.ESCALATION, A.HEAD, second),
    ]:
        cutoff = _start_of_next_day(entered_on_or_before(calendar, today, working_days))
        waiting = (
            Application.objects.filter(status__in=REVIEWER_WAITING + FINANCE_WAITING, status_changed_at__lt=cutoff)
            .exclude(reminded(kind, audience, created_at__gte=OuterRef("status_changed_at")))
            .prefetch_related(SHARED, "district", Prefetch("enterprise", queryset=NAMES_ONLY))
        )

        def make(application, kind=kind, audience=audience, working_days=working_days, cache={}):  # noqa: B006
            entered = timezone.localdate(application.status_changed_at)
            due_on = calendar.add_working_days(entered, working_days)
            to = _waiting_recipients(application, audience, cache)
            context = {
                "kind": kind,
                "application": application,
                "entered": entered,
                "due_on": due_on,
                "working_days": working_days,
                "waited": calendar.working_days_between(entered, today),
                "link": admin_link(application),
            }
            return [
                build_notice(
                    "reminder_staff", context, to, kind=kind, audience=audience, application=application, due_on=due_on
                )
            ]

        _sweep(waiting, make, stats, "waiting")


def _waiting_recipients(application: Application, audience: str, cache: dict) -> list[str]:
    finance = application.status in FINANCE_WAITING
    key = (audience, finance, application.district_id, None if finance else application.measure_id)
    if key not in cache:
        staff = finance_of(application.district_id) if finance else reviewers_of(application)
        if audience == A.HEAD:
            if finance:
                staff = staff.filter(is_head=True)
            else:
                departments = application.measure.lead_departments.all()
                staff = User.objects.filter(
                    id__in=User.objects.filter(
                        is_head=True, is_active=True, is_staff=True, department__in=departments
                    ).filter(
                        Q(staff_district_id=application.district_id) | Q(department__district=application.district)
                    )
                ).exclude(email="")
            found = emails(staff)
            # Where no head is recorded, the district's administrators are told.
            cache[key] = found or emails(admins_of(application.district_id))
        else:
            cache[key] = emails(staff)
    return cache[key]


def sweep_deadlines(*, today: datetime.date | None = None) -> dict[str, int]:
    """Run every deadline sweep once; return the counts (rows scanned and notices written, per sweep)."""
    today = today or timezone.localdate()
    stats: Counter = Counter()
    stats["findings"] += carry_out_pending_findings()
    draft_reminders(today, stats)
    correction_reminders(today, stats)
    stats["lapsed"] += len(correction_lapse_due(today=today))
    offer_reminders(today, stats)
    stats["direct_offers_lapsed"] += len(offers_lapse_due(today=today))
    waiting_reminders(today, stats)
    recovery_reminders(today, stats)
    rectification_reminders(today, stats)
    return dict(stats)


def carry_out_pending_findings(older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Carry out the fraud findings whose task never ran (the broker was down when they were recorded)."""

    cutoff = timezone.now() - older_than
    pending = FraudFinding.objects.filter(processed_at__isnull=True, recorded_at__lt=cutoff)
    done = 0
    for pk in pending.values_list("pk", flat=True):
        try:
            done += finding_process(finding_id=pk)
        except TransitionError as error:
            # E.g. the case left its awarded state before the finding was carried out. It stays pending for the
            # administrators to resolve, and must not stop every reminder of the sweep that follows.
            logger.error("Fraud finding %s could not be carried out: %s", pk, error.message)
    return done


# Daily digests and the end of bans.

DIGEST_ROLES = [StaffRole.REVIEWER, StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN]
DIGEST_LIST_LENGTH = 20


def digest_queue(user: User) -> QuerySet[Application]:
    visible = applications_visible_to(user)
    match user.role:
        case StaffRole.REVIEWER:
            return visible.filter(status__in=REVIEWER_WAITING)
        case StaffRole.FINANCE:
            return visible.filter(status__in=FINANCE_WAITING)
    return visible.filter(status__in=REVIEWER_WAITING + FINANCE_WAITING + [Status.PUBLICITY])


def send_daily_digests(*, today: datetime.date | None = None) -> dict[str, int]:
    """Write each reviewer's, finance officer's and administrator's digest of their queue (none if it is empty)."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    overdue_before = _start_of_next_day(entered_on_or_before(calendar, today, settings.REVIEW_LIMIT_WORKING_DAYS))
    staff = (
        User.objects.filter(is_active=True, is_staff=True, role__in=DIGEST_ROLES)
        .exclude(email="")
        .exclude(Exists(Notice.objects.filter(user=OuterRef("pk"), kind=NoticeKind.DIGEST, due_on=today)))
        .select_related("department", "staff_district")
    )
    stats: Counter = Counter()

    def make(user):
        queue = digest_queue(user).select_related("enterprise", "measure__document").order_by("status_changed_at")
        count = queue.count()
        if not count:
            return []
        overdue = queue.filter(status_changed_at__lt=overdue_before)
        context = {
            "user": user,
            "today": today,
            "count": count,
            "overdue_count": overdue.count(),
            "cases": list(queue[:DIGEST_LIST_LENGTH]),
            "overdue_before": overdue_before,
            "link": absolute_link(reverse("admin:applications_application_changelist")),
        }
        return [
            build_notice(
                "digest", context, [user.email], kind=NoticeKind.DIGEST, audience=A.USER, user=user, due_on=today
            )
        ]

    _sweep(staff, make, stats, "digests")
    return dict(stats)


def end_expired_bans(*, today: datetime.date | None = None) -> dict[str, int]:
    """Tell each enterprise whose ban ended (its last day was before today) that it may apply again in its district.

    One notice per ban, keyed by the ban: bans in two districts ending on the same day are two e-mails.
    """
    today = today or timezone.localdate()
    ended = (
        Ban.objects.filter(ends_on__lt=today, ends_on__gte=today - BAN_ENDED_LOOKBACK)
        .exclude(Exists(Notice.objects.filter(ban=OuterRef("pk"), kind=NoticeKind.BAN_ENDED)))
        .select_related("enterprise", "district")
    )
    stats: Counter = Counter()

    def make(ban):
        same_district = Ban.objects.filter(enterprise=ban.enterprise_id, district=ban.district_id).exclude(pk=ban.pk)
        if same_district.active(today).exists():  # another ban in the same district goes on
            return []
        if same_district.filter(ends_on=ban.ends_on, pk__lt=ban.pk).exists():  # its notice tells of this one too
            return []
        context = {"ban": ban, "link": absolute_link(reverse("measures:library"))}
        return [
            build_notice(
                "ban_ended",
                context,
                enterprise_emails(ban.enterprise),
                kind=NoticeKind.BAN_ENDED,
                audience=A.ENTERPRISE,
                enterprise=ban.enterprise,
                ban=ban,
                due_on=ban.ends_on,
            )
        ]

    _sweep(ended, make, stats, "bans")
    return dict(stats)
