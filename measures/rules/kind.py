"""RuleKind: what each kind of rule declares (label, parameters, inputs, arithmetic, extra checks) and the steps
every estimate goes through.

An estimate: check the parameters -> read the inputs -> the rule's own amount (RuleKind.run: 0 for an award paid
once and already received, otherwise the kind's arithmetic, compute, which applies the kind's caps) -> what limits
the measure's total (conclude: a stacking group, caps.apply_group, then the annual ceiling,
caps.apply_annual_ceiling) -> the final step ("测算金额", or "最高可获" when the reviewer decides within a
ceiling). A measure stating several rules (measures.rules.ruleset) runs each, then concludes once on the total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import (
    MAX_AMOUNT,
    ZERO,
    Context,
    Estimate,
    Input,
    Param,
    Part,
    RuleInputError,
    check_value,
    quantize_yuan,
    yuan,
)
from .caps import Work, apply_annual_ceiling, apply_group, apply_once, item_input
from .parsing import NUMBER_TYPES, parse_one


def _no_problems(params: dict) -> list[str]:
    return []


def _no_value_errors(params: dict, values: dict) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class RuleKind:
    """One kind of benefit rule: its Chinese label, its parameters and how it computes."""

    name: str
    label: str
    params: dict[str, Param]
    inputs: Callable[[dict], list[Input]]
    compute: Callable[[Work], Decimal]
    check: Callable[[dict], list[str]] = _no_problems
    check_values: Callable[[dict, dict], dict[str, str]] = _no_value_errors
    description: str = field(default="")

    def validate_params(self, params: Any) -> list[str]:
        """Return the problems with the parameters, in Chinese; [] when they are valid."""
        if not isinstance(params, dict):
            return ["计算规则参数必须是键值映射"]
        problems = []
        for name in params:
            if name not in self.params:
                problems.append(f"未知参数“{name}”（{self.label}可用的参数：{'、'.join(self.params)}）")
        for name, spec in self.params.items():
            if spec.required and (name not in params or params[name] in (None, "", [], {})):
                problems.append(f"缺少参数“{name}”（{spec.label}）")
            elif name in params and params[name] is not None:
                problems += check_value(f"参数“{name}”", spec, params[name])
        if problems:
            return problems
        return self.check(params)

    def rule_inputs(self, params: dict) -> list[Input]:
        item = item_input(self.name, params)
        return [*self.inputs(params), *([item] if item else [])]

    def parse_inputs(self, params: dict, raw: dict) -> dict:
        raw = raw or {}
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for spec in self.rule_inputs(params):
            value, message = parse_one(spec, raw.get(spec.name))
            if message:
                errors[spec.name] = message
            values[spec.name] = value
        if not errors:
            errors = self.check_values(params, values)
        if errors:
            raise RuleInputError(errors)
        return values

    def run(self, params: dict, values: dict, context: Context, quote: str, cap_period: str = "") -> Work:
        """Compute this rule's own amount from typed values (its arithmetic and caps, or 0 for an award paid once
        and already received); return the work, its amount in work.amount. Measure-wide limits come after."""
        work = Work(params, values, context, quote, cap_period)
        work.amount = ZERO if apply_once(work) else quantize_yuan(self.compute(work))
        return work

    def number_inputs(self, params: dict) -> list[str]:
        return [spec.name for spec in self.inputs(params) if spec.type in NUMBER_TYPES]

    def estimate(
        self,
        params: dict,
        values: dict,
        *,
        context: Context | None = None,
        citation: str = "",
        quote: str = "",
        cap_period: str = "",
        version: str = "",
    ) -> Estimate:
        problems = self.validate_params(params)
        if problems:
            raise ValueError("；".join(problems))
        values = self.parse_inputs(params, values)
        try:
            work = self.run(params, values, context or Context(), quote, cap_period)
        except InvalidOperation:  # more digits than Decimal keeps: far above MAX_AMOUNT
            raise too_large(self.number_inputs(params)) from None
        return conclude(work, work.amount, citation, self.number_inputs(params), version=version)


def too_large(names: list[str]) -> RuleInputError:
    """Return the error for inputs whose estimate would be larger than any amount a case can hold."""
    message = f"按所填数字测算的金额超过{yuan(MAX_AMOUNT)}，请核对"
    return RuleInputError({name: message for name in names})


def conclude(
    work: Work,
    amount: Decimal,
    citation: str,
    number_inputs: list[str],
    *,
    version: str = "",
    parts: tuple[Part, ...] = (),
    some_without_amount: bool = False,
) -> Estimate:
    """Apply what limits the measure's total (a stacking group, the annual ceiling) and add the final step.

    `work` holds the steps so far and the measure's context; `some_without_amount`: part of the total is set by the
    lead department (a rule stating no amount among others that do).
    """
    try:
        amount = quantize_yuan(apply_group(work, amount))
        amount = quantize_yuan(apply_annual_ceiling(work, amount))
    except InvalidOperation:
        amount = None
    if amount is None or amount > MAX_AMOUNT:
        raise too_large(number_inputs)
    done = {"citation": citation, "version": version, "parts": parts}
    if work.no_amount:
        work.step("测算金额：文件未规定金额", ZERO, "实际金额由牵头部门核定")
        return Estimate(quantize_yuan(ZERO), tuple(work.steps), discretionary=True, ceiling=None, **done)
    if some_without_amount:
        work.step("测算金额", amount, "另有部分文件未规定金额，由牵头部门核定")
        return Estimate(amount, tuple(work.steps), discretionary=True, ceiling=None, **done)
    if work.discretionary:
        work.step("最高可获", amount, "由主管部门在此额度内核定实际金额")
        return Estimate(amount, tuple(work.steps), discretionary=True, ceiling=amount, **done)
    work.step("测算金额", amount)
    return Estimate(amount, tuple(work.steps), **done)
