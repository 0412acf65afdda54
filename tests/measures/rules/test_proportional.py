"""percent_of_base, matching_ratio and fee_waiver (measures.rules.proportional)."""

from decimal import Decimal

import pytest

from measures.rules import estimate
from tests.measures.rules.examples import RENT_REWARD, amount, labels

D = Decimal


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("1000000", "300000.00"),
        ("3333333.30", "999999.99"),
        ("3333333.33", "1000000.00"),  # 999,999.999 rounds half-up to the cap itself
        ("3333333.37", "1000000.00"),  # 1,000,000.011 is capped
        ("5000000", "1000000.00"),
    ],
)
def test_it_takes_the_rate_of_the_base_up_to_the_cap(base, expected):
    assert amount("percent_of_base", RENT_REWARD, base=base) == D(expected)


@pytest.mark.parametrize(
    ("base", "expected"), [("1.01", "0.51"), ("0.05", "0.03"), ("0.03", "0.02"), ("0.01", "0.01"), ("0.02", "0.01")]
)
def test_it_rounds_half_up_to_the_fen(base, expected):
    assert amount("percent_of_base", {"base": "x", "rate": "0.50"}, base=base) == D(expected)


def test_a_rate_range_estimates_at_the_top_and_says_the_reviewer_decides():
    params = {"base": "x", "rate_min": "0.30", "rate_max": "0.50", "cap_per_entity": "500000"}
    result = estimate("percent_of_base", params, {"base": "600000"})
    assert (result.amount, result.discretionary, result.ceiling) == (D("300000.00"), True, D("300000.00"))
    assert "比例为30%至50%" in labels(result)


@pytest.mark.parametrize(
    ("kind", "params", "values", "expected"),
    [
        ("matching_ratio", {"ratio": "0.5", "of": "市级支持资金"}, {"city_amount": "300000"}, "150000"),
        ("matching_ratio", {"ratio": "0.2", "of": "市级资金", "cap": "1000"}, {"city_amount": "10000"}, "1000"),
        ("fee_waiver", {"fee": "占道费", "rate": "1"}, {"fee_amount": "1234.56"}, "1234.56"),
        ("fee_waiver", {"fee": "担保费", "rate": "0.5"}, {"fee_amount": "0.05"}, "0.03"),
    ],
)
def test_matching_and_fee_waiver(kind, params, values, expected):
    assert amount(kind, params, **values) == D(expected)
