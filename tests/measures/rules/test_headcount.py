"""Kinds counted per person (measures.rules.headcount): tiers, flat amounts, the change in headcount."""

from decimal import Decimal

import pytest

from measures.rules import RuleInputError, estimate, parse_inputs
from tests.measures.rules.examples import amount, labels

D = Decimal

TIERS = {
    "tiers": [
        {"min_count": 5, "amount": "1500"},
        {"min_count": 10, "amount": "2000"},
        {"min_count": 20, "amount": "2500"},
        {"min_count": 30, "amount": "3000"},
    ],
    "special": [{"label": "随军家属", "amount": "3000"}],
}

HEADCOUNT = {
    "months": 3,
    "rates": [{"min_growth": "0", "rate": "0.30"}, {"min_growth": "0.20", "rate": "0.50"}],
    "cap_per_person": "6315",
}


# --- per_head_tiers and count_tiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0"),
        (4, "0"),
        (5, "7500"),
        (9, "13500"),
        (10, "20000"),
        (19, "38000"),
        (20, "50000"),
        (29, "72500"),
        (30, "90000"),
        (31, "93000"),
    ],
)
def test_every_head_gets_the_amount_of_the_tier_reached(count, expected):
    assert amount("per_head_tiers", TIERS, count=count) == D(expected)


def test_below_the_lowest_tier_the_reason_is_given():
    result = estimate("per_head_tiers", TIERS, {"count": "4"})
    assert result.steps[0].label == "招用人数 4 人，未达到最低档 5 人，不予补贴"


def test_special_hires_are_added_at_their_own_amount():
    assert amount("per_head_tiers", TIERS, count="10", special_1="2") == D("26000")


@pytest.mark.parametrize(
    ("count", "expected"), [(49, "0"), (50, "24000"), (99, "24000"), (100, "45000"), (200, "90000")]
)
def test_count_tiers_pay_one_lump_sum_per_tier(count, expected):
    params = {"tiers": [{"min_count": 50, "amount": "24000"}, {"min_count": 100, "amount": "45000"}]}
    params["tiers"].append({"min_count": 200, "amount": "90000"})
    assert amount("count_tiers", params, count=count) == D(expected)


# --- per_head_flat ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "values", "expected"),
    [
        ({"amount": "1000", "unit": "person"}, {"persons": "7"}, "7000"),
        ({"amount": "100", "unit": "person_day"}, {"persons": "3", "days": "10"}, "3000"),
        ({"amount": "100", "unit": "person_day", "max_days": 5}, {"persons": "3", "days": "10"}, "1500"),
        ({"amount": "8000", "unit": "person_year", "max_years": 5}, {"persons": "2", "years": "5"}, "80000"),
        ({"amount": "8000", "unit": "person_year", "max_years": 5}, {"persons": "2", "years": "6"}, "80000"),
        ({"amount": "5000", "unit": "person", "cap_per_entity": "12000"}, {"persons": "3"}, "12000"),
    ],
)
def test_flat_amounts_per_head(params, values, expected):
    assert amount("per_head_flat", params, **values) == D(expected)


def test_a_range_per_head_is_discretionary_at_the_top():
    result = estimate("per_head_flat", {"amount": "3000", "amount_min": "500", "unit": "person"}, {"persons": "2"})
    assert (result.amount, result.discretionary) == (D("6000.00"), True)


def test_years_beyond_the_maximum_are_a_step():
    params = {"amount": "8000", "unit": "person_year", "max_years": 5}
    result = estimate("per_head_flat", params, {"persons": "1", "years": "7"})
    assert any("填写的 7 年 超过上限，按 5 年 计" in step.detail for step in result.steps)


# --- contribution_by_headcount_change -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [(100, 99, "0"), (100, 100, "30000"), (100, 119, "30000"), (100, 120, "50000"), (100, 150, "50000")],
)
def test_the_rate_depends_on_the_change_in_headcount(before, now, expected):
    values = {"staff_before": before, "staff_now": now, "contributions": "100000"}
    assert amount("contribution_by_headcount_change", HEADCOUNT, **values) == D(expected)


@pytest.mark.parametrize(("contributions", "expected"), [("151560", "75780.00"), ("151560.02", "75780.00")])
def test_the_per_person_cap_applies_to_the_headcount(contributions, expected):
    values = {"staff_before": 10, "staff_now": 12, "contributions": contributions}
    result = estimate("contribution_by_headcount_change", HEADCOUNT, values)
    assert result.amount == D(expected)
    assert "每人最高 6,315.00 元" in labels(result)


def test_a_headcount_of_zero_last_year_is_refused_by_name():
    with pytest.raises(RuleInputError) as error:
        parse_inputs(
            "contribution_by_headcount_change", HEADCOUNT, {"staff_before": 0, "staff_now": 3, "contributions": 1}
        )
    assert list(error.value.errors) == ["staff_before"]
