"""The figures of the staff home, for the cases a person sees. Each is one grouped query through an index of the
cases (district or measure with status; status with status_changed_at; the events' created_at), bounded to the open
cases or the last twelve months, so the home costs the same few queries at a million cases; the whole is kept in
the cache for a few minutes per scope (figures change when cases move, not between two page views).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import StaffRole, User
from contacts.models import Department
from measures.models import Measure
from measures.workdays import WorkingCalendar
from portal.money import MoneySum

from ..models import TERMINAL_STATUSES, Event, Objection, Status
from ..ratings.stats import rating_rows
from ..workflow.permissions import applications_visible_to

# The stages of a queue, in the order a case passes them; drafts are the enterprise's business.
STAGES = [
    Status.SUBMITTED,
    Status.RESUBMITTED,
    Status.RETURNED,
    Status.UNDER_REVIEW,
    Status.VERIFICATION,
    Status.REVIEWED,
    Status.PUBLICITY,
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSING,
    Status.DISBURSED,
]
# The stages in which a case waits for staff, and so counts against the working-day limit (deadlines.reminders).
WAITING_FOR_STAFF = [
    Status.SUBMITTED,
    Status.RESUBMITTED,
    Status.UNDER_REVIEW,
    Status.VERIFICATION,
    Status.REVIEWED,
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSING,
]
AMOUNT_ACTIONS = {"final_review_pass": "proposed", "finance_approve": "approved", "record_payment": "paid"}
MONTHS = 12
TOP_MEASURES = 10
CACHE_SECONDS = 300


@dataclass
class Home:
    scope: str
    stages: list[dict] = field(default_factory=list)  # [{"status", "label", "count"}] of the queue
    overdue_limit: int = 0  # cases waiting for staff longer than the working-day limit
    overdue_deadline: int = 0  # cases past a deadline (correction, verification, 公示)
    objections_pending: int = 0
    by_status: dict = field(default_factory=dict)  # {"labels": [...], "counts": [...]}
    by_measure: dict = field(default_factory=dict)
    amounts: dict = field(
        default_factory=dict
    )  # {"months": [...], "proposed": [...], "approved": [...], "paid": [...]}
    waiting_days: dict = field(default_factory=dict)  # {"labels": [...], "days": [...]}
    # 好差评 per department: {"labels": [...], "good": [...], "neutral": [...], "bad": [...], "open": [...]}
    by_rating: dict = field(default_factory=dict)

    def charts(self) -> dict:
        """Return what the charts draw, for json_script."""
        return {key: value for key, value in asdict(self).items() if key.startswith(("by_", "amounts", "waiting"))}


def scope_key(user: User) -> str:
    """Return what a person's figures depend on: the same for everyone who sees the same cases."""
    if user.is_superuser:
        return "all"
    department = user.department_id if user.role == StaffRole.REVIEWER else ""
    return f"{user.role}:{user.work_district_id or ''}:{department}"


def limit_cutoff(today: datetime.date, calendar: WorkingCalendar) -> datetime.datetime:
    """Return the moment before which a case must have entered its stage to be past the working-day limit today."""
    limit = settings.REVIEW_LIMIT_WORKING_DAYS
    day = today - datetime.timedelta(days=1)
    while calendar.add_working_days(day, limit) >= today:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def _stage_counts(cases: QuerySet) -> tuple[Counter, Counter]:
    """Count the open cases (by stage, and by stage and measure) and those ended in the last twelve months."""
    by_status, by_measure = Counter(), Counter()
    since = timezone.now() - datetime.timedelta(days=365)
    open_rows = cases.filter(status__in=STAGES).values_list("status", "measure_id").annotate(n=Count("pk"))
    ended = cases.filter(status__in=TERMINAL_STATUSES, status_changed_at__gte=since)
    ended_rows = ended.values_list("status", "measure_id").annotate(n=Count("pk"))
    for rows in (open_rows, ended_rows):
        for status, measure_id, n in rows.order_by():
            by_status[status] += n
            by_measure[measure_id] += n
    return by_status, by_measure


