"""Every rule kind by name (KINDS) and the four things the rest of the portal asks of a rule: validate_params,
rule_inputs, parse_inputs and estimate."""

from __future__ import annotations

from .awards import (
    DISCRETIONARY_CEILING,
    FIXED_AMOUNT,
    FIXED_BY_LEVEL,
    FORMULA_REFUND,
    GROWTH_AWARD,
    OTHER,
    REVIEWER_SETS,
    SPENDING_TIERS,
)
from .base import Context, Estimate, Input
from .headcount import CONTRIBUTION_BY_HEADCOUNT_CHANGE, COUNT_TIERS, PER_HEAD_FLAT, PER_HEAD_TIERS
from .interest import INTEREST_SUBSIDY
from .kind import RuleKind
from .premises import AREA_RATE_DAYS, RENT_MONTHS_WAIVED
from .proportional import FEE_WAIVER, MATCHING_RATIO, PERCENT_OF_BASE

KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        PERCENT_OF_BASE,
        INTEREST_SUBSIDY,
        PER_HEAD_TIERS,
        COUNT_TIERS,
        PER_HEAD_FLAT,
        CONTRIBUTION_BY_HEADCOUNT_CHANGE,
        FORMULA_REFUND,
        FIXED_BY_LEVEL,
        SPENDING_TIERS,
        RENT_MONTHS_WAIVED,
        AREA_RATE_DAYS,
        GROWTH_AWARD,
        DISCRETIONARY_CEILING,
        MATCHING_RATIO,
        FIXED_AMOUNT,
        FEE_WAIVER,
        REVIEWER_SETS,
        OTHER,
    )
}


def _kind(kind: str) -> RuleKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"未知的计算规则类型“{kind}”") from None


def validate_params(kind: str, params: dict) -> list[str]:
    """Return what is wrong with a rule's parameters, in Chinese; [] when they are valid."""
    if kind not in KINDS:
        return [f"未知的计算规则类型“{kind}”（可用：{'、'.join(KINDS)}）"]
    return KINDS[kind].validate_params(params)


def rule_inputs(kind: str, params: dict) -> list[Input]:
    """Return exactly the inputs the rule needs from the applicant."""
    return _kind(kind).rule_inputs(params)


def parse_inputs(kind: str, params: dict, raw: dict) -> dict:
    """Return the typed inputs read from strings or numbers; raise RuleInputError naming every bad field."""
    return _kind(kind).parse_inputs(params, raw)


def estimate(
    kind: str,
    params: dict,
    values: dict,
    *,
    context: Context | None = None,
    citation: str = "",
    quote: str = "",
) -> Estimate:
    """Return the amount the rule gives for these inputs, with every step explained."""
    return _kind(kind).estimate(params, values, context=context, citation=citation, quote=quote)
