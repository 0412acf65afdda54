"""A measure's rules (measures.rules.ruleset): several rules of one clause, each computed and explained, combined by
sum or by the applicant's choice; which earlier awards a cap per enterprise counts (cap_period); awards paid once;
晋级补差 against the amount on record; the version every estimate carries."""

from decimal import Decimal

import pytest

from measures.rules import Award, Context, Rule, RuleInputError, RuleSet, check_cap_period, estimate
from tests.measures.rules.examples import LEVELS, RENT_REWARD

D = Decimal

# 朝政办发〔2020〕8号 16.: 一次性培训补贴 1000元/人, 稳岗培训补贴 500元—3000元/人, 临时性岗位补贴 1540元/人
TRAINING = RuleSet(
    (
        Rule(
            "per_head_flat",
            {"amount": "1000", "unit": "person"},
            "一次性培训补贴",
            label="一次性培训补贴",
            cap_period="once",
        ),
        Rule(
            "per_head_flat",
            {"amount_min": "500", "amount": "3000", "unit": "person"},
            key="stable_training",
            label="稳岗培训补贴",
            cap_period="none",
        ),
        Rule(
            "per_head_flat", {"amount": "1540", "unit": "person"}, key="post", label="临时性岗位补贴", cap_period="none"
        ),
    ),
    "sum",
)
# 朝政办发〔2020〕8号 1.: 人防工程使用费 waived March-April, or halved February-April for offices and storage
CIVIL_DEFENCE = RuleSet(
    (
        Rule(
            "rent_months_waived", {"months": ["2020-03", "2020-04"], "rate": "1"}, label="生产经营", cap_period="none"
        ),
        Rule(
            "rent_months_waived",
            {"months": ["2020-02", "2020-03", "2020-04"], "rate": "0.5"},
            key="office",
            label="办公、仓储自用",
            cap_period="none",
        ),
    ),
    "choice",
    "人防工程的用途",
)


def test_several_rules_of_one_clause_are_each_computed_and_added():
    result = TRAINING.estimate({"persons": "10", "stable_training__persons": "4", "post__persons": "4"})
    assert result.amount == D("28160.00")  # 10 × 1000 + 4 × 3000 + 4 × 1540
    assert [(part.key, part.amount) for part in result.parts] == [
        ("main", D("10000.00")),
        ("stable_training", D("12000.00")),
        ("post", D("6160.00")),
    ]
    labels = [step.label for step in result.steps]
    assert labels[0] == "（1）一次性培训补贴" and "（2）稳岗培训补贴" in labels and "临时性岗位补贴小计" in labels
    assert next(s for s in result.steps if s.label == "各项合计").detail.endswith("= 28,160.00 元")


def test_a_further_rules_inputs_are_named_after_it_and_labelled_with_it():
    inputs = {spec.name: spec.label for spec in TRAINING.rule_inputs()}
    assert inputs["persons"] == "一次性培训补贴：人数"
    assert inputs["stable_training__persons"] == "稳岗培训补贴：人数"


def test_a_further_rule_left_empty_is_not_computed_and_the_steps_say_so():
    result = TRAINING.estimate({"persons": "10", "post__persons": " "})
    assert result.amount == D("10000.00")
    assert [part.key for part in result.parts] == ["main"]
    assert (
        next(s for s in result.steps if s.label == "未申请的项目").detail
        == "稳岗培训补贴、临时性岗位补贴：未填写，不计算"
    )
    assert [spec.required for spec in TRAINING.rule_inputs()] == [True, False, False]


def test_a_bad_input_of_a_further_rule_is_named_by_its_own_name():
    with pytest.raises(RuleInputError) as error:
        TRAINING.estimate({"persons": "1", "stable_training__persons": "x", "post__persons": "1"})
    assert set(error.value.errors) == {"stable_training__persons"}


