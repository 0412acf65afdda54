"""An enterprise's earlier awards, and what they change for an estimate (rules.Context): caps per enterprise (every
earlier award or this year's, as the rule's cap_period says), once-only awards, per-item caps, 晋级补差 against the
amount on record, 不重复享受 groups and the annual ceiling over the documents it covers. The rule engine computes;
this module finds the awards, rule by rule of the measure."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

from django.db.models.functions import Coalesce
from django.utils import timezone

from measures import rules
from measures.estimation import estimate_measure
from measures.models import Measure, PolicyDocument
from portal.money import MoneySum

from ..models import Application

# The states in which an award counts against caps and groups: proposed and beyond, not refused or withdrawn.
AWARD_STATES = ("reviewed", "publicity", "finance_review", "approved", "disbursing", "disbursed", "closed")


def earlier_awards(enterprise):
    """Return the enterprise's cases that count as awards."""
    return Application.objects.filter(enterprise=enterprise, status__in=AWARD_STATES)


def award_context(
    enterprise, measure: Measure, on: datetime.date | None = None, *, exclude_pk=None, raw: dict | None = None
) -> rules.Context:
    """Return what the enterprise's earlier awards change for this measure in the year of `on`.

    Each rule of the measure counts the earlier awards under it (a case computed with several rules counts, for each,
    its part of the amount awarded: RuleSet.record kept the parts with the case): every one for a cap per
    enterprise with no year, this year's for a yearly one, any at all for an award paid once; 晋级补差 takes the
    level and the amount on record. `raw` (the estimate's inputs) names the project or product of a cap per one:
    the earlier awards under the rule with the same name, compared without regard to case and runs of white space,
    count against it; against a cap per product and year, only this year's.
    """
    on = on or timezone.localdate()
    if enterprise is None:
        return rules.Context()
    awards = earlier_awards(enterprise)
    if exclude_pk is not None:
        awards = awards.exclude(pk=exclude_pk)
    ruleset = measure.ruleset
    rows = list(
        awards.filter(measure=measure)
        .annotate(value=AWARDED)
        .order_by("submitted_at", "pk")
        .values("reference", "submitted_at", "inputs", "rule_snapshot", "value")
    )
    for row in rows:
        row["year"] = timezone.localtime(row["submitted_at"]).year if row["submitted_at"] else on.year
        row["parts"] = _parts(row, ruleset)
    own = {rule.key: _rule_context(rule, ruleset, rows, on.year, raw or {}) for rule in ruleset.rules}
    group_award, group_measure = _group(awards, measure)
    annual_ceiling, awarded_total, covers = _annual_ceiling(enterprise, awards, measure, on)
    return replace(
        own[ruleset.main.key],
        group_award=group_award,
        group_measure=group_measure,
        annual_ceiling=annual_ceiling,
        awarded_this_year_total=awarded_total,
        group_quote=measure.stacking,
        annual_ceiling_quote=measure.document.annual_ceiling_quote,
        annual_ceiling_covers=covers,
        by_rule={key: context for key, context in own.items() if key != ruleset.main.key},
    )


AWARDED = Coalesce("approved_amount", "proposed_amount")


def _parts(row: dict, ruleset: rules.RuleSet) -> dict[str, Decimal]:
    """Return the amount a case awarded, by the key of the rule it was awarded under.

    A case computed with several rules (rule_snapshot, RuleSet.record) splits its awarded amount in the proportion
    of the parts its estimate gave (the reviewer set the total, not the parts); a case with no parts on record
    (before rules were recorded) counts under the measure's main rule.
    """
    value = rules.quantize_yuan(row["value"] or 0)
    recorded = (row["rule_snapshot"] or {}).get("rules") if isinstance(row["rule_snapshot"], dict) else None
    shares = {
        r["key"]: rules.amount_of(r.get("amount"))
        for r in recorded or []
        if isinstance(r, dict) and isinstance(r.get("key"), str)
    }
    total = sum(shares.values(), Decimal("0"))
    if not shares:
        return {ruleset.main.key: value}
    if total <= 0:
        return {next(iter(shares)): value}
    parts = {key: rules.quantize_yuan(value * share / total) for key, share in shares.items()}
    last = list(parts)[-1]
    parts[last] += value - sum(parts.values(), Decimal("0"))  # what rounding left goes to the last part
    return parts


