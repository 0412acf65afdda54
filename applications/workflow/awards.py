"""An enterprise's earlier awards, and what they change for an estimate (rules.Context): yearly and per-item caps,
晋级补差, 不重复享受 groups and the annual ceiling. The rule engine computes; this module finds the awards."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models.functions import Coalesce
from django.utils import timezone

from measures import rules
from measures.estimation import estimate_measure
from measures.models import Measure
from portal.money import MoneySum

from ..models import Application

# The states in which an award counts against caps and groups: proposed and beyond, not refused or withdrawn.
AWARD_STATES = ("reviewed", "publicity", "finance_review", "approved", "disbursing", "disbursed", "closed")


def earlier_awards(enterprise):
    """Return the enterprise's cases that count as awards."""
    return Application.objects.filter(enterprise=enterprise, status__in=AWARD_STATES)


def award_context(
    enterprise, measure: Measure, on: datetime.date | None = None, *, exclude_pk=None, project: str = ""
) -> rules.Context:
    """Return what the enterprise's earlier awards change for this measure in the year of `on`.

    `project` names the project or product of the estimate (rules.item_input): the earlier awards under the
    measure with the same name, compared without regard to case and runs of white space, count against a cap per
    project; against a cap per product and year, only this year's.
    """
    on = on or timezone.localdate()
    if enterprise is None:
        return rules.Context()
    awards = earlier_awards(enterprise)
    if exclude_pk is not None:
        awards = awards.exclude(pk=exclude_pk)
    amount = Coalesce("approved_amount", "proposed_amount")
    this_year = awards.filter(submitted_at__year=on.year)
    earlier_this_year = this_year.filter(measure=measure).aggregate(total=MoneySum(amount))["total"]
    earlier_this_item = Decimal("0")
    name = rules.item_name(project).casefold()
    scope = rules.item_scope(measure.rule_kind, measure.rule_params or {})
    if name and scope:
        counted = this_year if scope == "year" else awards
        for inputs, value in (
            counted.filter(measure=measure, inputs__has_key="project")
            .annotate(value=amount)
            .values_list("inputs", "value")
        ):
            if rules.item_name(inputs.get("project")).casefold() == name:
                earlier_this_item += value or Decimal("0")
    # 晋级补差: the level of an earlier award under the same measure (fixed_by_level rules ask for "level").
    held = awards.filter(measure=measure, inputs__has_key="level").annotate(value=amount).order_by("-value").first()
    held_level = held.inputs.get("level", "") if held is not None else ""
    group_award, group_measure = Decimal("0"), ""
    if measure.stacking_group:
        best = (
            awards.filter(measure__stacking_group=measure.stacking_group)
            .exclude(measure=measure)
            .annotate(value=amount)
            .order_by("-value")
            .select_related("measure__document")
            .first()
        )
        if best is not None and best.value:
            group_award, group_measure = best.value, best.measure.citation
    annual_ceiling = None
    awarded_total = Decimal("0")
    if measure.document.annual_ceiling_quote and enterprise.prior_year_district_contribution is not None:
        annual_ceiling = enterprise.prior_year_district_contribution
        awarded_total = this_year.filter(measure__document__district=measure.document.district).aggregate(
            total=MoneySum(amount)
        )["total"]
    return rules.Context(
        earlier_this_year=earlier_this_year,
        earlier_this_item=earlier_this_item,
        held_level=held_level,
        group_award=group_award,
        group_measure=group_measure,
        annual_ceiling=annual_ceiling,
        awarded_this_year_total=awarded_total,
        group_quote=measure.stacking,
        annual_ceiling_quote=measure.document.annual_ceiling_quote,
    )


def estimate_for(
    measure: Measure, raw: dict, *, enterprise=None, on: datetime.date | None = None, exclude_pk=None
) -> rules.Estimate:
    """Return the estimate for raw inputs, the enterprise's earlier awards (but the case `exclude_pk`) counted.

    Raises rules.RuleInputError naming each bad field.
    """
    project = raw.get("project", "") if isinstance(raw, dict) and isinstance(raw.get("project"), str) else ""
    context = award_context(enterprise, measure, on, exclude_pk=exclude_pk, project=project) if enterprise else None
    return estimate_measure(measure, raw, context=context)
