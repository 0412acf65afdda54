"""Money and its formatting (measures.rules.base)."""

from decimal import Decimal

from measures import rules

D = Decimal


def test_money_is_formatted_with_thousands_and_fen():
    assert rules.yuan(D("1000000")) == "1,000,000.00 元"
    assert rules.quantize_yuan(D("2.675")) == D("2.68")