def _rule_context(rule: rules.Rule, ruleset: rules.RuleSet, rows: list[dict], year: int, raw: dict) -> rules.Context:
    """Return the earlier awards under one rule of the measure: this year's, every year's, the project's, the
    level held and what was awarded for it."""
    mine = [(row, row["parts"][rule.key]) for row in rows if row["parts"].get(rule.key)]
    ever = sum((part for _row, part in mine), Decimal("0"))
    this_year = sum((part for row, part in mine if row["year"] == year), Decimal("0"))
    awards = tuple(
        rules.Award(row["reference"], row["year"], part, _awarded_for(row, rule, ruleset))
        for row, part in mine
        if part > 0
    )
    held_level, held_amount = _held(rule, ruleset, mine, ever)
    return rules.Context(
        earlier_this_year=this_year,
        earlier_ever=ever,
        earlier_this_item=_same_item(rule, ruleset, mine, year, raw),
        earlier_awards=awards,
        held_level=held_level,
        held_amount=held_amount,
    )


def _awarded_for(row: dict, rule: rules.Rule, ruleset: rules.RuleSet) -> str:
    """Return the level or stage a case was awarded for (fixed_by_level, growth_award), or ""."""
    inputs = row["inputs"] or {}
    value = inputs.get(ruleset.input_name(rule, "level")) or inputs.get(ruleset.input_name(rule, "stage"))
    return value if isinstance(value, str) else ""


def _same_item(rule: rules.Rule, ruleset: rules.RuleSet, mine: list[tuple[dict, Decimal]], year: int, raw: dict):
    """Return what the same project or product received before, for a cap per one (rules.item_scope)."""
    name_of = ruleset.input_name(rule, "project")
    scope = rules.item_scope(rule.kind, rule.params)
    project = raw.get(name_of) if isinstance(raw.get(name_of), str) else ""
    name = rules.item_name(project).casefold()
    if not (name and scope):
        return Decimal("0")
    return sum(
        (
            part
            for row, part in mine
            if (scope == "all" or row["year"] == year)
            and rules.item_name((row["inputs"] or {}).get(name_of)).casefold() == name
        ),
        Decimal("0"),
    )


def _held(rule: rules.Rule, ruleset: rules.RuleSet, mine: list[tuple[dict, Decimal]], ever: Decimal):
    """晋级补差: return the highest level awarded before under the rule (fixed_by_level asks for "level") and what the
    enterprise was actually awarded under it in all, or ("", None) when it holds none."""
    if rule.kind != "fixed_by_level":
        return "", None
    amounts = {item["level"]: rules.amount_of(item["amount"]) for item in rule.params.get("levels") or []}
    held = [(row["inputs"] or {}).get(ruleset.input_name(rule, "level")) for row, _part in mine]
    held = [level for level in held if level in amounts]
    if not held:
        return "", None
    return max(held, key=lambda level: amounts[level]), ever


def _group(awards, measure: Measure) -> tuple[Decimal, str]:
    """Return the largest award under another measure of the measure's stacking group (不重复享受) and its clause."""
    if not measure.stacking_group:
        return Decimal("0"), ""
    best = (
        awards.filter(measure__stacking_group=measure.stacking_group)
        .exclude(measure=measure)
        .annotate(value=AWARDED)
        .order_by("-value")
        .select_related("measure__document")
        .first()
    )
    if best is None or not best.value:
        return Decimal("0"), ""
    return best.value, best.measure.citation


def _annual_ceiling(enterprise, awards, measure: Measure, on: datetime.date) -> tuple[Decimal | None, Decimal, str]:
    """Return the yearly ceiling (the prior-year district contribution), this year's awards it counts (those under
    the documents the measure's document names in annual_ceiling_covers) and those documents' names."""
    document = measure.document
    if not document.annual_ceiling_quote or enterprise.prior_year_district_contribution is None:
        return None, Decimal("0"), ""
    keys = document.annual_ceiling_covers or [document.key]
    covered = PolicyDocument.objects.filter(key__in=keys).order_by("district__order", "issued_on", "pk")
    names = "、".join(d.number or f"《{d.title}》" for d in covered)
    awarded = awards.filter(submitted_at__year=on.year, measure__document__key__in=keys).aggregate(
        total=MoneySum(AWARDED)
    )["total"]
    return enterprise.prior_year_district_contribution, awarded, f"{names}项下的资金支持"


def estimate_for(
    measure: Measure, raw: dict, *, enterprise=None, on: datetime.date | None = None, exclude_pk=None
) -> rules.Estimate:
    """Return the estimate for raw inputs, the enterprise's earlier awards (but the case `exclude_pk`) counted.

    Raises rules.RuleInputError naming each bad field.
    """
    raw = raw if isinstance(raw, dict) else {}
    context = award_context(enterprise, measure, on, exclude_pk=exclude_pk, raw=raw) if enterprise else None
    return estimate_measure(measure, raw, context=context)
