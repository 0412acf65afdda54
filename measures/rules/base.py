"""What every rule kind shares: the input, step, context and estimate types, money and its formatting, and the
checks of a parameter value.

Everything else in measures.rules builds on this module; it imports nothing from the package.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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


def money_input(name: str, label: str, help: str = "") -> Input:
    """Return an input for an amount in yuan."""
    return Input(name=name, label=label, type="money", unit="元", help=help)


@dataclass(frozen=True)
class Step:
    """One line of the explanation of an estimate."""

    label: str
    amount: Decimal | None
    detail: str = ""
    quote: str = ""


@dataclass(frozen=True)
class Award:
    """One earlier award under a rule, as the cases record it: named in the steps that count it."""

    reference: str
    year: int
    amount: Decimal
    level: str = ""

    def __str__(self) -> str:
        return f"{yuan(self.amount)}（申请编号 {self.reference}，{self.year}年）"


@dataclass(frozen=True)
class Context:
    """What earlier awards and the profile change; every field defaults to "nothing".

    The earlier_* and held_* fields are the earlier awards under the rule being computed; a measure that states
    several rules gives each further rule its own in `by_rule` (its key -> a Context of those fields). The group and
    the annual ceiling are the measure's, applied once to the total.
    """

    earlier_this_year: Decimal = ZERO
    # Every earlier award under the rule, whatever year: a cap "每个单位/每家企业" with no year counts them all.
    earlier_ever: Decimal = ZERO
    # Earlier awards under this measure for the same project or product (the input "project", see item_input);
    # for a cap per product and year, those of this year only.
    earlier_this_item: Decimal = ZERO
    earlier_awards: tuple[Award, ...] = ()  # the awards counted in earlier_ever, named by the once-only step
    group_award: Decimal = ZERO
    group_measure: str = ""
    held_level: str = ""
    # What the enterprise was actually awarded under the rule (晋级补差 pays the difference to it); None: no record,
    # the held level's own amount is taken.
    held_amount: Decimal | None = None
    annual_ceiling: Decimal | None = None
    awarded_this_year_total: Decimal = ZERO
    group_quote: str = ""  # the document's non-repeat words (Measure.stacking), shown on the group step
    annual_ceiling_quote: str = ""  # the document's words for the annual ceiling, shown on its step
    annual_ceiling_covers: str = ""  # whose awards the ceiling counts (the documents), shown on its step
    by_rule: dict[str, Context] = field(default_factory=dict)

    def for_rule(self, key: str, *, main: bool) -> Context:
        """Return the context one rule of the measure is computed with (the main rule's is this one)."""
        if main or key not in self.by_rule:
            return self if main else replace(self, **_NO_EARLIER)
        own = self.by_rule[key]
        return replace(self, **{name: getattr(own, name) for name in _NO_EARLIER})


_NO_EARLIER = {
    "earlier_this_year": ZERO,
    "earlier_ever": ZERO,
    "earlier_this_item": ZERO,
    "earlier_awards": (),
    "held_level": "",
    "held_amount": None,
}


@dataclass(frozen=True)
class Part:
    """What one rule of a measure gives: its own amount, before what limits the measure's total (a stacking group,
    the annual ceiling)."""

    key: str
    label: str
    kind: str
    amount: Decimal
    version: str
    discretionary: bool = False
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class Estimate:
    amount: Decimal
    steps: tuple[Step, ...]
    citation: str
    discretionary: bool = False
    ceiling: Decimal | None = None
    # The rules it was computed with: the version of the measure's rules (a hash of their parameters) and each part.
    version: str = ""
    parts: tuple[Part, ...] = ()


class RuleInputError(ValueError):
    """Bad or missing inputs; `errors` maps each input name to a message in Chinese."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def quantize_yuan(value: Decimal) -> Decimal:
    """Return the amount rounded half-up to the fen."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


# --- formatting ---------------------------------------------------------------------------------------------------


def plain(number: Decimal) -> str:
    """Return the number without trailing zeros or an exponent: "1.5", "1000000"."""
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "") else text


