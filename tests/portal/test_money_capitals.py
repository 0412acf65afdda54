"""Amounts in Chinese capitals, as decision letters write them (中国人民银行《正确填写票据和结算凭证的基本规定》)."""

from decimal import Decimal

import pytest

from portal.formatting import money_capitals


@pytest.mark.parametrize(
    ("value", "capitals"),
    [
        (Decimal("100000.00"), "壹拾万元整"),  # the example of DOMAIN.md
        (Decimal("12000"), "壹万贰仟元整"),
        (10, "壹拾元整"),  # 拾 always with its digit
        ("15", "壹拾伍元整"),
        # The rule's own examples: one 零 for one zero or a run of them; 零 before 分 when 角 is zero.
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万零柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # Zeros across the groups of four digits, and groups that are all zeros.
        ("100100", "壹拾万零壹佰元整"),
        ("110000", "壹拾壹万元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1000000000", "壹拾亿元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        # Less than a yuan, nothing, and half a fen rounded up.
        ("0.35", "叁角伍分"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("0.005", "壹分"),
    ],
)
def test_an_amount_is_written_in_capitals(value, capitals):
    assert money_capitals(value) == capitals


def test_nothing_has_no_capitals():
    assert money_capitals(None) == "" and money_capitals("") == ""


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        money_capitals(Decimal("-1"))
