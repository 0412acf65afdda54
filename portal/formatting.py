"""How the portal prints money and shares: one way on every page, e-mail, export and admin list.

Money is yuan with thousands separators and two decimals, rounded half-up to the fen ("100,000.00 元"); a share is
a fraction printed as a percentage without trailing zeros ("80%" for 0.80, "12.5%" for 0.125). Decision letters
also write an amount in Chinese capitals (`money_capitals`: 壹拾万元整).
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


DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
GROUPS = ("", "万", "亿", "万亿")  # each group of four digits, from the right


def _integer_capitals(number: int) -> str:
    """Return the capitals of a whole number of yuan: 100000 -> 壹拾万, 1409 -> 壹仟肆佰零玖, 100010000 -> 壹亿零壹万.

    One 零 stands for any run of zeros between two written digits, whether inside a group of four or across groups;
    a group that is all zeros writes neither digits nor its unit (万); zeros at the end are not written.
    """
    digits = str(number)
    if len(digits) > 4 * len(GROUPS):
        raise ValueError(f"{number} is too large to write in capitals")
    text, zero_pending = [], False
    for index, digit in enumerate(digits):
        position = len(digits) - 1 - index
        group, place = divmod(position, 4)
        if digit == "0":
            zero_pending = bool(text)
        else:
            if zero_pending:
                text.append("零")
                zero_pending = False
            text.append(DIGITS[int(digit)] + PLACES[place])
        if place == 0 and group and int(digits[max(0, index - 3) : index + 1]):
            text.append(GROUPS[group])
    return "".join(text)


def money_capitals(value) -> str:
    """Return an amount in Chinese capitals, as a 决定书 or a bank form writes it: 100000 -> 壹拾万元整,
    1409.50 -> 壹仟肆佰零玖元伍角, 16409.02 -> 壹万陆仟肆佰零玖元零贰分, 0.35 -> 叁角伍分.

    The rules of 中国人民银行's 《正确填写票据和结算凭证的基本规定》: rounded half up to the fen; 整 after 元 when there
    are no 角 or 分 (and not after 角); 零 between 元 and 分 when 角 is zero; 拾 always with its digit (壹拾).
    """
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount < 0:
        raise ValueError("an amount in capitals cannot be negative")
    fen_total = int(amount.quantize(FEN, rounding=ROUND_HALF_UP) * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    text = _integer_capitals(yuan) + "元" if yuan else ""
    if not cents:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


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
