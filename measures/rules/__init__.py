"""Benefit rules: the kinds of rule the documents state, their parameters, the inputs they need and the estimate.

A measure's rule is data: a kind (one of KINDS) and its parameters, as transcribed from the document
(measures/data/SCHEMA.md, "Rule kinds"). This package checks the parameters (validate_params), names the inputs the
applicant must give (rule_inputs), reads those inputs from a form or JSON (parse_inputs) and computes the amount
with every step explained (estimate). It knows nothing of Django so that the YAML validator (measures.policydata),
the admin and the views all refuse and compute the same things.

All arithmetic is in Decimal; an amount of money is rounded half-up to the fen where it is produced. Every cap,
tier, rate choice and reduction for earlier awards is a step of its own: nothing is capped silently.

Where things are (each module imports only those above it):

    base.py          Input, Step, Context, Estimate, RuleInputError, MAX_AMOUNT, money and its formatting,
                     Param and the checks of a parameter value
    parsing.py       reading the applicant's inputs, one parser per input type; item_name
    caps.py          the state of one estimate (Work), the shared caps (cap_per_item ... cap), which earlier awards
                     a cap counts (item_scope, item_input; cap_period for a cap per enterprise, once-only awards),
                     stacking groups (不重复享受), the annual ceiling
    kind.py          RuleKind: what a kind declares, and the steps every estimate goes through
    proportional.py  percent_of_base, matching_ratio, fee_waiver
    interest.py      interest_subsidy
    headcount.py     per_head_tiers, count_tiers, per_head_flat, contribution_by_headcount_change
    premises.py      rent_months_waived, area_rate_days
    awards.py        formula_refund, fixed_by_level, spending_tiers, growth_award, discretionary_ceiling,
                     fixed_amount, reviewer_sets, other
    registry.py      KINDS (every kind by name), validate_params, rule_inputs, parse_inputs, estimate
    ruleset.py       Rule and RuleSet: a measure's rules (one, or several that one clause states), how they combine
                     (sum, or the one the applicant chooses), their inputs, the estimate with each rule's part, and
                     the version (a hash of the parameters) every estimate and case records
"""

from .base import (
    MAX_AMOUNT,
    Award,
    Context,
    Estimate,
    Input,
    Param,
    Part,
    RuleInputError,
    Step,
    percent,
    quantize_yuan,
    yuan,
)
from .caps import CAP_PERIODS, check_cap_period, item_input, item_scope
from .kind import RuleKind
from .parsing import TEXT_MAX_LENGTH, item_name
from .registry import KINDS, estimate, parse_inputs, rule_inputs, validate_params
from .ruleset import CHOICE_INPUT, COMBINES, MAIN, SEPARATOR, Rule, RuleSet, amount_of, single

__all__ = [
    "CAP_PERIODS",
    "CHOICE_INPUT",
    "COMBINES",
    "KINDS",
    "MAIN",
    "MAX_AMOUNT",
    "SEPARATOR",
    "TEXT_MAX_LENGTH",
    "Award",
    "Context",
    "Estimate",
    "Input",
    "Param",
    "Part",
    "Rule",
    "RuleInputError",
    "RuleKind",
    "RuleSet",
    "Step",
    "amount_of",
    "check_cap_period",
    "estimate",
    "item_input",
    "item_name",
    "item_scope",
    "parse_inputs",
    "percent",
    "quantize_yuan",
    "rule_inputs",
    "single",
    "validate_params",
    "yuan",
]
