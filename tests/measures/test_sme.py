"""SME size under 工信部联企业〔2011〕300号: the JSON endpoint, the classifier and the self-test page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from measures.sme import classify, figures_needed

# Copied from the standard (see DOMAIN.md), not imported, so that a wrong table in measures/sme.py fails here.
# Per industry: the lower bounds ("及以上") of the large, medium and small tiers.
STANDARD = {
    "农、林、牧、渔业": {"large": {"revenue": 20000}, "medium": {"revenue": 500}, "small": {"revenue": 50}},
    "工业": {
        "large": {"employees": 1000, "revenue": 40000},
        "medium": {"employees": 300, "revenue": 2000},
        "small": {"employees": 20, "revenue": 300},
    },
    "建筑业": {
        "large": {"revenue": 80000, "assets": 80000},
        "medium": {"revenue": 6000, "assets": 5000},
        "small": {"revenue": 300, "assets": 300},
    },
    "批发业": {
        "large": {"employees": 200, "revenue": 40000},
        "medium": {"employees": 20, "revenue": 5000},
        "small": {"employees": 5, "revenue": 1000},
    },
    "零售业": {
        "large": {"employees": 300, "revenue": 20000},
        "medium": {"employees": 50, "revenue": 500},
        "small": {"employees": 10, "revenue": 100},
    },
    "交通运输业": {
        "large": {"employees": 1000, "revenue": 30000},
        "medium": {"employees": 300, "revenue": 3000},
        "small": {"employees": 20, "revenue": 200},
    },
    "仓储业": {
        "large": {"employees": 200, "revenue": 30000},
        "medium": {"employees": 100, "revenue": 1000},
        "small": {"employees": 20, "revenue": 100},
    },
    "邮政业": {
        "large": {"employees": 1000, "revenue": 30000},
        "medium": {"employees": 300, "revenue": 2000},
        "small": {"employees": 20, "revenue": 100},
    },
    "住宿业": {
        "large": {"employees": 300, "revenue": 10000},
        "medium": {"employees": 100, "revenue": 2000},
        "small": {"employees": 10, "revenue": 100},
    },
    "餐饮业": {
        "large": {"employees": 300, "revenue": 10000},
        "medium": {"employees": 100, "revenue": 2000},
        "small": {"employees": 10, "revenue": 100},
    },
    "信息传输业": {
        "large": {"employees": 2000, "revenue": 100000},
        "medium": {"employees": 100, "revenue": 1000},
        "small": {"employees": 10, "revenue": 100},
    },
    "软件和信息技术服务业": {
        "large": {"employees": 300, "revenue": 10000},
        "medium": {"employees": 100, "revenue": 1000},
        "small": {"employees": 10, "revenue": 50},
    },
    "房地产开发经营": {
        "large": {"revenue": 200000, "assets": 10000},
        "medium": {"revenue": 1000, "assets": 5000},
        "small": {"revenue": 100, "assets": 2000},
    },
    "物业管理": {
        "large": {"employees": 1000, "revenue": 5000},
        "medium": {"employees": 300, "revenue": 1000},
        "small": {"employees": 100, "revenue": 500},
    },
    "租赁和商务服务业": {
        "large": {"employees": 300, "assets": 120000},
        "medium": {"employees": 100, "assets": 8000},
        "small": {"employees": 10, "assets": 100},
    },
    "其他未列明行业": {"large": {"employees": 300}, "medium": {"employees": 100}, "small": {"employees": 10}},
}
ONE_BELOW = {"employees": 1, "revenue": Decimal("0.01"), "assets": Decimal("0.01")}
NEXT_TIER_DOWN = {"large": "medium", "medium": "small", "small": "micro"}

AT_BOUNDS = [(industry, tier, bounds) for industry, tiers in STANDARD.items() for tier, bounds in tiers.items()]
BELOW_ONE_BOUND = [
    pytest.param(industry, tier, {**bounds, figure: bound - ONE_BELOW[figure]}, id=f"{industry}-{tier}-{figure}")
    for industry, tier, bounds in AT_BOUNDS
    for figure, bound in bounds.items()
]


def classify_api(client, **params):
    return client.get(reverse("sme:classify"), params)


def test_it_covers_all_sixteen_industries_of_the_standard():
    assert len(STANDARD) == 16
    assert len(BELOW_ONE_BOUND) == 90


@pytest.mark.parametrize(("industry", "tier", "figures"), AT_BOUNDS, ids=[f"{i}-{t}" for i, t, _ in AT_BOUNDS])
def test_it_counts_a_figure_exactly_at_the_bound_as_meeting_it(client, industry, tier, figures):
    response = classify_api(client, industry=industry, **figures)
    assert response.status_code == 200
    assert response.json()["size"] == tier


@pytest.mark.parametrize(("industry", "tier", "figures"), BELOW_ONE_BOUND)
def test_it_drops_a_tier_when_one_figure_is_one_unit_below_its_bound(client, industry, tier, figures):
    response = classify_api(client, industry=industry, **figures)
    assert response.status_code == 200
    assert response.json()["size"] == NEXT_TIER_DOWN[tier]


@pytest.mark.parametrize(
    ("industry", "figures", "size"),
    [
        ("工业", {"employees": 1000, "revenue": 1999}, "small"),
        ("工业", {"employees": 5000, "revenue": 299}, "micro"),
        ("批发业", {"employees": 4, "revenue": 90000}, "micro"),
        ("建筑业", {"revenue": 100000, "assets": 5000}, "medium"),
        ("租赁和商务服务业", {"employees": 10000, "assets": 99}, "micro"),
    ],
)
def test_it_needs_every_bound_of_a_tier_or_drops_a_tier(client, industry, figures, size):
    assert classify_api(client, industry=industry, **figures).json()["size"] == size


@pytest.mark.parametrize(("industry", "tiers"), STANDARD.items())
def test_it_calls_an_enterprise_below_every_small_bound_micro(client, industry, tiers):
    figures = {figure: 0 for figure in tiers["small"]}
    assert classify_api(client, industry=industry, **figures).json()["size"] == "micro"


def test_it_explains_each_tier_it_tested_and_cites_the_standard(client):
    data = classify_api(client, industry="工业", employees=350, revenue=1800).json()
    assert (
        "从业人员 350 人 ≥ 300 人，营业收入 1800 万元 < 2000 万元，未同时满足中型企业下限，下划一档"
        in data["explanation"]
    )
    assert "结论：小型企业。" in data["explanation"]
    assert data["explanation"].endswith("工信部联企业〔2011〕300号）。")


def test_it_echoes_the_industry_and_the_figures_it_used(client):
    data = classify_api(client, industry="建筑业", revenue="6000.50", assets=5000, employees=3).json()
    assert data["industry"] == "建筑业"
    assert data["figures"] == {"revenue": "6000.5", "assets": "5000"}


@pytest.mark.parametrize(
    ("industry", "needed"),
    [
        ("农、林、牧、渔业", ("revenue",)),
        ("工业", ("employees", "revenue")),
        ("建筑业", ("revenue", "assets")),
        ("租赁和商务服务业", ("employees", "assets")),
        ("其他未列明行业", ("employees",)),
    ],
)
def test_it_asks_only_for_the_figures_of_the_industry_row(client, industry, needed):
    assert figures_needed(industry) == needed
    response = classify_api(client, industry=industry, **dict.fromkeys(needed, 1000))
    assert response.status_code == 200


def test_it_names_the_missing_figure_instead_of_guessing_a_size():
    result = classify(industry="建筑业", employees=None, revenue=Decimal(500), assets=None)
    assert result.size is None
    assert result.missing == ("assets",)
    assert "缺少资产总额" in result.explanation


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"industry": "工业", "revenue": "2000"}, "employees"),
        ({"industry": "工业", "employees": "", "revenue": "2000"}, "employees"),
        ({"industry": "工业", "employees": "-1", "revenue": "2000"}, "employees"),
        ({"industry": "工业", "employees": "三百", "revenue": "2000"}, "employees"),
        ({"industry": "工业", "employees": "300.5", "revenue": "2000"}, "employees"),
        ({"industry": "工业", "employees": "300"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "-0.01"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "abc"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "NaN"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "Infinity"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "1e999"}, "revenue"),
        ({"industry": "工业", "employees": "300", "revenue": "0.001"}, "revenue"),
        ({"industry": "建筑业", "revenue": "300", "assets": "-inf"}, "assets"),
        ({"industry": "农、林、牧、渔业", "revenue": "600", "employees": "many"}, "employees"),
        ({"industry": "钢铁业", "employees": "300", "revenue": "2000"}, "industry"),
        ({"employees": "300", "revenue": "2000"}, "industry"),
    ],
)
def test_it_rejects_a_bad_parameter_with_400_naming_it(client, params, field):
    response = client.get(reverse("sme:classify"), params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert field in response.json()["error"]


def test_it_lists_nothing_but_the_message_for_an_unknown_industry(client):
    response = classify_api(client, industry="<script>", employees=1, revenue=1)
    assert response.json() == {
        "error": "参数 industry：行业须为工信部联企业〔2011〕300号所列的行业之一。",
        "field": "industry",
    }


@pytest.mark.parametrize(
    "query",
    [
        "",
        "industry",
        "industry=工业&employees=9" + "9" * 5000,
        "industry=工业&employees=%00&revenue=%ff",
        "industry=%ff",
    ],
)
def test_it_never_fails_with_a_server_error(client, query):
    response = client.get(reverse("sme:classify") + "?" + query)
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_answers_only_get(client, method):
    response = getattr(client, method)(reverse("sme:classify") + "?industry=工业&employees=300&revenue=2000")
    assert response.status_code == 405


def test_it_shows_the_size_the_reasons_and_the_thresholds_on_the_self_test_page(client):
    response = client.get(reverse("sme:self_test"), {"industry": "工业", "employees": 350, "revenue": 1800})
    html = response.content.decode()
    assert response.context["result"].size == "small"
    assert "小型企业" in html and "未同时满足中型企业下限" in html
    assert "≥ 40000" in html and "≥ 2000" in html


def test_it_keeps_the_typed_values_and_explains_errors_on_the_self_test_page(client):
    response = client.get(reverse("sme:self_test"), {"industry": "工业", "employees": "-5", "revenue": "abc"})
    html = response.content.decode()
    assert response.context["result"] is None
    assert 'value="-5"' in html and 'value="abc"' in html
    assert "从业人员须为不小于 0 的整数。" in html and "营业收入须为不小于 0 的数字。" in html


def test_it_shows_an_empty_self_test_form_without_errors(client):
    response = client.get(reverse("sme:self_test"))
    assert response.status_code == 200
    assert "中小企业规模类型自测" in response.content.decode()
    assert not response.context["form"].errors
