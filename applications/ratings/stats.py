"""The figures of 好差评 that others show: a department's satisfaction rate (one aggregate on an index)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from ..models import ServiceRating
from ..models.ratings import SATISFIED_LEVELS, RatingStage


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
