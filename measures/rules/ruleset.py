"""A measure's rules: the one its clause states, or several (朝政办发〔2020〕8号 16.: a training subsidy, a 稳岗 training
subsidy and a temporary post subsidy), each computed and explained, and how they combine.

- Rule: one rule (kind, params, quote) with its key in the measure, its label, its cap_period (which earlier awards a
  cap per enterprise counts, caps.CAP_PERIODS) and, where the clause leaves a reading open, the reading chosen.
- RuleSet: the measure's rules and how they combine: "sum" (the amounts are added: the main rule always applies, a
  further rule when the applicant gives its inputs, since its conditions may differ) or "choice" (the applicant's
  input `rule` picks the one that applies: 人防工程 used for business, or for offices and storage).
  The main rule's inputs keep their own names; a further rule's are prefixed with its key ("post__persons"), so
  inputs stored with earlier cases and API clients of a one-rule measure read as before.
- version: a hash of what computes the amount (kinds, parameters, cap periods, keys, how they combine), recorded
  with every estimate and case, so a later correction of the data does not silently change what an award was
  based on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import ZERO, Context, Estimate, Input, Part, RuleInputError, Step, yuan
from .caps import Work, check_cap_period
from .kind import conclude, too_large
from .parsing import NUMBER_TYPES, parse_one
from .registry import KINDS, validate_params

MAIN = "main"
CHOICE_INPUT = "rule"
SEPARATOR = "__"
COMBINES = {"sum": "各项分别计算后相加", "choice": "按申请人选择的一项计算"}
RULE_KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def digest(value: Any) -> str:
    """Return a short, stable hash of plain data (the same on every machine and Python)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Rule:
    kind: str
    params: dict
    quote: str = ""
    key: str = MAIN
    label: str = ""
    cap_period: str = ""  # "" only for rules made outside the data files: a cap is then read from its name
    reading: str = ""  # the reading chosen where the clause leaves one open, shown on the measure's page

    @property
    def version(self) -> str:
        return digest({"kind": self.kind, "params": self.params, "cap_period": self.cap_period})

    @property
    def title(self) -> str:
        return self.label or KINDS[self.kind].label if self.kind in KINDS else self.label

    def problems(self) -> list[str]:
        """Return what is wrong with the rule, in Chinese; [] when it is valid."""
        problems = validate_params(self.kind, self.params)
        if not problems and self.cap_period:
            problems += check_cap_period(self.kind, self.params, self.cap_period)
        return problems

    def record(self) -> dict[str, Any]:
        """Return the rule as kept with a case: what it was computed with, whatever the data says later."""
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "params": self.params,
            "quote": self.quote,
            "cap_period": self.cap_period,
            "version": self.version,
        }


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    combine: str = "sum"
    choice_label: str = ""

    @property
    def main(self) -> Rule:
        return self.rules[0]

    @property
    def several(self) -> bool:
        return len(self.rules) > 1

    @property
    def version(self) -> str:
        if not self.several:
            return self.main.version
        return digest({"combine": self.combine, "rules": [[r.key, r.version] for r in self.rules]})

    def rule(self, key: str) -> Rule | None:
        return next((r for r in self.rules if r.key == key), None)

    def input_name(self, rule: Rule, name: str) -> str:
        """Return the name an input of the rule has among the measure's inputs."""
        return name if rule is self.main else f"{rule.key}{SEPARATOR}{name}"

    # --- checking ---------------------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Return what is wrong with the rules and how they combine, in Chinese; [] when they are valid."""
        problems: list[str] = []
        for rule in self.rules:
            where = f"规则“{rule.key}”：" if self.several else ""
            problems += [f"{where}{p}" for p in rule.problems()]
        if not self.several:
            return problems
        keys = [r.key for r in self.rules]
        for key in keys:
            if not RULE_KEY.match(key or ""):
                problems.append(f"规则的 key “{key}” 必须是小写英文字母、数字和单个下划线")
        if len(set(keys)) != len(keys):
            problems.append("规则的 key 不能重复")
        problems += [f"规则“{r.key}”缺少 label（中文名称）" for r in self.rules if not r.label]
        if self.combine not in COMBINES:
            problems.append(f"combine 必须是以下之一：{'、'.join(COMBINES)}")
        return problems

    # --- inputs -----------------------------------------------------------------------------------------------

    def choice_input(self) -> Input:
        choices = tuple((r.key, r.label) for r in self.rules)
        return Input(CHOICE_INPUT, self.choice_label or "申请的支持项目", "choice", choices=choices)

    def rule_inputs(self) -> list[Input]:
        """Return the inputs the applicant gives: with a choice, the choice first, then every rule's own."""
        inputs = [self.choice_input()] if self.several and self.combine == "choice" else []
        for rule in self.rules:
            for spec in KINDS[rule.kind].rule_inputs(rule.params):
                if self.several:
                    required = spec.required and rule is self.main and self.combine == "sum"
                    if self.combine == "choice":
                        help_text = f"选择“{rule.label}”时填写。{spec.help}"
                    elif rule is self.main:
                        help_text = spec.help
                    else:
                        help_text = f"申请“{rule.label}”时填写，不申请的留空。{spec.help}"
                    spec = replace(
                        spec,
                        name=self.input_name(rule, spec.name),
                        label=f"{rule.label}：{spec.label}",
                        required=required,
                        help=help_text.strip(),
                    )
                inputs.append(spec)
        return inputs

    def applying(self, raw: dict) -> tuple[Rule, ...]:
        """Return the rules that apply to these inputs: with a choice, the one chosen (raise RuleInputError when
        none is); with a sum, the main rule and each further rule whose inputs are given (or that needs none)."""
        if not self.several:
            return self.rules
        if self.combine == "sum":
            return tuple(rule for rule in self.rules if rule is self.main or self._given(rule, raw))
        value, message = parse_one(self.choice_input(), raw.get(CHOICE_INPUT))
        if message:
            raise RuleInputError({CHOICE_INPUT: message})
        return (self.rule(value),)

    def _given(self, rule: Rule, raw: dict) -> bool:
        specs = KINDS[rule.kind].rule_inputs(rule.params)
        names = [self.input_name(rule, spec.name) for spec in specs]
        return not names or any(str(raw.get(name) if raw.get(name) is not None else "").strip() for name in names)

    def _parse(self, raw: dict) -> tuple[tuple[Rule, ...], dict[str, dict]]:
        raw = raw or {}
        applying = self.applying(raw)
        values: dict[str, dict] = {}
        errors: dict[str, str] = {}
        for rule in applying:
            kind = KINDS[rule.kind]
            own = {spec.name: raw.get(self.input_name(rule, spec.name)) for spec in kind.rule_inputs(rule.params)}
            try:
                values[rule.key] = kind.parse_inputs(rule.params, own)
            except RuleInputError as error:
                errors |= {self.input_name(rule, name): message for name, message in error.errors.items()}
        if errors:
            raise RuleInputError(errors)
        return applying, values

    def parse_inputs(self, raw: dict) -> dict[str, Any]:
        """Return the typed inputs by their names among the measure's inputs; raise RuleInputError naming each bad
        one."""
        applying, values = self._parse(raw)
        typed: dict[str, Any] = {CHOICE_INPUT: applying[0].key} if self.several and self.combine == "choice" else {}
        for rule in applying:
            typed |= {self.input_name(rule, name): value for name, value in values[rule.key].items()}
        return typed

    def _number_inputs(self, applying: tuple[Rule, ...]) -> list[str]:
        return [
            self.input_name(rule, spec.name)
            for rule in applying
            for spec in KINDS[rule.kind].inputs(rule.params)
            if spec.type in NUMBER_TYPES
        ]

    # --- the estimate -----------------------------------------------------------------------------------------

    def estimate(self, raw: dict, *, context: Context | None = None, citation: str = "") -> Estimate:
        """Return the amount the rules give for these inputs, each rule's part and every step explained."""
        problems = self.problems()
        if problems:
            raise ValueError("；".join(problems))
        applying, values = self._parse(raw)
        context = context or Context()
        numbers = self._number_inputs(applying)
        works: list[tuple[Rule, Work]] = []
        try:
            for rule in applying:
                own = context.for_rule(rule.key, main=rule is self.main)
                works.append(
                    (rule, KINDS[rule.kind].run(rule.params, values[rule.key], own, rule.quote, rule.cap_period))
                )
        except InvalidOperation:  # more digits than Decimal keeps: far above any amount
            raise too_large(numbers) from None
        parts = tuple(self._part(rule, work) for rule, work in works)
        if not self.several:
            [(_rule, work)] = works
            return conclude(work, work.amount, citation, numbers, version=self.version, parts=parts)
        total = Work({}, {}, context, "")
        total.steps = self._steps(works)
        skipped = [rule for rule in self.rules if rule not in applying]
        if self.combine == "sum" and skipped:
            total.step("未申请的项目", None, "、".join(rule.label for rule in skipped) + "：未填写，不计算")
        amount = sum((work.amount for _rule, work in works), ZERO)
        if self.combine == "sum":
            added = " + ".join(yuan(work.amount) for _rule, work in works)
            total.step("各项合计", amount, f"{added} = {yuan(amount)}")
        without = [work.no_amount for _rule, work in works]
        total.no_amount = all(without)
        total.discretionary = any(work.discretionary for _rule, work in works)
        return conclude(
            total,
            amount,
            citation,
            numbers,
            version=self.version,
            parts=parts,
            some_without_amount=any(without) and not all(without),
        )

    def _part(self, rule: Rule, work: Work) -> Part:
        ceiling = work.amount if work.discretionary and not work.no_amount else None
        discretionary = work.discretionary or work.no_amount
        return Part(rule.key, rule.title, rule.kind, work.amount, rule.version, discretionary, ceiling)

    def _steps(self, works: list[tuple[Rule, Work]]) -> list[Step]:
        """Return every rule's steps under a heading naming the rule, with its subtotal."""
        steps: list[Step] = []
        for index, (rule, work) in enumerate(works, start=1):
            how = "申请人选择的一项" if self.combine == "choice" else f"第{index}项，共{len(works)}项"
            steps.append(Step(f"（{index}）{rule.label}", None, how, ""))
            steps += work.steps
            if self.combine == "sum":
                steps.append(Step(f"{rule.label}小计", work.amount, "", ""))
        return steps

    def record(self, estimate: Estimate | None = None) -> dict[str, Any]:
        """Return the rules as kept with a case (and, given its estimate, each rule's amount)."""
        amounts = {part.key: str(part.amount) for part in estimate.parts} if estimate else {}
        rules = []
        for rule in self.rules:
            if estimate is not None and rule.key not in amounts:
                continue  # a rule not chosen
            rules.append(rule.record() | ({"amount": amounts[rule.key]} if rule.key in amounts else {}))
        return {"version": self.version, "combine": self.combine if self.several else "", "rules": rules}


def single(kind: str, params: dict, quote: str = "", cap_period: str = "") -> RuleSet:
    """Return the rule set of a measure with one rule."""
    return RuleSet((Rule(kind, params, quote, cap_period=cap_period),))


def amount_of(value: Any) -> Decimal:
    """Return a recorded amount (a string) as Decimal; 0 when it is missing or not a number."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ZERO
