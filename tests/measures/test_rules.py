"""The benefit rule engine (measures.rules): every kind, every cap and tier boundary, the explanation."""

import datetime
from decimal import Decimal

import pytest

from measures import rules
from measures.rules import Context, RuleInputError, estimate, parse_inputs, rule_inputs, validate_params

D = Decimal

RENT_REWARD = {"base": "减免的租金金额", "rate": "0.30", "cap_per_entity": "1000000"}
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
LEVELS = {
    "levels": [
        {"level": "national", "label": "国家级", "amount": "1200000"},
        {"level": "municipal", "label": "市级", "amount": "300000"},
        {"level": "innovative", "label": "创新型", "amount": "20000"},
    ],
    "no_repeat": True,
    "top_up": True,
}
BANDS = {
    "bands": [
        {"min": "200000", "max": "1000000", "rate": "0.05"},
        {"min": "1000000", "max": "5000000", "cap": "100000"},
        {"min": "5000000", "cap": "200000"},
    ]
}
LOAN = {
    "rate": "0.30",
    "loan_max_amount": "10000000",
    "loan_max_term_months": 12,
    "issued_from": "2020-02-01",
    "issued_to": "2020-05-31",
}
GOOD_LOAN = {"loan_amount": "5000000", "loan_term_months": "12", "issued_on": "2020-03-01", "interest_paid": "100000"}


def amount(kind, params, context=None, **values):
    return estimate(kind, params, values, context=context).amount


def labels(result):
    return [step.label for step in result.steps]


# --- percent_of_base --------------------------------------------------------------------------------------------


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


# --- interest_subsidy -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "30000.00"),
        ({"loan_amount": "10000000"}, "30000.00"),
        ({"loan_amount": "10000000.01"}, "0.00"),
        ({"loan_term_months": "13"}, "0.00"),
        ({"issued_on": "2020-02-01"}, "30000.00"),
        ({"issued_on": "2020-01-31"}, "0.00"),
        ({"issued_on": "2020-05-31"}, "30000.00"),
        ({"issued_on": "2020-06-01"}, "0.00"),
    ],
)
def test_a_loan_outside_the_conditions_gets_nothing(change, expected):
    assert amount("interest_subsidy", LOAN, **{**GOOD_LOAN, **change}) == D(expected)


def test_the_failing_loan_condition_is_named():
    result = estimate("interest_subsidy", LOAN, {**GOOD_LOAN, "loan_term_months": "24"})
    assert "贷款期限：不符合，不予贴息" in labels(result)
    assert "贷款金额：符合" in labels(result)


def test_interest_above_the_benchmark_is_not_subsidised():
    params = {**LOAN, "benchmark_cap": True}
    result = estimate("interest_subsidy", params, {**GOOD_LOAN, "benchmark_interest": "80000"})
    assert result.amount == D("24000.00")
    assert "超出基准利率的部分不予补贴" in labels(result)


def test_an_of_benchmark_subsidy_asks_for_the_benchmark_interest_only():
    params = {"rate": "0.50", "of_benchmark": True}
    assert [i.name for i in rule_inputs("interest_subsidy", params)] == ["benchmark_interest"]
    assert amount("interest_subsidy", params, benchmark_interest="12345.67") == D("6172.84")


@pytest.mark.parametrize(
    ("interest", "earlier", "expected"),
    [
        ("300000", "0", "150000.00"),
        ("1000000", "0", "500000.00"),
        ("1000000.02", "0", "500000.00"),
        ("300000", "400000", "100000.00"),
    ],
)
def test_a_per_product_yearly_cap_counts_the_same_products_awards(interest, earlier, expected):
    params = {"rate": "0.50", "cap_per_product_year": "500000"}
    context = Context(earlier_this_item=D(earlier))
    assert amount("interest_subsidy", params, context, interest_paid=interest, project="A") == D(expected)


# --- per_head_tiers and count_tiers -----------------------------------------------------------------------------


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


# --- per_head_flat ---------------------------------------------------------------------------------------------


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


# --- contribution_by_headcount_change ---------------------------------------------------------------------------


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


# --- formula_refund, fixed_by_level, spending_tiers ---------------------------------------------------------------


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


# --- rent, area, growth, discretionary, matching, fixed, fee --------------------------------------------------------


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


@pytest.mark.parametrize(
    ("kind", "params", "values", "expected"),
    [
        ("matching_ratio", {"ratio": "0.5", "of": "市级支持资金"}, {"city_amount": "300000"}, "150000"),
        ("matching_ratio", {"ratio": "0.2", "of": "市级资金", "cap": "1000"}, {"city_amount": "10000"}, "1000"),
        ("fixed_amount", {"amount": "50000"}, {}, "50000"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "min_count": 20}, {"count": "19"}, "0"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "min_count": 20}, {"count": "20"}, "100000"),
        ("fixed_amount", {"amount": "5000", "per": "笔", "cap_per_entity": "200000"}, {"count": "41"}, "200000"),
        ("fee_waiver", {"fee": "占道费", "rate": "1"}, {"fee_amount": "1234.56"}, "1234.56"),
        ("fee_waiver", {"fee": "担保费", "rate": "0.5"}, {"fee_amount": "0.05"}, "0.03"),
    ],
)
def test_simple_kinds(kind, params, values, expected):
    assert amount(kind, params, **values) == D(expected)


