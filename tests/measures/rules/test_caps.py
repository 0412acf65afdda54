"""Caps and earlier awards (measures.rules.caps): every cap a step, earlier awards this year or for the same item,
stacking groups and the annual ceiling."""

from decimal import Decimal

import pytest

from measures.rules import Context, estimate
from tests.measures.rules.examples import LEVELS, RENT_REWARD, amount, labels

D = Decimal


def test_it_shows_the_cap_as_a_step_with_before_and_after_figures():
    result = estimate(
        "percent_of_base",
        RENT_REWARD,
        {"base": "5000000"},
        quote="按减免金额的30%给予奖励，给予每个单位不超过100万元奖励",
    )
    cap = next(step for step in result.steps if "上限" in step.label)
    assert cap.amount == D("1000000.00")
    assert "1,500,000.00 元 超过上限" in cap.detail
    assert cap.quote == "给予每个单位不超过100万元奖励"
    assert result.steps[0].detail == "5,000,000.00 元 × 30% = 1,500,000.00 元"
    assert result.steps[0].quote == "按减免金额的30%给予奖励"


def test_it_shows_a_cap_that_does_not_bind_too():
    result = estimate("percent_of_base", RENT_REWARD, {"base": "1000"})
    assert any("未超过上限" in step.detail for step in result.steps)


def test_earlier_awards_this_year_count_against_a_yearly_cap():
    params = {"base": "x", "rate": "0.5", "cap_per_entity_year": "500000"}
    result = estimate("percent_of_base", params, {"base": "600000"}, context=Context(earlier_this_year=D("400000")))
    assert result.amount == D("100000.00")
    assert any("本年度本措施已获 400,000.00 元" in step.detail for step in result.steps)


def test_an_exhausted_yearly_cap_gives_nothing():
    params = {"base": "x", "rate": "0.5", "cap_per_entity_year": "500000"}
    context = Context(earlier_this_year=D("600000"))
    assert amount("percent_of_base", params, context, base="100") == D("0.00")


def test_earlier_awards_for_the_same_item_count_against_a_per_item_cap():
    params = {"base": "x", "rate": "0.5", "cap_per_item": "500000"}
    context = Context(earlier_this_item=D("450000"), earlier_this_year=D("9999999"))
    assert amount("percent_of_base", params, context, base="1000000", project="A") == D("50000.00")


# --- rules across applications ------------------------------------------------------------------------------------


def test_a_stacking_group_pays_only_the_top_up():
    context = Context(group_award=D("300000"), group_measure="西发改文〔2023〕71号 第五条", group_quote="从高、不重复")
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=context)
    step = next(s for s in result.steps if s.label == "同类政策从高补差")
    assert str(result.amount) == "900000.00"
    assert "西发改文〔2023〕71号 第五条" in step.detail
    assert step.quote == "从高、不重复"


def test_a_higher_award_in_the_group_leaves_nothing():
    context = Context(group_award=D("1200000"), group_measure="A 1.")
    result = estimate("fixed_by_level", LEVELS, {"level": "municipal"}, context=context)
    assert result.amount == D("0")
    assert "同类政策不重复享受" in labels(result)


@pytest.mark.parametrize(
    ("ceiling", "awarded", "expected"), [("1000000", "200000", "800000"), ("5000000", "0", "1200000")]
)
def test_the_annual_ceiling_limits_what_is_left_this_year(ceiling, awarded, expected):
    context = Context(annual_ceiling=D(ceiling), awarded_this_year_total=D(awarded), annual_ceiling_quote="区收")
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=context)
    assert result.amount == D(expected)
    assert next(s for s in result.steps if s.label == "每年资金支持上限").quote == "区收"


def test_the_annual_ceiling_already_reached_gives_nothing():
    context = Context(annual_ceiling=D("100000"), awarded_this_year_total=D("150000"))
    assert amount("percent_of_base", RENT_REWARD, context, base="1000") == D("0")
