"""RuleKind: what each kind of rule declares (label, parameters, inputs, arithmetic, extra checks) and the steps
every estimate goes through.

An estimate: check the parameters -> read the inputs -> the kind's own arithmetic (compute, which applies the
kind's caps) -> a stacking group (caps.apply_group) -> the annual ceiling (caps.apply_annual_ceiling) -> the final
step ("测算金额", or "最高可获" when the reviewer decides within a ceiling).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import MAX_AMOUNT, ZERO, Context, Estimate, Input, Param, RuleInputError, check_value, quantize_yuan, yuan
from .caps import Work, apply_annual_ceiling, apply_group, item_input
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

    def estimate(
        self, params: dict, values: dict, *, context: Context | None = None, citation: str = "", quote: str = ""
    ) -> Estimate:
        problems = self.validate_params(params)
        if problems:
            raise ValueError("；".join(problems))
        values = self.parse_inputs(params, values)
        work = Work(params, values, context or Context(), quote)
        try:
            amount = quantize_yuan(self.compute(work))
            amount = quantize_yuan(apply_group(work, amount))
            amount = quantize_yuan(apply_annual_ceiling(work, amount))
        except InvalidOperation:  # more digits than Decimal keeps: far above MAX_AMOUNT
            amount = None
        if amount is None or amount > MAX_AMOUNT:
            message = f"按所填数字测算的金额超过{yuan(MAX_AMOUNT)}，请核对"
            raise RuleInputError({spec.name: message for spec in self.inputs(params) if spec.type in NUMBER_TYPES})
        if work.no_amount:
            work.step("测算金额：文件未规定金额", ZERO, "实际金额由牵头部门核定")
            return Estimate(quantize_yuan(ZERO), tuple(work.steps), citation, discretionary=True, ceiling=None)
        if work.discretionary:
            work.step("最高可获", amount, "由主管部门在此额度内核定实际金额")
            return Estimate(amount, tuple(work.steps), citation, discretionary=True, ceiling=amount)
        work.step("测算金额", amount)
        return Estimate(amount, tuple(work.steps), citation)
