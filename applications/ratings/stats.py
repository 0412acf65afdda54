"""The figures of 好差评 that others show: a department's satisfaction rate (one aggregate on an index), and the staff's
counts of 好评/中评/差评 and open rectifications per department or measure (the staff home's chart, the export)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from ..models import Rectification, ServiceRating
from ..models.ratings import SATISFIED_LEVELS, RatingLevel, RatingStage


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    satisfied: int

    @property
    def rate(self) -> Decimal | None:
        """Return the share of satisfied ratings in percent (one place, half up), or None without ratings."""
        if not self.ratings:
            return None
        return (Decimal(self.satisfied) * 100 / self.ratings).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def department_satisfaction(department_id: int) -> Satisfaction:
    """Return how many decisions of the department were rated, and how many of them 满意 or better (基本满意 counts)."""
    totals = ServiceRating.objects.filter(department_id=department_id, stage=RatingStage.DECISION).aggregate(
        ratings=Count("pk"), satisfied=Count("pk", filter=Q(level__in=SATISFIED_LEVELS))
    )
    return Satisfaction(ratings=totals["ratings"], satisfied=totals["satisfied"])


# The three bands of the staff's figures: 好评 (满意 and better), 中评 (基本满意), 差评 (the two lowest).
BANDS = {
    RatingLevel.VERY_SATISFIED: "good",
    RatingLevel.SATISFIED: "good",
    RatingLevel.NEUTRAL: "neutral",
    RatingLevel.DISSATISFIED: "bad",
    RatingLevel.VERY_DISSATISFIED: "bad",
}
GROUPS = {"department": "department_id", "measure": "application__measure_id"}


@dataclass
class RatingRow:
    """The ratings of the decisions of one department or measure, and its 差评 still unanswered."""

    key: int | None
    good: int = 0
    neutral: int = 0
    bad: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def ratings(self) -> int:
        return self.good + self.neutral + self.bad


def rating_rows(cases: QuerySet, by: str, today: datetime.date) -> list[RatingRow]:
    """Return, per department or measure (`by`), the counts of 好评/中评/差评 of the decisions of the given cases and
    their open (and overdue) rectifications: two grouped queries, most ratings first."""
    field = GROUPS[by]
    rows: dict[int | None, RatingRow] = {}
    rated = ServiceRating.objects.filter(application__in=cases.values("pk"), stage=RatingStage.DECISION)
    for key, level, n in rated.values_list(field, "level").annotate(n=Count("pk")).order_by():
        row = rows.setdefault(key, RatingRow(key))
        band = BANDS[level]
        setattr(row, band, getattr(row, band) + n)
    open_tasks = Rectification.objects.filter(rating__application__in=cases.values("pk"), responded_at__isnull=True)
    task_field = "department_id" if by == "department" else "rating__application__measure_id"
    counts = open_tasks.values_list(task_field).annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    for key, n, late in counts.order_by():
        row = rows.setdefault(key, RatingRow(key))
        row.open, row.overdue = n, late
    return sorted(rows.values(), key=lambda row: (-row.ratings, -row.open, row.key or 0))
