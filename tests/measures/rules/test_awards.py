"""Awards and refunds (measures.rules.awards): formula_refund, fixed_by_level, spending_tiers, growth_award,
discretionary_ceiling, fixed_amount, reviewer_sets."""

from decimal import Decimal

import pytest

from measures.rules import Context, RuleInputError, estimate, parse_inputs
from tests.measures.rules.examples import LEVELS, amount, labels

D = Decimal

BANDS = {
    "bands": [
        {"min": "200000", "max": "1000000", "rate": "0.05"},
        {"min": "1000000", "max": "5000000", "cap": "100000"},
        {"min": "5000000", "cap": "200000"},
    ]
}


# --- formula_refund -----------------------------------------------------------------------------------------------


def test_a_formula_refund_multiplies_months_and_factors():
    params = {
        "months": 6,
        "factors": [
            {"name": "monthly_benefit", "label": "月人均失业保险金", "type": "money"},
            {"name": "insured_staff", "label": "参保职工人数", "type": "integer", "unit": "人"},
        ],
    }
    result = estimate("formula_refund", params, {"monthly_benefit": "1800", "insured_staff": "50"})
    assert result.amount == D("540000.00")
    assert result.steps[0].detail == "6 个月 × 1,800.00 元 × 50 人 = 540,000.00 元"


# --- fixed_by_level -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "held", "expected"),
    [
        ("national", "", "1200000"),
        ("municipal", "", "300000"),
        ("innovative", "", "20000"),
        ("national", "municipal", "900000"),
        ("national", "innovative", "1180000"),
        ("municipal", "innovative", "280000"),
        ("municipal", "national", "0"),
        ("municipal", "municipal", "0"),
    ],
)
def test_levels_are_paid_once_with_the_difference_on_an_upgrade(level, held, expected):
    assert amount("fixed_by_level", LEVELS, Context(held_level=held), level=level) == D(expected)


def test_the_upgrade_difference_is_a_step():
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=Context(held_level="municipal"))
    assert "晋级补差" in labels(result)


def test_no_repeat_without_top_up_gives_nothing_to_a_holder():
    params = {**LEVELS, "top_up": False}
    assert amount("fixed_by_level", params, Context(held_level="innovative"), level="national") == D("0")


# --- spending_tiers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spending", "expected", "discretionary"),
    [
        ("199999.99", "0.00", False),
        ("200000", "10000.00", False),
        ("999999.99", "50000.00", False),  # 49,999.9995 rounds half-up
        ("1000000", "100000.00", True),
        ("4999999.99", "100000.00", True),
        ("5000000", "200000.00", True),
        ("90000000", "200000.00", True),
    ],
)
def test_spending_bands(spending, expected, discretionary):
    result = estimate("spending_tiers", BANDS, {"spending": spending})
    assert (result.amount, result.discretionary) == (D(expected), discretionary)


def test_an_inclusive_band_maximum_keeps_the_boundary_in_the_band():
    params = {"bands": [{"min": "0", "max": "100", "max_inclusive": True, "rate": "0.1"}, {"min": "101", "cap": "50"}]}
    assert amount("spending_tiers", params, spending="100") == D("10.00")


# --- growth_award -------------------------------------------------------------------------------------------------


GROWTH = {"amount": "50000", "growth_threshold": "0.20", "consecutive_years": 2, "repeat_amount": "50000"}


@pytest.mark.parametrize(
    ("revenues", "expected"),
    [(("100", "120", "144"), "50000"), (("100", "119.99", "144"), "0"), (("100", "130", "155.99"), "0")],
)
def test_a_growth_award_needs_every_year_at_the_threshold(revenues, expected):
    values = {"stage": "repeat", **{f"revenue_{i}": r for i, r in enumerate(revenues)}}
    assert amount("growth_award", GROWTH, **values) == D(expected)


def test_the_second_growth_award_asks_for_the_revenues_by_name():
    with pytest.raises(RuleInputError) as error:
        parse_inputs("growth_award", GROWTH, {"stage": "repeat", "revenue_0": "100"})
    assert sorted(error.value.errors) == ["revenue_1", "revenue_2"]


# --- discretionary_ceiling ----------------------------------------------------------------------------------------


def test_a_discretionary_ceiling_estimates_the_ceiling():
    result = estimate("discretionary_ceiling", {"ceiling": "1000000", "per": "item"}, {"project": "A"})
    assert (result.amount, result.discretionary, result.ceiling) == (D("1000000.00"), True, D("1000000.00"))


@pytest.mark.parametrize(
    ("case", "earlier", "expected"),
    [
        ("first", "0", "500000"),
        ("first", "1200000", "300000"),
        ("later", "1500000", "500000"),
        ("later", "2000000", "0"),
    ],
)
def test_discretionary_cases_have_their_own_caps(case, earlier, expected):
    params = {
        "per": "item",
        "cases": [
            {"case": "first", "label": "首轮", "ceiling": "500000", "cap_per_entity_year": "1500000"},
            {"case": "later", "label": "首轮之后", "ceiling": "1000000", "cap_per_entity_year": "2000000"},
        ],
    }
    context = Context(earlier_this_year=D(earlier))
    assert amount("discretionary_ceiling", params, context, case=case, project="A") == D(expected)


def test_a_yearly_discretionary_ceiling_counts_this_years_awards():
    context = Context(earlier_this_year=D("200000"))
    assert amount("discretionary_ceiling", {"ceiling": "500000", "per": "year"}, context) == D("300000")


# --- fixed_amount and reviewer_sets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "values", "expected"),
    [
        ("fixed_amount", {"amount": "50000"}, {}, "50000"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "min_count": 20}, {"count": "19"}, "0"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "min_count": 20}, {"count": "20"}, "100000"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "cap_per_entity": "200000"}, {"count": "41"}, "200000"),
    ],
)
def test_fixed_amounts(kind, params, values, expected):
    assert amount(kind, params, **values) == D(expected)


def test_reviewer_sets_states_no_amount_and_quotes_the_words():
    result = estimate("reviewer_sets", {"description": "奖励支持"}, {}, quote="给予奖励支持")
    assert (result.amount, result.discretionary, result.ceiling) == (D("0"), True, None)
    assert result.steps[0].label == "文件未规定金额或计算方法，由牵头部门核定"
    assert result.steps[0].quote == "给予奖励支持"
