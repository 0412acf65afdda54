"""rent_months_waived and area_rate_days (measures.rules.premises)."""

from decimal import Decimal

import pytest

from measures.rules import rule_inputs
from tests.measures.rules.examples import amount

D = Decimal


def test_rent_waived_for_named_months_by_use():
    params = {"months": ["2020-03", "2020-04"], "rate": "1", "office_rate": "0.5"}
    assert amount("rent_months_waived", params, monthly_rent="10000", use="production") == D("20000")
    assert amount("rent_months_waived", params, monthly_rent="10000", use="office") == D("10000")


def test_rent_periods_with_an_unstated_number_of_months_ask_for_it():
    params = {"periods": [{"month_count": 1, "rate": "1"}, {"rate": "0.5"}]}
    assert [i.name for i in rule_inputs("rent_months_waived", params)] == ["monthly_rent", "months_2"]
    assert amount("rent_months_waived", params, monthly_rent="8000", months_2="3") == D("20000")


@pytest.mark.parametrize(
    ("area", "days", "expected"),
    [
        ("400", "365", "292000"),
        ("500", "365", "365000"),
        ("500.01", "365", "365000"),
        ("600", "1095", "1095000"),
        ("600", "1096", "1095000"),
    ],
)
def test_area_times_rate_times_days_with_the_area_and_years_capped(area, days, expected):
    params = {"rate_per_sqm_day": "2", "area_cap_sqm": 500, "years": 3}
    assert amount("area_rate_days", params, area=area, days=days) == D(expected)