def yuan(amount: Decimal) -> str:
    """Return "1,000,000.00 元"."""
    return f"{quantize_yuan(amount):,.2f} 元"


def percent(rate: Decimal) -> str:
    """Return "30%" for 0.30, "0.5%" for 0.005."""
    return f"{plain(Decimal(rate) * 100)}%"


def share(value: Decimal) -> str:
    """Return a computed share (e.g. a growth rate) as a percentage with at most two decimals."""
    shown = (Decimal(value) * 100).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{plain(shown)}%"


def months_text(months: list[str]) -> str:
    """Return "2020年3月、2020年4月" for ["2020-03", "2020-04"]."""
    return "、".join(f"{int(m[:4])}年{int(m[5:])}月" for m in months)


_SQUEEZE = re.compile(r"[\s　]+")


def quoted_words(quote: str, needles: list[str]) -> str:
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


def money_needles(amount: Decimal) -> list[str]:
    """Return how the document may write an amount: "1000000" and "100万"."""
    amount = Decimal(amount)
    needles = [plain(amount)]
    if amount >= 1000 and amount % 100 == 0:
        needles.append(f"{plain(amount / 10000)}万")
    return needles


def rate_needles(rate: Decimal) -> list[str]:
    """Return how the document may write a rate: "50%", "50％", "减半"."""
    value = plain(Decimal(rate) * 100)
    needles = [f"{value}%", f"{value}％"]
    if Decimal(rate) == ONE:
        needles += ["全额", "免收", "免征", "停征", "免除"]
    if Decimal(rate) == Decimal("0.5"):
        needles += ["减半"]
    return needles


# --- parameters ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter of a rule kind: its type and its Chinese label (used in messages and the admin)."""

    type: str  # money | amount | rate | ratio | count | flag | text | date | months | choice | list
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()


def number(value: Any) -> Decimal:
    """Return a parameter's number; the parameters have been checked (check_value)."""
    return Decimal(str(value).strip())


def _decimal(value: Any) -> Decimal | None:
    """Return the number a parameter holds (int or string; never float or bool), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return None
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def as_date(value: Any) -> datetime.date | None:
    """Return the date a value holds (a date or "YYYY-MM-DD"; never a datetime), or None."""
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


def _check_number(name: str, kind: str, value: Any) -> list[str]:
    parsed = _decimal(value)
    if parsed is None:
        return [f'{name}必须是数字，写成字符串，如 "1000000" 或 "0.30"']
    if parsed < 0:
        return [f"{name}不能为负数"]
    if kind == "money" and parsed != parsed.quantize(FEN):
        return [f"{name}是以元为单位的金额，最多两位小数"]
    if kind == "rate" and parsed > 1:
        return [f'{name}必须在0到1之间（30%写作"0.30"）']
    return []


def _check_months(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(m, str) and _MONTH.match(m) for m in value):
        return [f'{name}必须是月份列表，如 ["2020-03", "2020-04"]']
    if len(set(value)) != len(value):
        return [f"{name}中有重复的月份"]
    return []


def check_value(where: str, spec: Param, value: Any) -> list[str]:
    """Return the problems with one parameter value (where: how to name it in the message)."""
    name = f"{where}（{spec.label}）"
    kind = spec.type
    if kind in ("money", "amount", "rate", "ratio"):
        return _check_number(name, kind, value)
    if kind == "count":
        return [] if _is_count(value) else [f"{name}必须是不小于1的整数"]
    if kind == "flag":
        return [] if isinstance(value, bool) else [f"{name}必须是 true 或 false"]
    if kind == "text":
        return [] if isinstance(value, str) and value.strip() else [f"{name}必须是不为空的文字"]
    if kind == "date":
        return [] if as_date(value) else [f"{name}必须是日期（YYYY-MM-DD）"]
    if kind == "choice":
        return [] if value in spec.choices else [f"{name}必须是以下之一：{'、'.join(spec.choices)}"]
    if kind == "months":
        return _check_months(name, value)
    return []  # lists are checked by the kind


def check_items(
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
                problems += check_value(f"{where}的“{key}”", spec, item[key])
    return problems, items
