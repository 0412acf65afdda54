"""Benefit rules: the kinds of rule the documents state, their parameters, the inputs they need and the estimate.

A measure's rule is data: a kind (one of KINDS) and its parameters, as transcribed from the document
(measures/data/SCHEMA.md, "Rule kinds"). This module checks the parameters (validate_params), names the inputs the
applicant must give (rule_inputs), reads those inputs from a form or JSON (parse_inputs) and computes the amount
with every step explained (estimate). It knows nothing of Django so that the YAML validator (measures.policydata),
the admin and the views all refuse and compute the same things.

All arithmetic is in Decimal; an amount of money is rounded half-up to the fen where it is produced. Every cap,
tier, rate choice and reduction for earlier awards is a step of its own: nothing is capped silently.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

FEN = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
# The largest figure an input may hold and the largest amount an estimate may come to: far beyond any measure,
# and what an application stores (DecimalField max_digits=14, decimal_places=2). Larger ones are refused with a
# message instead of overflowing Decimal's 28 digits or the database column.
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class Input:
    """One input the rule needs from the applicant."""

    name: str
    label: str
    type: str  # money | integer | decimal | date | choice | boolean | text
    unit: str = ""
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Step:
    """One line of the explanation of an estimate."""

    label: str
    amount: Decimal | None
    detail: str = ""
    quote: str = ""


@dataclass(frozen=True)
class Context:
    """What earlier awards and the profile change; every field defaults to "nothing"."""

    earlier_this_year: Decimal = ZERO
    # Earlier awards under this measure for the same project or product (the input "project", see item_input);
    # for a cap per product and year, those of this year only.
    earlier_this_item: Decimal = ZERO
    group_award: Decimal = ZERO
    group_measure: str = ""
    held_level: str = ""
    annual_ceiling: Decimal | None = None
    awarded_this_year_total: Decimal = ZERO
    group_quote: str = ""  # the document's non-repeat words (Measure.stacking), shown on the group step
    annual_ceiling_quote: str = ""  # the document's words for the annual ceiling, shown on its step


@dataclass(frozen=True)
class Estimate:
    amount: Decimal
    steps: tuple[Step, ...]
    citation: str
    discretionary: bool = False
    ceiling: Decimal | None = None


class RuleInputError(ValueError):
    """Bad or missing inputs; `errors` maps each input name to a message in Chinese."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def quantize_yuan(value: Decimal) -> Decimal:
    """Return the amount rounded half-up to the fen."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


# --- formatting -----------------------------------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "") else text


def yuan(amount: Decimal) -> str:
    """Return "1,000,000.00 元"."""
    return f"{quantize_yuan(amount):,.2f} 元"


def percent(rate: Decimal) -> str:
    """Return "30%" for 0.30, "0.5%" for 0.005."""
    return f"{_plain(Decimal(rate) * 100)}%"


def _share(value: Decimal) -> str:
    """Return a computed share (e.g. a growth rate) as a percentage with at most two decimals."""
    shown = (Decimal(value) * 100).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{_plain(shown)}%"


def _months_text(months: list[str]) -> str:
    return "、".join(f"{int(m[:4])}年{int(m[5:])}月" for m in months)


_SQUEEZE = re.compile(r"[\s　]+")


def _words(quote: str, needles: list[str]) -> str:
    """Return the parts of the quote (split at ，；。…) that contain the most needles, or the whole quote."""
    if not quote:
        return ""
    if not needles:
        return quote
    parts = [p for p in re.split(r"(?<=[，,；;。…])", quote) if p.strip()]
    patterns = [re.compile(r"(?<![\d.])" + re.escape(_SQUEEZE.sub("", n)) + r"(?![\d])") for n in needles if n]
    hits = [sum(bool(pattern.search(_SQUEEZE.sub("", p))) for pattern in patterns) for p in parts]
    best = max(hits, default=0)
    found = [p for p, count in zip(parts, hits, strict=True) if best and count == best]
    return "".join(found).strip().rstrip("，,；;…") if found else quote


def _money_needles(amount: Decimal) -> list[str]:
    amount = Decimal(amount)
    needles = [_plain(amount)]
    if amount >= 1000 and amount % 100 == 0:
        needles.append(f"{_plain(amount / 10000)}万")
    return needles


def _rate_needles(rate: Decimal) -> list[str]:
    value = _plain(Decimal(rate) * 100)
    needles = [f"{value}%", f"{value}％"]
    if Decimal(rate) == ONE:
        needles += ["全额", "免收", "免征", "停征", "免除"]
    if Decimal(rate) == Decimal("0.5"):
        needles += ["减半"]
    return needles


# --- parameters -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter of a rule kind: its type and its Chinese label (used in messages and the admin)."""

    type: str  # money | amount | rate | ratio | count | flag | text | date | months | choice | list
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()


