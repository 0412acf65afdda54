"""The table of kinds and its doors (measures.rules.registry): bad parameters refused with a message, every kind
labelled in Chinese."""

import pytest

from measures import rules
from measures.rules import estimate, validate_params


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