def test_a_choice_computes_only_the_rule_chosen():
    result = CIVIL_DEFENCE.estimate({"rule": "office", "office__monthly_rent": "10000"})
    assert result.amount == D("15000.00")  # 3 months halved
    assert [part.key for part in result.parts] == ["office"]
    assert result.steps[0].label == "（1）办公、仓储自用"


def test_a_choice_must_be_made_and_asks_only_for_the_chosen_rules_inputs():
    with pytest.raises(RuleInputError) as error:
        CIVIL_DEFENCE.estimate({"monthly_rent": "10000"})
    assert set(error.value.errors) == {"rule"}
    assert CIVIL_DEFENCE.estimate({"rule": "main", "monthly_rent": "10000"}).amount == D("20000.00")
    assert [spec.required for spec in CIVIL_DEFENCE.rule_inputs()] == [True, False, False]


def test_the_version_changes_with_the_parameters_not_with_the_words_shown():
    relabelled = RuleSet((Rule("percent_of_base", RENT_REWARD, "另一段原文", label="另一个名称", cap_period="ever"),))
    same = RuleSet((Rule("percent_of_base", RENT_REWARD, cap_period="ever"),))
    changed = RuleSet((Rule("percent_of_base", {**RENT_REWARD, "rate": "0.50"}, cap_period="ever"),))
    assert relabelled.version == same.version != changed.version
    assert same.estimate({"base": "100"}).version == same.version
    assert TRAINING.record(TRAINING.estimate({"persons": "1", "stable_training__persons": "0", "post__persons": "0"}))[
        "rules"
    ][0] | {"params": None} == {
        "key": "main",
        "label": "一次性培训补贴",
        "kind": "per_head_flat",
        "params": None,
        "quote": "一次性培训补贴",
        "cap_period": "once",
        "version": TRAINING.main.version,
        "amount": "1000.00",
    }


# --- cap periods ---------------------------------------------------------------------------------------------------


def _landlord(period):
    return RuleSet((Rule("percent_of_base", RENT_REWARD, cap_period=period),))


def test_a_cap_per_unit_without_a_year_counts_earlier_years_awards():
    # 每个单位不超过100万元: 80万 awarded last year leaves 20万
    context = Context(earlier_this_year=D("0"), earlier_ever=D("800000"))
    result = _landlord("ever").estimate({"base": "5000000"}, context=context)
    assert result.amount == D("200000.00")
    assert any("此前各年度本措施累计已获 800,000.00 元" in step.detail for step in result.steps)


def test_a_yearly_cap_counts_only_this_years_awards():
    params = {"base": "x", "rate": "0.5", "cap_per_entity_year": "500000"}
    context = Context(earlier_this_year=D("100000"), earlier_ever=D("900000"))
    result = RuleSet((Rule("percent_of_base", params, cap_period="year"),)).estimate(
        {"base": "2000000"}, context=context
    )
    assert result.amount == D("400000.00")


def test_a_cap_per_unit_read_as_yearly_counts_this_years_awards():
    context = Context(earlier_this_year=D("300000"), earlier_ever=D("900000"))
    assert _landlord("year").estimate({"base": "5000000"}, context=context).amount == D("700000.00")


def test_an_award_paid_once_gives_nothing_the_second_time_and_says_when_it_was_paid():
    rules = RuleSet((Rule("fixed_amount", {"amount": "50000"}, "一次性奖励", cap_period="once"),))
    assert rules.estimate({}).amount == D("50000.00")
    context = Context(earlier_ever=D("50000"), earlier_awards=(Award("SQ2024000001", 2024, D("50000")),))
    result = rules.estimate({}, context=context)
    assert result.amount == D("0.00")
    step = result.steps[0]
    assert step.label == "每家企业只给予一次：已获得，不再给予"
    assert "50,000.00 元（申请编号 SQ2024000001，2024年）" in step.detail


