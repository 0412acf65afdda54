"""The rule inputs an application form asks for and the estimate shown before submitting.

Both come from the rule engine (measures.rules) when it knows the measure's rule kind. Otherwise the form asks for
the amount applied for and the reviewer sets the figure; a ceiling stated in the rule's parameters still applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

try:  # the rule engine is written alongside this app; until it lands every measure uses the fallback
    from measures import rules as engine
except ImportError:  # pragma: no cover - depends on the checkout
    engine = None

CEILING_PARAMS = ("ceiling", "cap_per_entity", "cap_per_project", "cap_per_item", "cap")


@dataclass(frozen=True)
class Input:
    """The same shape as measures.rules.Input."""

    name: str
    label: Any
    type: str = "money"
    unit: str = ""
    required: bool = True
    choices: tuple = ()
    help: Any = ""


@dataclass
class EstimateResult:
    amount: Decimal | None
    steps: list[dict[str, str]] = field(default_factory=list)
    ceiling: Decimal | None = None
    discretionary: bool = False
    citation: str = ""


REQUESTED_AMOUNT = Input(
    "requested_amount",
    gettext_lazy("申请金额"),
    unit=gettext_lazy("元"),
    help=gettext_lazy("按条款规定的标准自行测算；最终金额由主管部门审核确定。"),
)


def _engine_knows(measure) -> bool:
    if engine is None or measure.rule_kind not in getattr(engine, "KINDS", {}):
        return False
    return not engine.validate_params(measure.rule_kind, measure.rule_params)


def rule_inputs(measure) -> list:
    """Return the inputs the application form asks for."""
    if _engine_knows(measure):
        return list(engine.rule_inputs(measure.rule_kind, measure.rule_params))
    return [REQUESTED_AMOUNT]


def _parse_one(spec, raw: str) -> Any:
    raw = (raw or "").strip()
    if spec.type == "boolean":
        return raw.lower() in {"on", "true", "1", "yes"}
    if spec.type in ("money", "decimal"):
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("请输入数字。")) from None
        if value < 0 or not value.is_finite():
            raise ValueError(_("不能为负数。"))
        return value.quantize(Decimal("0.01")) if spec.type == "money" else value
    if spec.type == "integer":
        if not raw.isdigit():
            raise ValueError(_("请输入非负整数。"))
        return int(raw)
    if spec.type == "date":
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(_("请按 YYYY-MM-DD 填写日期。")) from None
    if spec.type == "choice":
        allowed = {str(c[0]) if isinstance(c, list | tuple) else str(c) for c in spec.choices}
        if raw not in allowed:
            raise ValueError(_("请从列表中选择。"))
    return raw


def parse_inputs(measure, raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the typed values and, by input name, the Chinese message of each invalid one."""
    if _engine_knows(measure):
        try:
            return engine.parse_inputs(measure.rule_kind, measure.rule_params, raw), {}
        except engine.RuleInputError as error:
            return {}, {name: str(message) for name, message in error.errors.items()}
    values, errors = {}, {}
    for spec in rule_inputs(measure):
        text = (raw.get(spec.name) or "").strip()
        if not text and spec.type != "boolean":
            if spec.required:
                errors[spec.name] = _("此项必填。")
            continue
        try:
            values[spec.name] = _parse_one(spec, text)
        except ValueError as error:
            errors[spec.name] = str(error)
    return values, errors


def _ceiling_from_params(measure) -> Decimal | None:
    for name in CEILING_PARAMS:
        if measure.rule_params.get(name):
            try:
                return Decimal(str(measure.rule_params[name]))
            except InvalidOperation:
                return None
    return None


def _money(value) -> str:
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _award_context(measure, enterprise, exclude_pk, on):
    """Return what the enterprise's earlier awards change (yearly caps, 不重复享受 groups, the 区收 ceiling)."""
    if enterprise is None:
        return None
    try:
        from measures.estimation import award_context
    except ImportError:  # pragma: no cover - depends on the checkout
        return None
    return award_context(enterprise, measure, on, exclude_pk=exclude_pk)


def estimate(measure, raw: dict[str, str], *, enterprise=None, exclude_pk=None, on=None) -> EstimateResult:
    """Return the estimate of the amount, with its steps, for inputs that parse_inputs accepts.

    With an enterprise, its earlier awards (other than the case `exclude_pk`) count against the caps.
    """
    if _engine_knows(measure):
        result = engine.estimate(
            measure.rule_kind,
            measure.rule_params,
            raw,
            context=_award_context(measure, enterprise, exclude_pk, on),
            citation=measure.citation,
            quote=measure.rule_quote,
        )
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
        )
    values, _errors = parse_inputs(measure, raw)
    requested = values.get(REQUESTED_AMOUNT.name)
    ceiling = _ceiling_from_params(measure)
    amount = min(requested, ceiling) if requested is not None and ceiling is not None else requested
    steps = [{"label": _("企业申请金额"), "amount": _money(requested), "detail": "", "quote": ""}]
    if ceiling is not None:
        steps.append(
            {"label": _("条款规定的上限"), "amount": _money(ceiling), "detail": "", "quote": measure.rule_quote}
        )
    return EstimateResult(
        amount=amount,
        steps=steps,
        ceiling=ceiling,
        discretionary=measure.rule_kind == "discretionary_ceiling",
        citation=measure.citation,
    )
