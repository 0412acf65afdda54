"""The rule inputs an application asks for and its estimate: measures.estimation applied to an application.

Two things differ from the estimator on a measure's page. A draft keeps what was typed, so bad inputs come back
as messages by input name instead of an exception; and the steps are kept with the case (Application.
estimate_steps), so they are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from measures import rules
from measures.estimation import has_rule, inputs_for

from .awards import estimate_for


@dataclass
class EstimateResult:
    amount: Decimal | None
    steps: list[dict[str, str]] = field(default_factory=list)
    ceiling: Decimal | None = None
    discretionary: bool = False
    citation: str = ""
    # The rules it was computed with, kept with the case (Application.rule_version, rule_snapshot).
    rule_version: str = ""
    rule_snapshot: dict[str, Any] = field(default_factory=dict)


def rule_inputs(measure) -> list[rules.Input]:
    """Return the inputs the application form asks for: those of the measure's rule."""
    return inputs_for(measure)


def parse_inputs(measure, raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the typed values and, by input name, the Chinese message of each invalid one.

    Inputs whose amount would be larger than any estimate can be (rules.MAX_AMOUNT) are invalid too, so that a
    draft that passes is one that estimate() can compute. Earlier awards only lower the amount, so they are left
    out here.
    """
    if not has_rule(measure):
        return {}, {}
    ruleset = measure.ruleset
    try:
        values = ruleset.parse_inputs(raw)
        ruleset.estimate(raw)
    except rules.RuleInputError as error:
        return {}, {name: str(message) for name, message in error.errors.items()}
    return values, {}


def _money(value) -> str:
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def estimate(measure, raw: dict[str, str], *, enterprise=None, exclude_pk=None, on=None) -> EstimateResult:
    """Return the estimate of the amount, with its steps, for inputs that parse_inputs accepts.

    With an enterprise, its earlier awards (other than the case `exclude_pk`) count against the caps. A measure
    an administrator marked monetary without giving it a rule has no estimate: the reviewer sets the amount.
    """
    if not has_rule(measure):
        return EstimateResult(amount=None, discretionary=True, citation=measure.citation)
    result = estimate_for(measure, raw, enterprise=enterprise, on=on, exclude_pk=exclude_pk)
    steps = [
        {
            "label": str(step.label),
            "amount": _money(step.amount),
            "detail": str(step.detail or ""),
            "quote": str(step.quote or ""),
        }
        for step in result.steps
    ]
    return EstimateResult(
        amount=result.amount,
        steps=steps,
        ceiling=result.ceiling,
        discretionary=bool(result.discretionary),
        citation=str(result.citation or measure.citation),
        rule_version=result.version,
        rule_snapshot=measure.ruleset.record(result),
    )
