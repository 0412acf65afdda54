"""Estimates for a measure (补贴测算): the rule engine (measures.rules) fed with a measure and, optionally, the
earlier awards of an enterprise (rules across applications: yearly caps, stacking groups, the annual ceiling)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Measure

# The states in which an award counts against caps and groups: proposed and beyond, not refused or withdrawn.
AWARD_STATES = ("reviewed", "publicity", "finance_review", "approved", "disbursing", "disbursed", "closed")


def _awards(enterprise):
    try:
        from applications.models import Application
    except ImportError:  # before the applications app has its models
        return None
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
    awards = _awards(enterprise)
    if awards is None or enterprise is None:
        return rules.Context()
    if exclude_pk is not None:
        awards = awards.exclude(pk=exclude_pk)
    amount = Coalesce("approved_amount", "proposed_amount")
    this_year = awards.filter(submitted_at__year=on.year)
    earlier_this_year = this_year.filter(measure=measure).aggregate(total=Sum(amount))["total"] or Decimal("0")
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
            total=Sum(amount)
        )["total"] or Decimal("0")
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


def has_rule(measure: Measure) -> bool:
    return bool(measure.monetary and measure.rule_kind in rules.KINDS)


def inputs_for(measure: Measure) -> list[rules.Input]:
    return rules.rule_inputs(measure.rule_kind, measure.rule_params) if has_rule(measure) else []


def estimate_measure(
    measure: Measure, raw: dict, *, enterprise=None, on: datetime.date | None = None, exclude_pk=None
) -> rules.Estimate:
    """Return the estimate for raw inputs, or raise rules.RuleInputError naming each bad field.

    With an enterprise, its earlier awards count against the caps, except the application `exclude_pk` (the one
    being estimated).
    """
    project = raw.get("project", "") if isinstance(raw, dict) and isinstance(raw.get("project"), str) else ""
    context = (
        award_context(enterprise, measure, on, exclude_pk=exclude_pk, project=project)
        if enterprise is not None
        else rules.Context()
    )
    return rules.estimate(
        measure.rule_kind,
        measure.rule_params,
        raw,
        context=context,
        citation=measure.citation,
        quote=measure.rule_quote,
    )


def estimate_form_class(measure: Measure) -> type[forms.Form]:
    """Return a form with exactly the inputs the measure's rule needs."""
    fields: dict[str, forms.Field] = {}
    for spec in inputs_for(measure):
        label = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
        common = {"label": label, "required": spec.required, "help_text": spec.help}
        if spec.type == "money":
            field = forms.DecimalField(min_value=0, decimal_places=2, max_digits=16, **common)
        elif spec.type == "integer":
            field = forms.IntegerField(min_value=0, **common)
        elif spec.type == "decimal":
            field = forms.DecimalField(min_value=0, **common)
        elif spec.type == "date":
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        elif spec.type == "choice":
            field = forms.ChoiceField(choices=[("", "---------"), *spec.choices], **common)
        elif spec.type == "boolean":
            field = forms.BooleanField(**{**common, "required": False})
        else:
            field = forms.CharField(max_length=rules.TEXT_MAX_LENGTH, **common)
        fields[spec.name] = field
    return type("EstimateForm", (forms.Form,), fields)


def raw_from_form(form: forms.Form) -> dict:
    """Return the cleaned values as the engine's raw inputs (strings for numbers and dates)."""
    raw = {}
    for name, value in form.cleaned_data.items():
        if value is None or value == "":
            continue
        raw[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return raw


UNIT_NOTE = _("金额以元计，保留两位小数（四舍五入到分）。")