def test_an_award_per_level_paid_once_is_paid_again_for_another_level():
    params = {"levels": [item for item in LEVELS["levels"] if item["level"] != "innovative"]}
    rules = RuleSet((Rule("fixed_by_level", params, cap_period="once"),))
    context = Context(earlier_ever=D("300000"), earlier_awards=(Award("SQ1", 2024, D("300000"), "municipal"),))
    assert rules.estimate({"level": "national"}, context=context).amount == D("1200000.00")
    assert rules.estimate({"level": "municipal"}, context=context).amount == D("0.00")


def test_a_once_only_part_of_a_sum_is_zero_while_the_others_are_paid():
    context = Context(earlier_ever=D("10000"), earlier_awards=(Award("SQ1", 2025, D("10000")),))
    result = TRAINING.estimate(
        {"persons": "10", "stable_training__persons": "1", "post__persons": "1"}, context=context
    )
    assert [part.amount for part in result.parts] == [D("0"), D("3000.00"), D("1540.00")]


def test_a_further_rule_counts_its_own_earlier_awards():
    rules = RuleSet(
        (
            Rule("percent_of_base", {"base": "租金", "rate": "1"}, label="房租", cap_period="none"),
            Rule(
                "percent_of_base",
                {"base": "担保费", "rate": "0.5", "cap_per_entity": "100000"},
                key="fee",
                label="担保费",
                cap_period="ever",
            ),
        ),
        "choice",
    )
    context = Context(earlier_ever=D("999999"), by_rule={"fee": Context(earlier_ever=D("70000"))})
    result = rules.estimate({"rule": "fee", "fee__base": "200000"}, context=context)
    assert result.amount == D("30000.00")


@pytest.mark.parametrize(
    ("kind", "params", "period", "fails"),
    [
        ("percent_of_base", RENT_REWARD, "ever", False),
        ("percent_of_base", RENT_REWARD, "none", True),
        ("percent_of_base", RENT_REWARD, "monthly", True),
        ("percent_of_base", {"base": "x", "rate": "1", "cap_per_entity_year": "1"}, "ever", True),
        ("percent_of_base", {"base": "x", "rate": "1"}, "ever", True),
        ("percent_of_base", {"base": "x", "rate": "1"}, "none", False),
        ("fixed_by_level", LEVELS, "none", True),
        ("fixed_by_level", LEVELS, "once", False),
        ("discretionary_ceiling", {"ceiling": "1", "per": "year"}, "year", False),
    ],
)
def test_the_cap_period_must_agree_with_the_caps_the_rule_states(kind, params, period, fails):
    assert bool(check_cap_period(kind, params, period)) is fails


# --- 晋级补差 against the record ------------------------------------------------------------------------------------


def test_an_upgrade_pays_the_difference_to_what_was_actually_awarded():
    # 市级 awarded 25万 (the reviewer's amount, under the 30万 maximum): the top-up to 小巨人 is 95万, not 90万
    context = Context(
        held_level="municipal", held_amount=D("250000"), earlier_awards=(Award("SQ2023000007", 2023, D("250000")),)
    )
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=context)
    assert result.amount == D("950000.00")
    step = next(s for s in result.steps if s.label == "晋级补差")
    assert "已获市级奖励 250,000.00 元（申请编号 SQ2023000007，2023年 250,000.00 元）" in step.detail


def test_an_upgrade_without_a_record_takes_the_lower_levels_amount_and_says_so():
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=Context(held_level="municipal"))
    assert result.amount == D("900000.00")
    assert "未找到获奖记录" in next(s for s in result.steps if s.label == "晋级补差").detail


def test_the_annual_ceiling_step_names_the_documents_it_counts():
    context = Context(
        annual_ceiling=D("100000"),
        awarded_this_year_total=D("40000"),
        annual_ceiling_covers="《若干措施》项下的资金支持",
    )
    result = estimate("fixed_by_level", LEVELS, {"level": "national"}, context=context)
    assert result.amount == D("60000.00")
    step = next(s for s in result.steps if s.label == "每年资金支持上限")
    assert "本年度已获资金支持（计入《若干措施》项下的资金支持） 40,000.00 元" in step.detail