def test_reviewer_sets_states_no_amount_and_quotes_the_words():
    result = estimate("reviewer_sets", {"description": "奖励支持"}, {}, quote="给予奖励支持")
    assert (result.amount, result.discretionary, result.ceiling) == (D("0"), True, None)
    assert result.steps[0].label == "文件未规定金额或计算方法，由牵头部门核定"
    assert result.steps[0].quote == "给予奖励支持"


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


# --- inputs ---------------------------------------------------------------------------------------------------------


def test_parse_inputs_names_every_bad_or_missing_field():
    with pytest.raises(RuleInputError) as error:
        parse_inputs(
            "interest_subsidy", LOAN, {"loan_amount": "-1", "loan_term_months": "1.5", "issued_on": "2020-13-01"}
        )
    assert error.value.errors == {
        "loan_amount": "贷款金额必须是不小于0的金额",
        "loan_term_months": "贷款期限必须是不小于0的整数",
        "issued_on": "贷款发放日期必须是日期，格式为YYYY-MM-DD",
        "interest_paid": "请填写实际支付的贷款利息",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,000,000.5", D("1000000.50")), (1000, D("1000.00")), (12.5, D("12.50")), (D("3"), D("3.00"))],
)
def test_money_is_read_from_strings_and_numbers(raw, expected):
    assert parse_inputs("percent_of_base", RENT_REWARD, {"base": raw}) == {"base": expected}


@pytest.mark.parametrize("raw", ["abc", "1.001", "-0.01", "NaN", True])
def test_money_that_is_not_an_amount_is_refused(raw):
    with pytest.raises(RuleInputError) as error:
        parse_inputs("percent_of_base", RENT_REWARD, {"base": raw})
    assert list(error.value.errors) == ["base"]


def test_choices_accept_the_value_or_its_label():
    params = {"months": ["2020-03"], "rate": "1", "office_rate": "0.5"}
    assert parse_inputs("rent_months_waived", params, {"monthly_rent": "1", "use": "办公用房"})["use"] == "office"


def test_dates_are_typed():
    values = parse_inputs("interest_subsidy", LOAN, GOOD_LOAN)
    assert values["issued_on"] == datetime.date(2020, 3, 1)


# --- parameters -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("no_such_kind", {}, "未知的计算规则类型“no_such_kind”"),
        ("percent_of_base", {"base": "x"}, "缺少参数“rate”（比例）或“rate_max”（最高比例）"),
        ("percent_of_base", {"rate": "0.3"}, "缺少参数“base”"),
        ("percent_of_base", {"base": "x", "rate": "0.3", "ratee": "1"}, "未知参数“ratee”"),
        ("percent_of_base", {"base": "x", "rate": "1.3"}, "必须在0到1之间"),
        ("percent_of_base", {"base": "x", "rate": "0.3", "cap_per_item": "-1"}, "不能为负数"),
        ("percent_of_base", {"base": "x", "rate": 0.3}, "必须是数字，写成字符串"),
        ("percent_of_base", {"base": "x", "rate_min": "0.5", "rate_max": "0.3"}, "不能大于“rate_max”"),
        ("per_head_flat", {"amount": "100", "amount_min": "200", "unit": "person"}, "不能大于“amount”"),
        ("per_head_flat", {"amount": "100", "unit": "hour"}, "必须是以下之一"),
        ("fixed_amount", {"amount": "100.001"}, "最多两位小数"),
        ("per_head_tiers", {"tiers": []}, "缺少参数“tiers”"),
        ("per_head_tiers", {"tiers": "5人"}, "必须是不为空的列表"),
        ("per_head_tiers", {"tiers": [{"min_count": 10, "amount": "1"}, {"min_count": 5, "amount": "2"}]}, "从小到大"),
        ("per_head_tiers", {"tiers": [{"min_count": 5, "amount": "-1"}]}, "不能为负数"),
        ("spending_tiers", {"bands": [{"min": "0", "max": "100", "rate": "0.1"}, {"min": "50", "cap": "1"}]}, "重叠"),
        ("spending_tiers", {"bands": [{"min": "0", "rate": "0.1"}, {"min": "50", "cap": "1"}]}, "只能是最后一档"),
        ("spending_tiers", {"bands": [{"min": "100", "max": "50", "rate": "0.1"}]}, "必须小于上限"),
        ("spending_tiers", {"bands": [{"min": "0"}]}, "必须给出 rate（比例）或 cap（上限）"),
        ("contribution_by_headcount_change", {"months": 3, "rates": [{"min_growth": "0.2", "rate": "2"}]}, "0到1"),
        ("interest_subsidy", {"rate": "0.3", "issued_from": "2020-06-01", "issued_to": "2020-02-01"}, "不能晚于"),
        ("fixed_by_level", {"levels": [{"level": "a", "label": "A"}]}, "缺少“amount”"),
        ("rent_months_waived", {"months": ["2020-3"], "rate": "1"}, "月份列表"),
        ("discretionary_ceiling", {"per": "year"}, "缺少参数“ceiling”"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(kind, params, message):
    problems = validate_params(kind, params)
    assert any(message in problem for problem in problems), problems


def test_every_kind_has_a_chinese_label_and_parameter_labels():
    assert all(kind.label and all(p.label for p in kind.params.values()) for kind in rules.KINDS.values())


def test_an_estimate_with_bad_parameters_is_refused():
    with pytest.raises(ValueError, match="必须在0到1之间"):
        estimate("percent_of_base", {"base": "x", "rate": "30"}, {"base": "1"})


def test_money_is_formatted_with_thousands_and_fen():
    assert rules.yuan(D("1000000")) == "1,000,000.00 元"
    assert rules.quantize_yuan(D("2.675")) == D("2.68")
