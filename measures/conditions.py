"""The values of a measure's conditions: parsing what an administrator types, and reading the data files.

A condition's `value` is text an administrator can type in the admin ("中型、小型、微型", "0.80", "5"). This
module turns it into typed data for the matcher and refuses what it cannot read, with a message in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

SIZE_WORDS = {
    "medium": "medium",
    "small": "small",
    "micro": "micro",
    "中型": "medium",
    "中": "medium",
    "小型": "small",
    "小": "small",
    "微型": "micro",
    "微": "micro",
}
SIZE_LABELS = {"medium": "中型", "small": "小型", "micro": "微型"}

OWNERSHIP_WORDS = {
    "non_state": "non_state",
    "private": "non_state",
    "state": "state",
    "非国有": "non_state",
    "民营": "non_state",
    "非公有制": "non_state",
    "国有": "state",
}
OWNERSHIP_LABELS = {"non_state": "非国有", "state": "国有"}

# The certification names the documents print, matched in this order (the more specific first), to the
# kinds an enterprise records on its profile (accounts.Certification.Kind values).
CERTIFICATION_WORDS = (
    ("小巨人", "national_little_giant"),
    ("专精特新", "beijing_specialized"),
    ("创新型中小企业", "innovative_sme"),
    ("中关村高新技术企业", "zgc_high_tech"),
    ("高新技术企业", "high_tech"),
    ("科技型中小企业", "tech_sme"),
    ("示范基地", "demo_platform"),
    ("示范平台", "demo_platform"),
)

INTEGER_KINDS = {"max_age_years", "max_staff", "min_insured_months"}
MONEY_KINDS = {"max_revenue", "min_rd_spend"}
SHARE_KINDS = {"min_revenue_drop", "max_layoff_rate"}
LIST_KINDS = {"industries", "parks", "certifications"}
TEXT_KINDS = {"declaration", "other"}
FLAG_KINDS = {"registered_in_district", "tax_in_district", "stats_in_district", "not_dishonest", "not_banned"}

_OPENING, _CLOSING = "（(“「《", "）)”」》"


class ConditionValueError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedValue:
    canonical: str  # what is stored, normalised
    data: Any  # what the matcher uses


def split_names(value: str) -> list[str]:
    """Split "餐饮、便利店，美容美发" into names, leaving separators inside brackets alone."""
    names, current, depth = [], [], 0
    for char in value:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        if depth == 0 and char in "、,，;；\n":
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]


def certification_kind(name: str) -> str | None:
    """Return the profile's certification kind for a name the documents print, or None."""
    for word, kind in CERTIFICATION_WORDS:
        if word in name:
            return kind
    return None


def parse_value(kind: str, raw: str) -> ParsedValue:
    """Return the typed value of a condition, or raise ConditionValueError saying what is wrong, in Chinese."""
    value = (raw or "").strip()
    if kind in FLAG_KINDS:
        if value:
            raise ConditionValueError(_("此类条件不需要取值，请留空（适用的行政区即文件所属行政区）。"))
        return ParsedValue("", None)
    if kind == "sme_sizes":
        return _parse_sizes(value)
    if kind == "ownership":
        if value not in OWNERSHIP_WORDS:
            raise ConditionValueError(_("所有制请填写“非国有”或“国有”。"))
        code = OWNERSHIP_WORDS[value]
        return ParsedValue(OWNERSHIP_LABELS[code], code)
    if kind in LIST_KINDS:
        return _parse_names(kind, value)
    if kind in INTEGER_KINDS:
        if not re.fullmatch(r"\d{1,6}", value):
            raise ConditionValueError(_("请填写不小于0的整数。"))
        return ParsedValue(str(int(value)), int(value))
    if kind in MONEY_KINDS | SHARE_KINDS:
        return _parse_number(kind, value)
    if kind in TEXT_KINDS:
        if not value:
            raise ConditionValueError(_("请填写条件的文字。"))
        return ParsedValue(value, value)
    raise ConditionValueError(_("未知的条件类型。"))


def _parse_sizes(value: str) -> ParsedValue:
    words = [w for w in re.split(r"[、,，/\s]+", value) if w]
    if not words:
        raise ConditionValueError(_("请填写适用的企业规模，如“中型、小型、微型”。"))
    unknown = [w for w in words if w not in SIZE_WORDS]
    if unknown:
        raise ConditionValueError(
            _("无法识别的企业规模“%(word)s”，请填写中型、小型或微型。") % {"word": "、".join(unknown)}
        )
    sizes = {SIZE_WORDS[w] for w in words}
    ordered = [s for s in SIZE_LABELS if s in sizes]
    return ParsedValue("、".join(SIZE_LABELS[s] for s in ordered), frozenset(sizes))


def _parse_names(kind: str, value: str) -> ParsedValue:
    names = split_names(value)
    if not names:
        raise ConditionValueError(_("请填写至少一个名称，多个名称用顿号分隔。"))
    if kind == "certifications":
        unknown = [n for n in names if certification_kind(n) is None]
        if unknown:
            raise ConditionValueError(
                _(
                    "无法识别的资质“%(name)s”。可填写：国家级专精特新“小巨人”、北京市专精特新、创新型中小企业、"
                    "高新技术企业、中关村高新技术企业、科技型中小企业、示范平台或示范基地。"
                )
                % {"name": "、".join(unknown)}
            )
    return ParsedValue("、".join(names), tuple(names))


def _parse_number(kind: str, value: str) -> ParsedValue:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ConditionValueError(_("请填写不小于0的数字。"))
    if kind in SHARE_KINDS and number > 1:
        raise ConditionValueError(_("比例请填写0到1之间的小数，例如80%写作0.80。"))
    return ParsedValue(str(number), number)


DECLARATIONS = {
    "no_layoffs": "不裁员、少裁员",
    "lawful_operation": "合法规范经营，符合首都城市战略定位，不在疏解整治范围内",
}


def conditions_from_eligibility(eligibility: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return (kind, value, quote) for the `eligibility` mapping of the data files (see SCHEMA.md)."""
    quote = eligibility.get("quote", "")
    rows: list[tuple[str, str, str]] = []
    for flag in ("registered_in_district", "tax_in_district", "stats_in_district", "not_dishonest", "not_banned"):
        if eligibility.get(flag):
            rows.append((flag, "", quote))
    sizes = eligibility.get("sme_sizes") or (["medium", "small", "micro"] if eligibility.get("sme_standard") else [])
    if sizes:
        rows.append(("sme_sizes", "、".join(SIZE_LABELS[s] for s in SIZE_LABELS if s in sizes), quote))
    if eligibility.get("ownership"):
        rows.append(("ownership", OWNERSHIP_LABELS[OWNERSHIP_WORDS[eligibility["ownership"]]], quote))
    for kind in ("industries", "parks", "certifications"):
        if eligibility.get(kind):
            rows.append((kind, "、".join(eligibility[kind]), quote))
    for kind in sorted(INTEGER_KINDS | MONEY_KINDS | SHARE_KINDS):
        if eligibility.get(kind) is not None:
            row_quote = quote
            if kind == "min_revenue_drop" and eligibility.get("revenue_drop_period"):
                row_quote = f"（{eligibility['revenue_drop_period']}）{quote}"
            rows.append((kind, str(eligibility[kind]), row_quote))
    for key, words in DECLARATIONS.items():
        if eligibility.get(key):
            rows.append(("declaration", words, quote))
    for text in eligibility.get("other") or []:
        rows.append(("other", text, quote))
    return rows
