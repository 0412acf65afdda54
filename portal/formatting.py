"""How the portal prints money and shares: one way on every page, e-mail, export and admin list.

Money is yuan with thousands separators and two decimals, rounded half-up to the fen ("100,000.00 元"); a share is
a fraction printed as a percentage without trailing zeros ("80%" for 0.80, "12.5%" for 0.125).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

FEN = Decimal("0.01")
# The Excel number format of an amount (applications/admin/exports.py): the same separators and decimals.
EXCEL_MONEY_FORMAT = "#,##0.00"
EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def money_number(value) -> str:
    """Return "100,000.00" for 100000 (no unit), or "" for nothing."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{amount.quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"


def format_money(value) -> str:
    """Return "100,000.00 元" ("100,000.00 yuan" in English) for 100000, or "—" for nothing."""
    number = money_number(value)
    if not number:
        return EMPTY
    # Translators: an amount of money in yuan; %(amount)s is "100,000.00".
    return gettext("%(amount)s 元") % {"amount": number}


def format_share(value) -> str:
    """Return "80%" for 0.80 and "12.5%" for 0.125, or "—" for nothing."""
    share = _decimal(value)
    if share is None:
        return EMPTY
    shown = (share * 100).quantize(FEN, rounding=ROUND_HALF_UP).normalize()
    text = format(shown, "f")
    return f"{'0' if text in ('-0', '') else text}%"


def style_money_cells(row) -> None:
    """Give the amounts (Decimal) of a worksheet row the portal's money format: 100,000.00."""
    for cell in row:
        if isinstance(cell.value, Decimal):
            cell.number_format = EXCEL_MONEY_FORMAT
