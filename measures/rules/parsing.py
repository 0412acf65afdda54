"""Reading the applicant's inputs: one parser per input type (money, integer, decimal, date, text, choice, boolean).

Each parser takes the raw value from a form or JSON and returns (value, message); the message, in Chinese, is ""
when the value is good. RuleKind.parse_inputs (measures.rules.kind) runs parse_one over every input of a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import FEN, MAX_AMOUNT, Input, as_date, quantize_yuan

NUMBER_TYPES = ("money", "decimal", "integer")
TEXT_MAX_LENGTH = 100
_TRUE = {"true", "1", "on", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "off", "no", "n", "否", "f", ""}


def item_name(raw: Any) -> str:
    """Return a project or product name as compared with earlier awards: runs of white space made one space."""
    return " ".join(str(raw or "").split())


def _is_missing(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _read_number(raw: Any) -> Decimal | None:
    """Return the number typed or sent (thousands separators allowed; never a bool), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    try:
        return Decimal(str(raw).strip().replace(",", "").replace("，", "").replace(" ", ""))
    except InvalidOperation:
        return None


def _too_large(parsed: Decimal | None) -> bool:
    return parsed is not None and parsed.is_finite() and parsed > MAX_AMOUNT


def _not_negative(parsed: Decimal | None) -> bool:
    return parsed is not None and parsed.is_finite() and parsed >= 0


def _parse_money(spec: Input, raw: Any) -> tuple[Any, str]:
    parsed = _read_number(raw)
    if _too_large(parsed):
        return None, f"{spec.label}数值过大，请核对"
    if not _not_negative(parsed):
        return None, f"{spec.label}必须是不小于0的金额"
    if parsed != parsed.quantize(FEN):
        return None, f"{spec.label}最多保留两位小数（精确到分）"
    return quantize_yuan(parsed), ""


def _parse_integer(spec: Input, raw: Any) -> tuple[Any, str]:
    parsed = _read_number(raw)
    if _too_large(parsed):
        return None, f"{spec.label}数值过大，请核对"
    if not _not_negative(parsed) or parsed != parsed.to_integral_value():
        return None, f"{spec.label}必须是不小于0的整数"
    return int(parsed), ""


def _parse_decimal(spec: Input, raw: Any) -> tuple[Any, str]:
    parsed = _read_number(raw)
    if _too_large(parsed):
        return None, f"{spec.label}数值过大，请核对"
    if not _not_negative(parsed):
        return None, f"{spec.label}必须是不小于0的数"
    return parsed, ""


def _parse_date(spec: Input, raw: Any) -> tuple[Any, str]:
    value = as_date(raw)
    return (value, "") if value else (None, f"{spec.label}必须是日期，格式为YYYY-MM-DD")


def _parse_text(spec: Input, raw: Any) -> tuple[Any, str]:
    if not isinstance(raw, str):
        return None, f"{spec.label}必须是文字"
    text = item_name(raw)
    if len(text) > TEXT_MAX_LENGTH:
        return None, f"{spec.label}最多{TEXT_MAX_LENGTH}个字"
    return text, ""


def _parse_choice(spec: Input, raw: Any) -> tuple[Any, str]:
    text = str(raw).strip()
    for value, label in spec.choices:
        if text in (value, label):
            return value, ""
    return None, f"{spec.label}必须是以下之一：{'、'.join(label for _value, label in spec.choices)}"


def _parse_boolean(spec: Input, raw: Any) -> tuple[Any, str]:
    """Read a yes/no; an empty answer is "no" unless the input is required."""
    if isinstance(raw, bool):
        return raw, ""
    text = "" if raw is None else str(raw).strip().lower()
    if text in _TRUE:
        return True, ""
    if text in _FALSE:
        if spec.required and _is_missing(raw):
            return None, f"请填写{spec.label}"
        return False, ""
    return None, f"{spec.label}必须是“是”或“否”"


# The parsers of the types that an empty answer leaves unset (a boolean's empty answer means "no").
_PARSERS: dict[str, Callable[[Input, Any], tuple[Any, str]]] = {
    "money": _parse_money,
    "integer": _parse_integer,
    "decimal": _parse_decimal,
    "date": _parse_date,
    "text": _parse_text,
    "choice": _parse_choice,
}


def parse_one(spec: Input, raw: Any) -> tuple[Any, str]:
    """Return (value, message); message is "" when the value is good."""
    if spec.type == "boolean":
        return _parse_boolean(spec, raw)
    if _is_missing(raw):
        if spec.required:
            return None, (f"请选择{spec.label}" if spec.type == "choice" else f"请填写{spec.label}")
        return None, ""
    if spec.type not in _PARSERS:
        raise ValueError(f"unknown input type {spec.type!r}")
    return _PARSERS[spec.type](spec, raw)