def _decimal(value: Any) -> Decimal | None:
    """Return the number a parameter holds (int or string; never float or bool), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _check_value(where: str, spec: Param, value: Any) -> list[str]:
    """Return the problems with one parameter value (where: how to name it in the message)."""
    name = f"{where}（{spec.label}）"
    kind = spec.type
    if kind in ("money", "amount", "rate", "ratio"):
        number = _decimal(value)
        if number is None:
            return [f'{name}必须是数字，写成字符串，如 "1000000" 或 "0.30"']
        if number < 0:
            return [f"{name}不能为负数"]
        if kind == "money" and number != number.quantize(FEN):
            return [f"{name}是以元为单位的金额，最多两位小数"]
        if kind == "rate" and number > 1:
            return [f'{name}必须在0到1之间（30%写作"0.30"）']
        return []
    if kind == "count":
        return [] if _is_count(value) else [f"{name}必须是不小于1的整数"]
    if kind == "flag":
        return [] if isinstance(value, bool) else [f"{name}必须是 true 或 false"]
    if kind == "text":
        return [] if isinstance(value, str) and value.strip() else [f"{name}必须是不为空的文字"]
    if kind == "date":
        return [] if _as_date(value) else [f"{name}必须是日期（YYYY-MM-DD）"]
    if kind == "choice":
        return [] if value in spec.choices else [f"{name}必须是以下之一：{'、'.join(spec.choices)}"]
    if kind == "months":
        if not isinstance(value, list) or not value or not all(isinstance(m, str) and _MONTH.match(m) for m in value):
            return [f'{name}必须是月份列表，如 ["2020-03", "2020-04"]']
        if len(set(value)) != len(value):
            return [f"{name}中有重复的月份"]
        return []
    return []  # lists are checked by the kind


def _check_items(
    name: str, value: Any, fields: dict[str, Param], required: tuple[str, ...], *, what: str = "项"
) -> tuple[list[str], list[dict]]:
    """Check a list parameter whose items are mappings; return (problems, the items that are mappings)."""
    if not isinstance(value, list) or not value:
        return [f"参数“{name}”必须是不为空的列表"], []
    problems: list[str] = []
    items: list[dict] = []
    for index, item in enumerate(value, start=1):
        where = f"{name} 第{index}{what}"
        if not isinstance(item, dict):
            problems.append(f"{where}必须是键值映射")
            continue
        items.append(item)
        for key in item:
            if key not in fields:
                problems.append(f"{where}：未知的键“{key}”（可用：{'、'.join(fields)}）")
        for key in required:
            if key not in item or item[key] in (None, ""):
                problems.append(f"{where}：缺少“{key}”（{fields[key].label}）")
        for key, spec in fields.items():
            if key in item and item[key] not in (None, ""):
                problems += _check_value(f"{where}的“{key}”", spec, item[key])
    return problems, items


def _number(value: Any) -> Decimal:
    return Decimal(str(value).strip())


# --- inputs ---------------------------------------------------------------------------------------------------

_NUMBERS = ("money", "decimal", "integer")
_TRUE = {"true", "1", "on", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "off", "no", "n", "否", "f", ""}


def _parse_one(spec: Input, raw: Any) -> tuple[Any, str]:
    """Return (value, message); message is "" when the value is good."""
    missing = raw is None or (isinstance(raw, str) and not raw.strip())
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw, ""
        text = "" if raw is None else str(raw).strip().lower()
        if text in _TRUE:
            return True, ""
        if text in _FALSE:
            if spec.required and missing:
                return None, f"请填写{spec.label}"
            return False, ""
        return None, f"{spec.label}必须是“是”或“否”"
    if missing:
        if spec.required:
            return None, (f"请选择{spec.label}" if spec.type == "choice" else f"请填写{spec.label}")
        return None, ""
    if spec.type in ("money", "decimal", "integer"):
        if isinstance(raw, bool):
            number = None
        elif isinstance(raw, (int, Decimal)):
            number = Decimal(raw)
        elif isinstance(raw, float):
            number = Decimal(repr(raw))
        else:
            try:
                number = Decimal(str(raw).strip().replace(",", "").replace("，", "").replace(" ", ""))
            except InvalidOperation:
                number = None
        if number is not None and number.is_finite() and number > MAX_AMOUNT:
            return None, f"{spec.label}数值过大，请核对"
        if spec.type == "money":
            if number is None or not number.is_finite() or number < 0:
                return None, f"{spec.label}必须是不小于0的金额"
            if number != number.quantize(FEN):
                return None, f"{spec.label}最多保留两位小数（精确到分）"
            return quantize_yuan(number), ""
        if spec.type == "integer":
            if number is None or not number.is_finite() or number < 0 or number != number.to_integral_value():
                return None, f"{spec.label}必须是不小于0的整数"
            return int(number), ""
        if number is None or not number.is_finite() or number < 0:
            return None, f"{spec.label}必须是不小于0的数"
        return number, ""
    if spec.type == "date":
        value = _as_date(raw)
        return (value, "") if value else (None, f"{spec.label}必须是日期，格式为YYYY-MM-DD")
    if spec.type == "text":
        if not isinstance(raw, str):
            return None, f"{spec.label}必须是文字"
        text = item_name(raw)
        if len(text) > TEXT_MAX_LENGTH:
            return None, f"{spec.label}最多{TEXT_MAX_LENGTH}个字"
        return text, ""
    if spec.type == "choice":
        text = str(raw).strip()
        for value, label in spec.choices:
            if text in (value, label):
                return value, ""
        return None, f"{spec.label}必须是以下之一：{'、'.join(label for _value, label in spec.choices)}"
    raise ValueError(f"unknown input type {spec.type!r}")


# --- the work of one estimate -----------------------------------------------------------------------------------


class _Work:
    """The state of one estimate: the parameters, the typed inputs, the steps so far."""

    def __init__(self, params: dict, values: dict, context: Context, quote: str):
        self.params = params
        self.values = values
        self.context = context
        self.quote = quote
        self.steps: list[Step] = []
        self.discretionary = False
        self.no_amount = False  # reviewer_sets / other: the document states no amount at all

    def step(self, label: str, amount: Decimal | None = None, detail: str = "", quote: str = "") -> None:
        self.steps.append(Step(label, None if amount is None else quantize_yuan(amount), detail, quote))

    def words(self, *needles: str) -> str:
        return _words(self.quote, list(needles))

    def cap(self, amount: Decimal, limit: Decimal, label: str, *, earlier: Decimal = ZERO, earlier_label: str = ""):
        """Apply one cap (less what was awarded before) and record it as a step; return the capped amount."""
        limit = Decimal(limit)
        earlier = Decimal(earlier or 0)
        remaining = max(limit - earlier, ZERO)
        parts = []
        if earlier > 0:
            parts.append(f"上限 {yuan(limit)} − {earlier_label} {yuan(earlier)} = 剩余 {yuan(remaining)}")
        room = "剩余额度" if earlier > 0 else "上限"
        if amount > remaining:
            parts.append(f"{yuan(amount)} 超过{room}，按 {yuan(remaining)} 计")
            amount = remaining
        else:
            parts.append(f"{yuan(amount)} 未超过{room} {yuan(remaining)}，不调整")
        self.step(f"{label} {yuan(limit)}", amount, "；".join(parts), self.words(*_money_needles(limit)))
        return amount


# Caps shared by several kinds: parameter, label, which earlier awards count against it.
_CAPS = (
    ("cap_per_item", "单笔（单项）上限", "item"),
    ("cap_per_project", "单个项目上限", "item"),
    ("cap_per_product_year", "单一产品年度上限", "item"),
    ("cap_per_entity", "每个单位上限", "year"),
    ("cap_per_entity_year", "每家每年上限", "year"),
    ("cap", "上限", None),
)
_EARLIER_LABELS = {"item": "同一项目（产品）已获", "year": "本年度本措施已获"}


def _apply_caps(work: _Work, amount: Decimal) -> Decimal:
    for name, label, earlier in _CAPS:
        if name in work.params:
            before = {
                "item": work.context.earlier_this_item,
                "year": work.context.earlier_this_year,
                None: ZERO,
            }[earlier]
            amount = work.cap(
                amount,
                _number(work.params[name]),
                label,
                earlier=before,
                earlier_label=_EARLIER_LABELS.get(earlier, ""),
            )
    return amount


def _cap_params(*names: str) -> dict[str, Param]:
    labels = {
        "cap_per_item": "单笔（单项）补贴上限（元）",
        "cap_per_project": "单个项目上限（元）",
        "cap_per_product_year": "单一产品每年上限（元）",
        "cap_per_entity": "每个单位上限（元）",
        "cap_per_entity_year": "每家每年上限（元）",
        "cap": "上限（元）",
    }
    return {name: Param("money", labels[name]) for name in names}


TEXT_MAX_LENGTH = 100


def item_name(raw: Any) -> str:
    """Return a project or product name as compared with earlier awards: runs of white space made one space."""
    return " ".join(str(raw or "").split())


def item_scope(kind: str, params: dict) -> str | None:
    """Return which earlier awards a cap per project, item or product counts: "year" (a cap per product and year:
    this year's), "all" (a cap per project or item), or None when no cap applies per one."""
    if "cap_per_product_year" in params:
        return "year"
    if "cap_per_item" in params or "cap_per_project" in params:
        return "all"
    if kind == "discretionary_ceiling" and params.get("per", "item") in ("item", "project"):
        return "all"
    return None


def item_input(kind: str, params: dict) -> Input | None:
    """Return the input naming the project or product a cap applies to, or None when no cap applies per one.

    A cap per project, item or product can only count what the same project already received if the applicant says
    which project it is; the name is compared with that of the enterprise's earlier awards under the measure.
    """
    scope = item_scope(kind, params)
    if scope is None:
        return None
    label, counted = {
        "year": ("信贷产品名称", "同一产品本年度已获的补贴计入该产品的年度上限"),
        "all": ("项目名称", "同一项目已获的支持计入该项目的上限"),
    }[scope]
    return Input("project", label, "text", help=f"与本企业此前申请时填写的名称一致：{counted}")


def _money_input(name: str, label: str, help: str = "") -> Input:
    return Input(name=name, label=label, type="money", unit="元", help=help)


# --- the kinds --------------------------------------------------------------------------------------------------


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
    compute: Callable[[_Work], Decimal]
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
                problems += _check_value(f"参数“{name}”", spec, params[name])
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
            value, message = _parse_one(spec, raw.get(spec.name))
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
        work = _Work(params, values, context or Context(), quote)
        try:
            amount = quantize_yuan(self.compute(work))
            amount = quantize_yuan(_apply_group(work, amount))
            amount = quantize_yuan(_apply_annual_ceiling(work, amount))
        except InvalidOperation:  # more digits than Decimal keeps: far above MAX_AMOUNT
            amount = None
        if amount is None or amount > MAX_AMOUNT:
            message = f"按所填数字测算的金额超过{yuan(MAX_AMOUNT)}，请核对"
            raise RuleInputError({spec.name: message for spec in self.inputs(params) if spec.type in _NUMBERS})
        if work.no_amount:
            work.step("测算金额：文件未规定金额", ZERO, "实际金额由牵头部门核定")
            return Estimate(quantize_yuan(ZERO), tuple(work.steps), citation, discretionary=True, ceiling=None)
        if work.discretionary:
            work.step("最高可获", amount, "由主管部门在此额度内核定实际金额")
            return Estimate(amount, tuple(work.steps), citation, discretionary=True, ceiling=amount)
        work.step("测算金额", amount)
        return Estimate(amount, tuple(work.steps), citation)


def _apply_group(work: _Work, amount: Decimal) -> Decimal:
    """Stacking group (从高、不重复、晋级补差): pay only the part above the award already held in the group."""
    held = Decimal(work.context.group_award or 0)
    if held <= 0:
        return amount
    where = f"（{work.context.group_measure}）" if work.context.group_measure else ""
    if work.no_amount:
        work.step(
            "同类政策不重复享受",
            None,
            f"已获同类政策奖励 {yuan(held)}{where}；牵头部门核定时只补足高出部分",
            work.context.group_quote,
        )
        return amount
    if amount <= held:
        work.step(
            "同类政策不重复享受",
            ZERO,
            f"已获同类政策奖励 {yuan(held)}{where}，不低于本项测算的 {yuan(amount)}，不再给予",
            work.context.group_quote,
        )
        return ZERO
    top_up = amount - held
    work.step(
        "同类政策从高补差",
        top_up,
        f"{yuan(amount)} − 已获同类政策奖励 {yuan(held)}{where} = {yuan(top_up)}",
        work.context.group_quote,
    )
    return top_up


def _apply_annual_ceiling(work: _Work, amount: Decimal) -> Decimal:
    """The yearly ceiling tied to the prior-year district contribution (上年度区收)."""
    ceiling = work.context.annual_ceiling
    if ceiling is None:
        return amount
    ceiling = Decimal(ceiling)
    awarded = Decimal(work.context.awarded_this_year_total or 0)
    remaining = max(ceiling - awarded, ZERO)
    detail = f"上年度区级贡献 {yuan(ceiling)} − 本年度已获资金支持 {yuan(awarded)} = 剩余 {yuan(remaining)}"
    quote = work.context.annual_ceiling_quote
    if work.no_amount:
        work.step("每年资金支持上限", None, f"{detail}；牵头部门核定的金额不超过剩余额度", quote)
        return amount
    if amount > remaining:
        work.step(
            "每年资金支持上限", remaining, f"{detail}；{yuan(amount)} 超过剩余额度，按 {yuan(remaining)} 计", quote
        )
        return remaining
    work.step("每年资金支持上限", amount, f"{detail}；{yuan(amount)} 未超过剩余额度，不调整", quote)
    return amount


# percent_of_base -------------------------------------------------------------------------------------------------


def _rate_choice(work: _Work) -> Decimal:
    """Return the rate to apply; a range or a maximum makes the estimate discretionary (the reviewer decides)."""
    params = work.params
    if "rate" in params:
        return _number(params["rate"])
    high = _number(params["rate_max"])
    work.discretionary = True
    if "rate_min" in params:
        low = _number(params["rate_min"])
        work.step(
            f"比例为{percent(low)}至{percent(high)}",
            None,
            f"由主管部门在{percent(low)}至{percent(high)}之间核定；测算按最高比例{percent(high)}",
            work.words(*_rate_needles(low), *_rate_needles(high)),
        )
    else:
        work.step(
            f"比例不超过{percent(high)}",
            None,
            f"由主管部门在{percent(high)}以内核定；测算按最高比例{percent(high)}",
            work.words(*_rate_needles(high)),
        )
    return high


def _percent_check(params: dict) -> list[str]:
    problems = []
    if "rate" in params and ("rate_min" in params or "rate_max" in params):
        problems.append("参数“rate”与“rate_min”/“rate_max”只能给出一种")
    if "rate" not in params and "rate_max" not in params:
        problems.append("缺少参数“rate”（比例）或“rate_max”（最高比例）")
    if "rate_min" in params and "rate_max" not in params:
        problems.append("给出“rate_min”时必须同时给出“rate_max”")
    if "rate_min" in params and "rate_max" in params and _number(params["rate_min"]) > _number(params["rate_max"]):
        problems.append("参数“rate_min”（最低比例）不能大于“rate_max”（最高比例）")
    return problems


def _percent_compute(work: _Work) -> Decimal:
    rate = _rate_choice(work)
    base = work.values["base"]
    amount = quantize_yuan(base * rate)
    work.step(
        f"按{work.params['base']}的{percent(rate)}计算",
        amount,
        f"{yuan(base)} × {percent(rate)} = {yuan(amount)}",
        work.words(*_rate_needles(rate)),
    )
    return _apply_caps(work, amount)


PERCENT_OF_BASE = RuleKind(
    name="percent_of_base",
    label="按基数的比例计算",
    params={
        "base": Param("text", "计算基数（中文，如“减免的租金金额”）", required=True),
        "rate": Param("rate", "比例"),
        "rate_min": Param("rate", "最低比例"),
        "rate_max": Param("rate", "最高比例"),
        **_cap_params("cap_per_item", "cap_per_entity", "cap_per_entity_year", "cap_per_project"),
    },
    inputs=lambda params: [_money_input("base", params["base"])],
    compute=_percent_compute,
    check=_percent_check,
)


# interest_subsidy ------------------------------------------------------------------------------------------------


def _interest_inputs(params: dict) -> list[Input]:
    inputs = []
    if "loan_max_amount" in params:
        inputs.append(_money_input("loan_amount", "贷款金额"))
    if "loan_max_term_months" in params:
        inputs.append(Input("loan_term_months", "贷款期限", "integer", unit="月"))
    if "issued_from" in params or "issued_to" in params:
        inputs.append(Input("issued_on", "贷款发放日期", "date"))
    if not params.get("of_benchmark"):
        inputs.append(_money_input("interest_paid", "实际支付的贷款利息"))
    if params.get("of_benchmark") or params.get("benchmark_cap"):
        inputs.append(
            _money_input("benchmark_interest", "按同期贷款基准利率计算的利息", help="以贷款银行出具的计算为准")
        )
    return inputs


def _interest_check(params: dict) -> list[str]:
    problems = []
    if params.get("of_benchmark") and params.get("benchmark_cap"):
        problems.append("参数“of_benchmark”与“benchmark_cap”不能同时使用")
    low, high = _as_date(params.get("issued_from")), _as_date(params.get("issued_to"))
    if low and high and low > high:
        problems.append("参数“issued_from”（发放起始日）不能晚于“issued_to”（发放截止日）")
    return problems


def _interest_compute(work: _Work) -> Decimal:
    params, values = work.params, work.values
    failed = False

    def condition(ok: bool, label: str, detail: str, needles: list[str]) -> None:
        nonlocal failed
        failed = failed or not ok
        work.step(
            label + ("：符合" if ok else "：不符合，不予贴息"), None if ok else ZERO, detail, work.words(*needles)
        )

    if "loan_max_amount" in params:
        limit = _number(params["loan_max_amount"])
        loan = values["loan_amount"]
        condition(loan <= limit, "贷款金额", f"{yuan(loan)}，条件为不超过 {yuan(limit)}", _money_needles(limit))
    if "loan_max_term_months" in params:
        limit = params["loan_max_term_months"]
        term = values["loan_term_months"]
        needles = [f"{limit}个月", "一年期" if limit == 12 else f"{limit}月"]
        condition(term <= limit, "贷款期限", f"{term} 个月，条件为不超过 {limit} 个月", needles)
    if "issued_from" in params or "issued_to" in params:
        low, high = _as_date(params.get("issued_from")), _as_date(params.get("issued_to"))
        issued = values["issued_on"]
        ok = (low is None or issued >= low) and (high is None or issued <= high)
        window = f"{low or '不限'} 至 {high or '不限'}"
        condition(ok, "贷款发放日期", f"{issued}，条件为 {window} 期间发放", ["月起", "发放"])
    if failed:
        return ZERO
    if params.get("of_benchmark"):
        base = values["benchmark_interest"]
        label = "按基准利率计算的利息"
    else:
        base = values["interest_paid"]
        label = "实际支付的利息"
        if params.get("benchmark_cap"):
            benchmark = values["benchmark_interest"]
            if base > benchmark:
                work.step(
                    "超出基准利率的部分不予补贴",
                    benchmark,
                    f"实际利息 {yuan(base)} 超过按基准利率计算的 {yuan(benchmark)}，按 {yuan(benchmark)} 计",
                    work.words("基准利率"),
                )
                base = benchmark
            else:
                work.step(
                    "超出基准利率的部分不予补贴",
                    base,
                    f"实际利息 {yuan(base)} 未超过按基准利率计算的 {yuan(benchmark)}，不调整",
                    work.words("基准利率"),
                )
    rate = _number(params["rate"])
    amount = quantize_yuan(base * rate)
    work.step(
        f"按{label}的{percent(rate)}贴息",
        amount,
        f"{yuan(base)} × {percent(rate)} = {yuan(amount)}",
        work.words(*_rate_needles(rate)),
    )
    return _apply_caps(work, amount)


INTEREST_SUBSIDY = RuleKind(
    name="interest_subsidy",
    label="贷款贴息",
    params={
        "rate": Param("rate", "贴息比例", required=True),
        "of_benchmark": Param("flag", "比例按基准利率计算的利息计"),
        "benchmark_cap": Param("flag", "超出基准利率的部分不予补贴"),
        **_cap_params("cap_per_product_year", "cap_per_item", "cap_per_entity", "cap_per_entity_year"),
        "loan_max_amount": Param("money", "贷款金额不超过（元）"),
        "loan_max_term_months": Param("count", "贷款期限不超过（月）"),
        "issued_from": Param("date", "发放日期不早于"),
        "issued_to": Param("date", "发放日期不晚于"),
    },
    inputs=_interest_inputs,
    compute=_interest_compute,
    check=_interest_check,
)


# per_head_tiers and count_tiers ----------------------------------------------------------------------------------

_TIER_FIELDS = {"min_count": Param("count", "人数下限（含）"), "amount": Param("money", "金额（元）")}


def _tiers_check(params: dict) -> list[str]:
    problems, tiers = _check_items("tiers", params["tiers"], _TIER_FIELDS, ("min_count", "amount"), what="档")
    if problems:
        return problems
    counts = [tier["min_count"] for tier in tiers]
    if any(b <= a for a, b in pairwise(counts)):
        problems.append("tiers 必须按人数下限 min_count 从小到大排列（ascending order），且不能重复")
    if "special" in params:
        special, _items = _check_items(
            "special",
            params["special"],
            {"label": Param("text", "人员类别"), "amount": Param("money", "每人金额（元）")},
            ("label", "amount"),
        )
        problems += special
    return problems


def _tier_for(work: _Work, count: int, unit_label: str) -> dict | None:
    tiers = work.params["tiers"]
    chosen = None
    for tier in tiers:
        if count >= tier["min_count"]:
            chosen = tier
    if chosen is None:
        lowest = tiers[0]["min_count"]
        work.step(
            f"{unit_label} {count} 人，未达到最低档 {lowest} 人，不予补贴",
            ZERO,
            f"最低档为 {lowest} 人以上（含 {lowest} 人）",
            work.words(*_money_needles(_number(tiers[0]["amount"]))),
        )
    return chosen


def _per_head_tiers_inputs(params: dict) -> list[Input]:
    inputs = [Input("count", params.get("count_label") or "招用人数", "integer", unit="人")]
    for index, special in enumerate(params.get("special") or [], start=1):
        inputs.append(
            Input(
                f"special_{index}", f"{special['label']}人数", "integer", unit="人", required=False, help="没有请留空"
            )
        )
    return inputs


def _per_head_tiers_compute(work: _Work) -> Decimal:
    count = work.values["count"]
    label = work.params.get("count_label") or "招用人数"
    amount = ZERO
    tier = _tier_for(work, count, label)
    if tier is not None:
        each = _number(tier["amount"])
        amount = quantize_yuan(each * count)
        work.step(
            f"{label} {count} 人，适用 {tier['min_count']} 人以上（含 {tier['min_count']} 人）档，每人 {yuan(each)}",
            amount,
            f"{count} 人 × {yuan(each)} = {yuan(amount)}",
            work.words(*_money_needles(each)),
        )
    for index, special in enumerate(work.params.get("special") or [], start=1):
        heads = work.values.get(f"special_{index}") or 0
        if heads:
            each = _number(special["amount"])
            extra = quantize_yuan(each * heads)
            amount += extra
            work.step(
                f"{special['label']}每人 {yuan(each)}",
                extra,
                f"{heads} 人 × {yuan(each)} = {yuan(extra)}",
                work.words(special["label"]),
            )
    return _apply_caps(work, amount)


PER_HEAD_TIERS = RuleKind(
    name="per_head_tiers",
    label="按人数分档、每人定额",
    params={
        "tiers": Param("list", "档次 [{min_count, amount}]，按人数从小到大", required=True),
        "special": Param("list", "另按人员类别给予的每人金额 [{label, amount}]"),
        "count_label": Param("text", "人数的名称（如“招用人数”）"),
        **_cap_params("cap_per_entity"),
    },
    inputs=_per_head_tiers_inputs,
    compute=_per_head_tiers_compute,
    check=_tiers_check,
)


def _count_tiers_compute(work: _Work) -> Decimal:
    count = work.values["count"]
    label = work.params.get("count_label") or "人数"
    tier = _tier_for(work, count, label)
    if tier is None:
        return ZERO
    amount = _number(tier["amount"])
    work.step(
        f"{label} {count} 人，适用 {tier['min_count']} 人以上（含 {tier['min_count']} 人）档",
        amount,
        f"该档一次性给予 {yuan(amount)}",
        work.words(*_money_needles(amount)),
    )
    return amount


COUNT_TIERS = RuleKind(
    name="count_tiers",
    label="按人数分档定额",
    params={
        "tiers": Param("list", "档次 [{min_count, amount}]（amount 为该档的总额）", required=True),
        "count_label": Param("text", "人数的名称（如“推荐成功上岗人数”）"),
    },
    inputs=lambda params: [Input("count", params.get("count_label") or "人数", "integer", unit="人")],
    compute=_count_tiers_compute,
    check=_tiers_check,
)


# per_head_flat ----------------------------------------------------------------------------------------------------

_UNITS = {"person": "每人", "person_day": "每人每天", "person_year": "每人每年"}


def _per_head_flat_check(params: dict) -> list[str]:
    problems = []
    if "amount_min" in params and _number(params["amount_min"]) > _number(params["amount"]):
        problems.append("参数“amount_min”（最低标准）不能大于“amount”（最高标准）")
    if "max_days" in params and params["unit"] != "person_day":
        problems.append("参数“max_days”只适用于 unit: person_day")
    if "max_years" in params and params["unit"] != "person_year":
        problems.append("参数“max_years”只适用于 unit: person_year")
    return problems


def _per_head_flat_inputs(params: dict) -> list[Input]:
    inputs = [Input("persons", params.get("count_label") or "人数", "integer", unit="人")]
    if params["unit"] == "person_day":
        inputs.append(Input("days", "每人天数", "integer", unit="天"))
    if params["unit"] == "person_year":
        inputs.append(Input("years", "补贴年数", "integer", unit="年"))
    return inputs


def _per_head_flat_compute(work: _Work) -> Decimal:
    params, values = work.params, work.values
    each = _number(params["amount"])
    unit = _UNITS[params["unit"]]
    if "amount_min" in params:
        work.discretionary = True
        low = _number(params["amount_min"])
        work.step(
            f"标准为{unit}{yuan(low)}至{yuan(each)}",
            None,
            f"由主管部门在此范围内核定；测算按最高标准{yuan(each)}",
            work.words(*_money_needles(low), *_money_needles(each)),
        )
    elif params.get("up_to"):
        work.discretionary = True
        work.step(
            f"标准为{unit}最高{yuan(each)}",
            None,
            "由主管部门在此标准内核定；测算按最高标准",
            work.words(*_money_needles(each)),
        )
    persons = values["persons"]
    times, detail = 1, f"{persons} 人 × {yuan(each)}"
    if params["unit"] in ("person_day", "person_year"):
        key, word, limit_key = (
            ("days", "天", "max_days") if params["unit"] == "person_day" else ("years", "年", "max_years")
        )
        times = values[key]
        if limit_key in params:
            limit = params[limit_key]
            if times > limit:
                work.step(
                    f"最长不超过 {limit} {word}",
                    None,
                    f"填写的 {times} {word} 超过上限，按 {limit} {word} 计",
                    work.words(f"{limit}{word}", "五年" if limit == 5 else f"{limit}年"),
                )
                times = limit
            else:
                work.step(f"最长不超过 {limit} {word}", None, f"{times} {word}，未超过上限", work.words("最长"))
        detail = f"{persons} 人 × {times} {word} × {yuan(each)}"
    amount = quantize_yuan(each * persons * times)
    work.step(f"按{unit}{yuan(each)}计算", amount, f"{detail} = {yuan(amount)}", work.words(*_money_needles(each)))
    return _apply_caps(work, amount)


PER_HEAD_FLAT = RuleKind(
    name="per_head_flat",
    label="按人（人天、人年）定额",
    params={
        "amount": Param("money", "每人（每人每天、每人每年）金额；有范围时为最高标准", required=True),
        "amount_min": Param("money", "范围的最低标准（如“500元—3000元”的500）"),
        "unit": Param("choice", "计算单位", required=True, choices=tuple(_UNITS)),
        "max_days": Param("count", "每人最多天数"),
        "max_years": Param("count", "最多年数"),
        "up_to": Param("flag", "金额为最高标准（“最高给予”）"),
        "count_label": Param("text", "人数的名称"),
        **_cap_params("cap_per_entity"),
    },
    inputs=_per_head_flat_inputs,
    compute=_per_head_flat_compute,
    check=_per_head_flat_check,
)


# contribution_by_headcount_change --------------------------------------------------------------------------------


def _headcount_check(params: dict) -> list[str]:
    fields = {"min_growth": Param("ratio", '人数增长下限（含），如 "0.20"'), "rate": Param("rate", "补贴比例")}
    problems, rates = _check_items("rates", params["rates"], fields, ("min_growth", "rate"), what="档")
    if problems:
        return problems
    growths = [_number(r["min_growth"]) for r in rates]
    if any(b <= a for a, b in pairwise(growths)):
        problems.append("rates 必须按人数增长下限 min_growth 从小到大排列（ascending order），且不能重复")
    return problems


def _headcount_inputs(params: dict) -> list[Input]:
    months = params["months"]
    return [
        Input("staff_before", "上年月均参保职工人数", "integer", unit="人", help="与文件规定的比较基期一致"),
        Input("staff_now", "本期月均参保职工人数", "integer", unit="人", help="如截至4月底的月均人数"),
        _money_input("contributions", f"{months}个月实际缴纳的社会保险费（单位缴费部分）"),
    ]


def _headcount_check_values(params: dict, values: dict) -> dict[str, str]:
    if values.get("staff_before") == 0:
        return {"staff_before": "上年月均参保职工人数必须大于0"}
    return {}


def _headcount_compute(work: _Work) -> Decimal:
    before, now = work.values["staff_before"], work.values["staff_now"]
    growth = (Decimal(now) - before) / before
    work.step(
        "人数变化",
        None,
        f"({now} − {before}) ÷ {before} = {_share(growth)}",
    )
    chosen = None
    for band in work.params["rates"]:
        if growth >= _number(band["min_growth"]):
            chosen = band
    if chosen is None:
        lowest = _number(work.params["rates"][0]["min_growth"])
        work.step(
            f"人数变化 {_share(growth)}，低于 {percent(lowest)}，不予补贴",
            ZERO,
            "文件规定人数持平或增长的才给予补贴" if lowest == 0 else f"最低档为增长 {percent(lowest)} 及以上",
            work.words("持平"),
        )
        return ZERO
    rate = _number(chosen["rate"])
    work.step(
        f"适用增长 {percent(_number(chosen['min_growth']))} 及以上档，补贴比例 {percent(rate)}",
        None,
        f"人数变化 {_share(growth)} ≥ {percent(_number(chosen['min_growth']))}",
        work.words(*_rate_needles(rate)),
    )
    contributions = work.values["contributions"]
    amount = quantize_yuan(contributions * rate)
    work.step(
        f"按{work.params['months']}个月社会保险费的{percent(rate)}计算",
        amount,
        f"{yuan(contributions)} × {percent(rate)} = {yuan(amount)}",
        work.words(*_rate_needles(rate)),
    )
    if "cap_per_person" in work.params:
        each = _number(work.params["cap_per_person"])
        limit = quantize_yuan(each * now)
        before_cap = amount
        amount = min(amount, limit)
        verdict = f"超过上限，按 {yuan(limit)} 计" if before_cap > limit else "未超过上限，不调整"
        work.step(
            f"每人最高 {yuan(each)}",
            amount,
            f"上限 {yuan(each)} × {now} 人 = {yuan(limit)}；{yuan(before_cap)} {verdict}",
            work.words(*_money_needles(each)),
        )
    return amount


CONTRIBUTION_BY_HEADCOUNT_CHANGE = RuleKind(
    name="contribution_by_headcount_change",
    label="按人数变化确定比例的社会保险费补贴",
    params={
        "months": Param("count", "补贴的月数", required=True),
        "rates": Param("list", "比例档 [{min_growth, rate}]，按增长下限从小到大", required=True),
        "cap_per_person": Param("money", "每人上限（元）"),
    },
    inputs=_headcount_inputs,
    compute=_headcount_compute,
    check=_headcount_check,
    check_values=_headcount_check_values,
)


# formula_refund --------------------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_FACTOR_TYPES = ("money", "integer", "decimal")


def _formula_check(params: dict) -> list[str]:
    fields = {
        "name": Param("text", "输入项的英文名"),
        "label": Param("text", "中文名称"),
        "type": Param("choice", "类型", choices=_FACTOR_TYPES),
        "unit": Param("text", "单位"),
    }
    problems, factors = _check_items("factors", params["factors"], fields, ("name", "label", "type"))
    names = [f.get("name") for f in factors]
    for name in names:
        if isinstance(name, str) and not _IDENTIFIER.match(name):
            problems.append(f"factors 的 name “{name}” 必须是小写英文字母、数字和下划线")
    if len(set(names)) != len(names):
        problems.append("factors 的 name 不能重复")
    return problems


def _formula_compute(work: _Work) -> Decimal:
    months = work.params["months"]
    amount = Decimal(months)
    parts = [f"{months} 个月"]
    for factor in work.params["factors"]:
        value = work.values[factor["name"]]
        amount *= value
        if factor["type"] == "money":
            parts.append(yuan(value))
        else:
            parts.append(f"{_plain(Decimal(value))} {factor.get('unit', '')}".strip())
    amount = quantize_yuan(amount)
    labels = " × ".join([f"{months}个月"] + [f["label"] for f in work.params["factors"]])
    work.step(f"按 {labels} 计算", amount, f"{' × '.join(parts)} = {yuan(amount)}", work.words(f"{months}个月", "个月"))
    return amount


FORMULA_REFUND = RuleKind(
    name="formula_refund",
    label="按公式返还",
    params={
        "months": Param("count", "月数", required=True),
        "factors": Param("list", "相乘的各项 [{name, label, type, unit}]", required=True),
    },
    inputs=lambda params: [
        Input(f["name"], f["label"], f["type"], unit=f.get("unit", "元" if f["type"] == "money" else ""))
        for f in params["factors"]
    ],
    compute=_formula_compute,
    check=_formula_check,
)


# fixed_by_level ---------------------------------------------------------------------------------------------------


def _levels_check(params: dict) -> list[str]:
    fields = {"level": Param("text", "等级代码"), "label": Param("text", "等级名称"), "amount": Param("money", "金额")}
    problems, levels = _check_items("levels", params["levels"], fields, ("level", "label", "amount"))
    codes = [item.get("level") for item in levels]
    for code in codes:
        if isinstance(code, str) and not _IDENTIFIER.match(code):
            problems.append(f"levels 的 level “{code}” 必须是小写英文字母、数字和下划线")
    if len(set(codes)) != len(codes):
        problems.append("levels 的 level 不能重复")
    return problems


def _level_compute(work: _Work) -> Decimal:
    levels = {item["level"]: item for item in work.params["levels"]}
    level = levels[work.values["level"]]
    amount = _number(level["amount"])
    if work.params.get("up_to"):
        work.discretionary = True
    word = "最高" if work.params.get("up_to") else ""
    work.step(
        f"{level['label']}：{word}{yuan(amount)}",
        amount,
        "由主管部门在此额度内核定" if word else "",
        work.words(*_money_needles(amount)),
    )
    held_code = work.context.held_level
    if not held_code:
        return amount
    if held_code not in levels:
        raise ValueError(f"held_level {held_code!r} is not a level of this rule")
    held = levels[held_code]
    held_amount = _number(held["amount"])
    if work.params.get("top_up"):
        if held_amount >= amount:
            work.step(
                "晋级补差：已获同级或更高等级奖励，不重复享受",
                ZERO,
                f"已获{held['label']}奖励 {yuan(held_amount)} ≥ {yuan(amount)}",
                work.words("不重复", "补差"),
            )
            return ZERO
        top_up = amount - held_amount
        work.step(
            "晋级补差",
            top_up,
            f"{yuan(amount)} − 已获{held['label']}奖励 {yuan(held_amount)} = {yuan(top_up)}",
            work.words("补差"),
        )
        return top_up
    if work.params.get("no_repeat"):
        work.step("不重复享受", ZERO, f"已获{held['label']}奖励 {yuan(held_amount)}", work.words("不重复"))
        return ZERO
    return amount


FIXED_BY_LEVEL = RuleKind(
    name="fixed_by_level",
    label="按认定等级定额奖励",
    params={
        "levels": Param("list", "等级 [{level, label, amount}]", required=True),
        "no_repeat": Param("flag", "不重复享受"),
        "top_up": Param("flag", "晋级补差"),
        "up_to": Param("flag", "金额为最高额（“最高给予”）"),
    },
    inputs=lambda params: [
        Input(
            "level",
            "认定等级",
            "choice",
            choices=tuple((item["level"], item["label"]) for item in params["levels"]),
        )
    ],
    compute=_level_compute,
    check=_levels_check,
)


# spending_tiers ---------------------------------------------------------------------------------------------------


def _bands_check(params: dict) -> list[str]:
    fields = {
        "min": Param("money", "下限（含）"),
        "max": Param("money", "上限（不含，除非 max_inclusive）"),
        "max_inclusive": Param("flag", "上限含本数"),
        "rate": Param("rate", "比例"),
        "cap": Param("money", "每家上限"),
    }
    problems, bands = _check_items("bands", params["bands"], fields, ("min",), what="档")
    if problems:
        return problems
    for index, band in enumerate(bands, start=1):
        if "rate" not in band and "cap" not in band:
            problems.append(f"bands 第{index}档必须给出 rate（比例）或 cap（上限）")
        if "max" in band and _number(band["min"]) >= _number(band["max"]):
            problems.append(f"bands 第{index}档的下限 min 必须小于上限 max")
    for index, (low, high) in enumerate(pairwise(bands), start=2):
        if "max" not in low:
            problems.append(f"bands 第{index - 1}档没有上限 max，只能是最后一档")
            continue
        if _number(high["min"]) < _number(low["max"]) or (
            _number(high["min"]) == _number(low["max"]) and low.get("max_inclusive")
        ):
            problems.append(
                f"bands 第{index}档与第{index - 1}档重叠（下限须不低于上一档的上限），且须从小到大排列（ascending order）"
            )
    return problems


def _band_text(band: dict) -> str:
    low = f"{yuan(_number(band['min']))}（含）"
    if "max" not in band:
        return f"{low}以上"
    inclusive = "（含）" if band.get("max_inclusive") else "（不含）"
    return f"{low}至 {yuan(_number(band['max']))}{inclusive}"


def _spending_compute(work: _Work) -> Decimal:
    spending = work.values["spending"]
    bands = work.params["bands"]
    chosen = None
    for band in bands:
        low = _number(band["min"])
        high = _number(band["max"]) if "max" in band else None
        if spending >= low and (high is None or spending < high or (band.get("max_inclusive") and spending == high)):
            chosen = band
    if chosen is None:
        lowest = _number(bands[0]["min"])
        reason = f"未达到最低档 {yuan(lowest)}" if spending < lowest else "不在任何档次内"
        work.step(f"{yuan(spending)} {reason}，不予补助", ZERO, "", work.words(*_money_needles(lowest)))
        return ZERO
    index = bands.index(chosen) + 1
    needles = _money_needles(_number(chosen["min"])) + (
        _money_needles(_number(chosen["max"])) if "max" in chosen else []
    )
    work.step(f"适用第{index}档：{_band_text(chosen)}", None, f"{yuan(spending)} 在本档内", work.words(*needles))
    if "rate" in chosen:
        rate = _number(chosen["rate"])
        amount = quantize_yuan(spending * rate)
        work.step(
            f"按支出额的{percent(rate)}计算",
            amount,
            f"{yuan(spending)} × {percent(rate)} = {yuan(amount)}",
            work.words(*_rate_needles(rate)),
        )
        if "cap" in chosen:
            amount = work.cap(amount, _number(chosen["cap"]), "本档每家上限")
        return amount
    cap = _number(chosen["cap"])
    work.discretionary = True
    work.step(
        f"本档每家不超过 {yuan(cap)}",
        cap,
        "文件只规定上限，由主管部门核定；测算按上限",
        work.words(*_money_needles(cap)),
    )
    return cap


SPENDING_TIERS = RuleKind(
    name="spending_tiers",
    label="按支出额分档补助",
    params={
        "bands": Param("list", "档次 [{min, max, max_inclusive, rate, cap}]，从小到大，不重叠", required=True),
        "base": Param("text", "支出的名称（如“上一年度研发费用支出额”）"),
    },
    inputs=lambda params: [_money_input("spending", params.get("base") or "上一年度研发费用支出额")],
    compute=_spending_compute,
    check=_bands_check,
)


# rent_months_waived -----------------------------------------------------------------------------------------------

_USES = (("production", "生产经营用房"), ("office", "办公用房"))


def _periods(params: dict) -> list[dict]:
    if "periods" in params:
        return params["periods"]
    period = {"months": params["months"], "rate": params["rate"]}
    if "office_rate" in params:
        period["office_rate"] = params["office_rate"]
    return [period]


def _rent_check(params: dict) -> list[str]:
    single = [name for name in ("months", "rate", "office_rate") if name in params]
    if "periods" in params:
        if single:
            return [f"参数“periods”不能与{'、'.join(single)}同时使用"]
        fields = {
            "months": Param("months", "月份"),
            "month_count": Param("count", "月数（文件未写明哪几个月时）"),
            "rate": Param("rate", "减免比例"),
            "office_rate": Param("rate", "办公用房减免比例"),
        }
        problems, periods = _check_items("periods", params["periods"], fields, ("rate",), what="段")
        for index, period in enumerate(periods, start=1):
            if "months" in period and "month_count" in period:
                problems.append(f"periods 第{index}段不能同时给出 months 和 month_count")
        return problems
    missing = [name for name in ("months", "rate") if name not in params]
    return [f"缺少参数“{name}”（或改用 periods）" for name in missing]


def _rent_inputs(params: dict) -> list[Input]:
    inputs = [_money_input("monthly_rent", params.get("base") or "月租金")]
    periods = _periods(params)
    if any("office_rate" in p for p in periods):
        inputs.append(Input("use", "房屋用途", "choice", choices=_USES))
    for index, period in enumerate(periods, start=1):
        if "months" not in period and "month_count" not in period:
            inputs.append(
                Input(
                    f"months_{index}",
                    f"按{percent(_number(period['rate']))}减免的月数",
                    "integer",
                    unit="月",
                    help="文件未写明月数，按实际享受的月数填写",
                )
            )
    return inputs


def _rent_compute(work: _Work) -> Decimal:
    rent = work.values["monthly_rent"]
    office = work.values.get("use") == "office"
    total = ZERO
    for index, period in enumerate(_periods(work.params), start=1):
        rate = _number(period["office_rate"] if office and "office_rate" in period else period["rate"])
        if "months" in period:
            count, which = len(period["months"]), _months_text(period["months"])
        elif "month_count" in period:
            count, which = period["month_count"], f"{period['month_count']}个月"
        else:
            count, which = work.values[f"months_{index}"], f"后续{work.values[f'months_{index}']}个月"
        amount = quantize_yuan(rent * count * rate)
        total += amount
        use = "（办公用房）" if office and "office_rate" in period else ""
        work.step(
            f"{which}{use}：减免{percent(rate)}",
            amount,
            f"{count} 个月 × {yuan(rent)} × {percent(rate)} = {yuan(amount)}",
            work.words(*_rate_needles(rate)),
        )
    return total


RENT_MONTHS_WAIVED = RuleKind(
    name="rent_months_waived",
    label="按月减免租金",
    params={
        "months": Param("months", '减免的月份，如 ["2020-03", "2020-04"]'),
        "rate": Param("rate", "减免比例（“1”为全免）"),
        "office_rate": Param("rate", "办公用房的减免比例"),
        "periods": Param("list", "分段减免 [{months 或 month_count, rate, office_rate}]"),
        "base": Param("text", "每月金额的名称（默认“月租金”）"),
    },
    inputs=_rent_inputs,
    compute=_rent_compute,
    check=_rent_check,
)


# area_rate_days ---------------------------------------------------------------------------------------------------


def _area_compute(work: _Work) -> Decimal:
    params = work.params
    rate = _number(params["rate_per_sqm_day"])
    area, days = work.values["area"], work.values["days"]
    if params.get("up_to"):
        work.discretionary = True
        work.step(
            f"标准为最高 {_plain(rate)} 元/平方米/天",
            None,
            "由主管部门在此标准内核定；测算按最高标准",
            work.words(f"{_plain(rate)}元"),
        )
    if "area_cap_sqm" in params:
        cap = _number(params["area_cap_sqm"])
        verdict = f"超过上限，按 {_plain(cap)} 平方米计" if area > cap else "未超过上限，不调整"
        work.step(
            f"面积不超过 {_plain(cap)} 平方米",
            None,
            f"{_plain(area)} 平方米 {verdict}",
            work.words(f"{_plain(cap)}平方米"),
        )
        area = min(area, cap)
    if "years" in params:
        limit = params["years"] * 365
        verdict = f"超过上限，按 {limit} 天计" if days > limit else "未超过上限，不调整"
        work.step(
            f"连续 {params['years']} 年（按每年 365 天计，至多 {limit} 天）",
            None,
            f"{days} 天 {verdict}",
            work.words(f"{params['years']}年"),
        )
        days = min(days, limit)
    amount = quantize_yuan(area * rate * days)
    work.step(
        "按面积 × 标准 × 天数计算",
        amount,
        f"{_plain(area)} 平方米 × {_plain(rate)} 元/平方米/天 × {days} 天 = {yuan(amount)}",
        work.words(f"{_plain(rate)}元"),
    )
    return amount


AREA_RATE_DAYS = RuleKind(
    name="area_rate_days",
    label="按面积、标准和天数补贴",
    params={
        "rate_per_sqm_day": Param("amount", "每平方米每天的金额（元）", required=True),
        "area_cap_sqm": Param("amount", "面积上限（平方米）"),
        "years": Param("count", "连续补贴的年数"),
        "up_to": Param("flag", "标准为最高标准（“最高”）"),
    },
    inputs=lambda params: [
        Input("area", "租用面积", "decimal", unit="平方米"),
        Input("days", "本次申请补贴的天数", "integer", unit="天"),
    ],
    compute=_area_compute,
)


# growth_award -----------------------------------------------------------------------------------------------------


def _growth_check(params: dict) -> list[str]:
    if "repeat_amount" in params and not ("growth_threshold" in params and "consecutive_years" in params):
        return ["给出“repeat_amount”时必须同时给出“growth_threshold”和“consecutive_years”"]
    if ("growth_threshold" in params or "consecutive_years" in params) and "repeat_amount" not in params:
        return ["给出“growth_threshold”或“consecutive_years”时必须同时给出“repeat_amount”（再次奖励金额）"]
    return []


def _growth_inputs(params: dict) -> list[Input]:
    if "repeat_amount" not in params:
        return []
    years = params["consecutive_years"]
    inputs = [
        Input(
            "stage",
            "申请的奖励",
            "choice",
            choices=(("first", "首次达到规模的奖励"), ("repeat", f"达到规模后连续{years}年增长的再次奖励")),
        ),
        _money_input("revenue_0", "达到规模当年的营业收入"),
    ]
    inputs += [_money_input(f"revenue_{i}", f"其后第{i}年的营业收入") for i in range(1, years + 1)]
    return [i if i.name == "stage" else replace(i, required=False) for i in inputs]


def _growth_check_values(params: dict, values: dict) -> dict[str, str]:
    if values.get("stage") != "repeat":
        return {}
    errors = {}
    for spec in _growth_inputs(params)[1:]:
        if values.get(spec.name) is None:
            errors[spec.name] = f"请填写{spec.label}"
        elif spec.name != f"revenue_{params['consecutive_years']}" and values[spec.name] == 0:
            errors[spec.name] = f"{spec.label}必须大于0"
    return errors


def _growth_compute(work: _Work) -> Decimal:
    params = work.params
    amount = _number(params["amount"])
    if work.values.get("stage") != "repeat":
        work.step(
            "成长达到规定规模的奖励",
            amount,
            "是否达到规定规模由主管部门认定",
            work.words(*_money_needles(amount)),
        )
        return amount
    threshold = _number(params["growth_threshold"])
    years = params["consecutive_years"]
    ok = True
    for year in range(1, years + 1):
        before, now = work.values[f"revenue_{year - 1}"], work.values[f"revenue_{year}"]
        growth = (now - before) / before
        passed = growth >= threshold
        ok = ok and passed
        work.step(
            f"第{year}年营业收入增长 {_share(growth)}" + ("" if passed else f"，低于 {percent(threshold)}"),
            None,
            f"({yuan(now)} − {yuan(before)}) ÷ {yuan(before)} = {_share(growth)}",
            work.words(*_rate_needles(threshold)),
        )
    repeat = _number(params["repeat_amount"])
    if not ok:
        work.step(f"未连续{years}年保持 {percent(threshold)} 以上增长，不予再次奖励", ZERO)
        return ZERO
    work.step(f"连续{years}年增长 {percent(threshold)} 以上，再次奖励", repeat, "", work.words("再次"))
    return repeat


GROWTH_AWARD = RuleKind(
    name="growth_award",
    label="成长奖励",
    params={
        "amount": Param("money", "达到规模的奖励（元）", required=True),
        "growth_threshold": Param("ratio", '再次奖励要求的年增长率（含），如 "0.20"'),
        "consecutive_years": Param("count", "连续增长的年数"),
        "repeat_amount": Param("money", "再次奖励（元）"),
    },
    inputs=_growth_inputs,
    compute=_growth_compute,
    check=_growth_check,
    check_values=_growth_check_values,
)


# discretionary_ceiling -------------------------------------------------------------------------------------------

_PERS = {"item": "每项", "event": "每场", "year": "每年", "entity": "每家", "project": "每个项目"}


def _discretionary_check(params: dict) -> list[str]:
    if "cases" in params:
        if "ceiling" in params:
            return ["参数“ceiling”与“cases”只能给出一种"]
        fields = {
            "case": Param("text", "情形代码"),
            "label": Param("text", "情形名称"),
            "ceiling": Param("money", "该情形的上限"),
            "cap_per_entity_year": Param("money", "该情形每家每年上限"),
        }
        problems, cases = _check_items("cases", params["cases"], fields, ("case", "label", "ceiling"))
        codes = [c.get("case") for c in cases]
        if len(set(codes)) != len(codes):
            problems.append("cases 的 case 不能重复")
        return problems
    if "ceiling" not in params:
        return ["缺少参数“ceiling”（上限）或“cases”"]
    return []


def _discretionary_compute(work: _Work) -> Decimal:
    params = work.params
    work.discretionary = True
    per = params.get("per", "item")
    yearly = params.get("cap_per_entity_year")
    if "cases" in params:
        case = next(c for c in params["cases"] if c["case"] == work.values["case"])
        ceiling = _number(case["ceiling"])
        yearly = case.get("cap_per_entity_year", yearly)
        label = f"{case['label']}：{_PERS[per]}最高不超过 {yuan(ceiling)}"
    else:
        ceiling = _number(params["ceiling"])
        label = f"视情况给予，{_PERS[per]}最高不超过 {yuan(ceiling)}"
    work.step(label, ceiling, "由主管部门视情况核定金额；测算按上限", work.words(*_money_needles(ceiling)))
    amount = ceiling
    if per in ("item", "project") and work.context.earlier_this_item > 0:
        amount = work.cap(
            amount, ceiling, "同一项目上限", earlier=work.context.earlier_this_item, earlier_label="同一项目已获"
        )
    if per in ("year", "entity") and work.context.earlier_this_year > 0:
        amount = work.cap(
            amount,
            ceiling,
            f"{_PERS[per]}上限",
            earlier=work.context.earlier_this_year,
            earlier_label="本年度本措施已获",
        )
    if yearly is not None:
        amount = work.cap(
            amount,
            _number(yearly),
            "每家每年上限",
            earlier=work.context.earlier_this_year,
            earlier_label="本年度本措施已获",
        )
    return amount


DISCRETIONARY_CEILING = RuleKind(
    name="discretionary_ceiling",
    label="视情况给予（最高不超过）",
    params={
        "ceiling": Param("money", "最高金额（元）"),
        "per": Param("choice", "上限的单位", choices=tuple(_PERS)),
        "cap_per_entity_year": Param("money", "每家每年上限（元）"),
        "cases": Param("list", "按情形分别规定上限 [{case, label, ceiling, cap_per_entity_year}]"),
    },
    inputs=lambda params: (
        [Input("case", "情形", "choice", choices=tuple((c["case"], c["label"]) for c in params["cases"]))]
        if "cases" in params
        else []
    ),
    compute=_discretionary_compute,
    check=_discretionary_check,
)


# matching_ratio, fixed_amount, fee_waiver ---------------------------------------------------------------------------


def _matching_compute(work: _Work) -> Decimal:
    ratio = _number(work.params["ratio"])
    city = work.values["city_amount"]
    amount = quantize_yuan(city * ratio)
    work.step(
        f"按{work.params['of']} 1:{_plain(ratio)} 配套",
        amount,
        f"{yuan(city)} × {_plain(ratio)} = {yuan(amount)}",
        work.words(f"1:{_plain(ratio)}", *_rate_needles(ratio)),
    )
    return _apply_caps(work, amount)


MATCHING_RATIO = RuleKind(
    name="matching_ratio",
    label="按比例配套市级资金",
    params={
        "ratio": Param("ratio", '配套比例（1:0.5 写作 "0.5"）', required=True),
        "of": Param("text", "配套的对象（如“市级支持资金”）", required=True),
        **_cap_params("cap"),
    },
    inputs=lambda params: [_money_input("city_amount", f"获得的{params['of']}")],
    compute=_matching_compute,
)


def _fixed_check(params: dict) -> list[str]:
    if "min_count" in params and "per" not in params:
        return ["给出“min_count”时必须同时给出“per”（计数单位）"]
    return []


def _fixed_compute(work: _Work) -> Decimal:
    params = work.params
    each = _number(params["amount"])
    if params.get("up_to"):
        work.discretionary = True
    word = "最高" if params.get("up_to") else ""
    if "per" not in params:
        work.step(f"定额{word}{yuan(each)}", each, "", work.words(*_money_needles(each)))
        return each
    count, per = work.values["count"], params["per"]
    if "min_count" in params and count < params["min_count"]:
        work.step(
            f"{count} {per}，未达到 {params['min_count']} {per}，不予奖励",
            ZERO,
            "",
            work.words(f"{params['min_count']}{per}"),
        )
        return ZERO
    amount = quantize_yuan(each * count)
    work.step(
        f"按每{per}{word}{yuan(each)}计算",
        amount,
        f"{count} {per} × {yuan(each)} = {yuan(amount)}",
        work.words(*_money_needles(each)),
    )
    return _apply_caps(work, amount)


FIXED_AMOUNT = RuleKind(
    name="fixed_amount",
    label="定额",
    params={
        "amount": Param("money", "金额（元；给出 per 时为每单位金额）", required=True),
        "per": Param("text", "计数单位（如“笔”）；不给出则为一次性定额"),
        "min_count": Param("count", "至少的数量（含）"),
        "up_to": Param("flag", "金额为最高额"),
        **_cap_params("cap_per_entity"),
    },
    inputs=lambda params: (
        [Input("count", f"{params['per']}数", "integer", unit=params["per"])] if "per" in params else []
    ),
    compute=_fixed_compute,
    check=_fixed_check,
)


def _fee_compute(work: _Work) -> Decimal:
    rate = _number(work.params["rate"])
    fee = work.values["fee_amount"]
    amount = quantize_yuan(fee * rate)
    months = f"（{_months_text(work.params['months'])}）" if "months" in work.params else ""
    work.step(
        f"{work.params['fee']}{months}减免{percent(rate)}",
        amount,
        f"{yuan(fee)} × {percent(rate)} = {yuan(amount)}",
        work.words(*_rate_needles(rate)),
    )
    return amount


FEE_WAIVER = RuleKind(
    name="fee_waiver",
    label="费用减免",
    params={
        "fee": Param("text", "减免的费用（中文）", required=True),
        "rate": Param("rate", "减免比例（“1”为免收，“0.5”为减半）", required=True),
        "months": Param("months", "减免的月份"),
    },
    inputs=lambda params: [_money_input("fee_amount", "应缴费用金额", help=f"减免的费用：{params['fee']}")],
    compute=_fee_compute,
)


# reviewer_sets and other ------------------------------------------------------------------------------------------


def _reviewer_compute(work: _Work) -> Decimal:
    work.no_amount = True
    detail = work.params.get("basis") or work.params.get("description") or ""
    work.step("文件未规定金额或计算方法，由牵头部门核定", None, detail, work.quote)
    return ZERO


def _other_compute(work: _Work) -> Decimal:
    work.no_amount = True
    work.step("本措施的计算方式无法按已知规则测算，由牵头部门核定", None, work.params["description"], work.quote)
    return ZERO


REVIEWER_SETS = RuleKind(
    name="reviewer_sets",
    label="文件未定金额（由牵头部门核定）",
    params={
        "description": Param("text", "文件给予的支持（中文）"),
        "basis": Param("text", "金额如何确定（如“按原政策兑现”）"),
    },
    inputs=lambda params: [],
    compute=_reviewer_compute,
)

OTHER = RuleKind(
    name="other",
    label="其他（无法按已知规则测算）",
    params={"description": Param("text", "计算方式的说明（中文）", required=True)},
    inputs=lambda params: [],
    compute=_other_compute,
)


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