def _measure_chart(by_measure: Counter) -> dict:
    top = by_measure.most_common(TOP_MEASURES)
    measures = Measure.objects.select_related("document").in_bulk([measure_id for measure_id, _n in top])
    labels = [f"{measures[pk].citation} {measures[pk].title}"[:40] for pk, _n in top if pk in measures]
    return {"labels": labels, "counts": [n for pk, n in top if pk in measures]}


def _amounts(cases: QuerySet, today: datetime.date) -> dict:
    months = month_starts(today)
    since = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    rows = (
        Event.objects.filter(action__in=AMOUNT_ACTIONS, created_at__gte=since, application__in=cases.values("pk"))
        .annotate(month=TruncMonth("created_at"))
        .values_list("action", "month")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    series: dict[str, dict] = defaultdict(dict)
    for action, month, total in rows:
        series[AMOUNT_ACTIONS[action]][month.date() if hasattr(month, "date") else month] = total or Decimal("0")
    result = {"months": [m.strftime("%Y-%m") for m in months]}
    for name in AMOUNT_ACTIONS.values():
        result[name] = [str((series[name].get(m) or Decimal("0")).quantize(Decimal("0.01"))) for m in months]
    return result


def _waiting_days(cases: QuerySet, today: datetime.date, calendar: WorkingCalendar) -> dict:
    """Average working days the open cases of each stage have waited so far: grouped by the day they entered it
    (a few hundred rows at most), each day's working days counted once."""
    rows = (
        cases.filter(status__in=WAITING_FOR_STAFF)
        .annotate(day=TruncDate("status_changed_at"))
        .values_list("status", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals, counts, days = Counter(), Counter(), {}
    for status, day, n in rows:
        if day not in days:
            days[day] = calendar.working_days_between(day, today) if day < today else 0
        totals[status] += days[day] * n
        counts[status] += n
    stages = [s for s in WAITING_FOR_STAFF if counts[s]]
    return {
        "labels": [str(Status(s).label) for s in stages],
        "days": [round(totals[s] / counts[s], 1) for s in stages],
    }


def _rating_chart(cases: QuerySet, today: datetime.date) -> dict:
    """好评/中评/差评 of the decisions and the open rectifications, per rated department (the first ten)."""
    rows = rating_rows(cases, "department", today)[:TOP_MEASURES]
    departments = Department.objects.select_related("district").in_bulk([row.key for row in rows if row.key])
    several = len({department.district_id for department in departments.values()}) > 1

    def label(key) -> str:
        department = departments.get(key)
        if department is None:
            return "—"
        return f"{department.district.name} {department.name}" if several else department.name

    return {
        "labels": [label(row.key) for row in rows],
        **{band: [getattr(row, band) for row in rows] for band in ("good", "neutral", "bad", "open")},
    }


def compute(user: User, today: datetime.date | None = None) -> Home:
    """Compute the person's figures (uncached)."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    cases = applications_visible_to(user)
    by_status, by_measure = _stage_counts(cases)
    home = Home(scope=scope_key(user))
    home.stages = [{"status": s, "label": str(Status(s).label), "count": by_status[s]} for s in STAGES]
    home.overdue_limit = cases.filter(
        status__in=WAITING_FOR_STAFF, status_changed_at__lt=limit_cutoff(today, calendar)
    ).count()
    home.overdue_deadline = cases.overdue(today).count()
    home.objections_pending = Objection.objects.pending().filter(application__in=cases.values("pk")).count()
    shown = [s for s in [*STAGES, *TERMINAL_STATUSES] if by_status[s]]
    home.by_status = {"labels": [str(Status(s).label) for s in shown], "counts": [by_status[s] for s in shown]}
    home.by_measure = _measure_chart(by_measure)
    home.amounts = _amounts(cases, today)
    home.waiting_days = _waiting_days(cases, today, calendar)
    home.by_rating = _rating_chart(cases, today)
    return home


def staff_home(user: User) -> Home:
    """Return the person's figures, from the cache when computed for the same scope and language (the stages' and
    charts' labels are in it) in the last few minutes."""
    today = timezone.localdate()
    key = f"staff-home:v2:{today.isoformat()}:{get_language()}:{scope_key(user)}"
    home = cache.get(key)
    if home is None:
        home = compute(user, today)
        cache.set(key, home, CACHE_SECONDS)
    return home
