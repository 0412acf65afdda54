"""A cap per project or product counts what the same project or product already received (rules.item_input).

门政发〔2020〕25号（九）: 每家企业单一信贷产品年度利息补贴不超过50万元. Before, the estimate could not tell one loan
product from another, so an enterprise's earlier subsidy for the same product was never taken off the cap.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import rules
from measures.models import District, Measure
from tests.factories import ApplicationFactory, chaoyang_software_owner

pytestmark = pytest.mark.django_db

INTEREST = ("mentougou-2020-25", "9-p3")


@pytest.fixture
def measure(policy_data):
    return Measure.objects.get(document__key=INTEREST[0], key=INTEREST[1])


@pytest.fixture
def firm(policy_data):
    mentougou = District.objects.get(name="门头沟区")
    return chaoyang_software_owner(
        registered_district=mentougou, tax_district=mentougou, stats_district=mentougou
    ).enterprise.owner


def award(owner, measure, product, amount, *, submitted_at=None, status="approved"):
    return ApplicationFactory(
        created_by=owner,
        measure=measure,
        status=status,
        inputs={"interest_paid": str(amount * 2), "project": product},
        proposed_amount=amount,
        approved_amount=amount,
        submitted_at=submitted_at or timezone.now(),
    )


def estimate_page(client, measure, **typed):
    response = client.get(reverse("measures:measure", args=[measure.pk]), {"estimate": "1", **typed})
    assert response.status_code == 200
    return response


def test_the_estimator_asks_which_loan_product_the_interest_was_paid_on(client, measure):
    page = estimate_page(client, measure, interest_paid="800000")
    assert page.context["estimate"] is None
    assert "信贷产品名称" in page.content.decode()
    assert page.context["estimate_form"].errors["project"]

    answer = client.post(
        f"/api/measures/{measure.pk}/estimate",
        json.dumps({"inputs": {"interest_paid": "800000"}}),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["inputs.project"] == "请填写信贷产品名称"


def test_this_years_subsidy_for_the_same_product_is_taken_off_its_cap(client, measure, firm):
    award(firm, measure, "科创 贷", Decimal("300000.00"))
    client.force_login(firm)
    page = estimate_page(client, measure, interest_paid="800000", project="  科创   贷 ")
    assert page.context["estimate"].amount == Decimal("200000.00")
    html = page.content.decode()
    assert "同一项目（产品）已获 300,000.00 元" in html
    assert "400,000.00 元 超过剩余额度，按 200,000.00 元 计" in html


def test_another_product_or_last_years_subsidy_leaves_the_cap_whole(client, measure, firm):
    last_year = timezone.now() - datetime.timedelta(days=400)
    award(firm, measure, "科创贷", Decimal("500000.00"), submitted_at=last_year, status="closed")
    award(firm, measure, "知识产权质押贷", Decimal("450000.00"))
    client.force_login(firm)
    page = estimate_page(client, measure, interest_paid="800000", project="科创贷")
    assert page.context["estimate"].amount == Decimal("400000.00")
    assert "已获" not in "".join(step.detail for step in page.context["estimate"].steps)


def test_another_enterprises_subsidy_for_a_product_of_the_same_name_does_not_count(client, measure, firm):
    award(chaoyang_software_owner(), measure, "科创贷", Decimal("500000.00"))
    client.force_login(firm)
    page = estimate_page(client, measure, interest_paid="800000", project="科创贷")
    assert page.context["estimate"].amount == Decimal("400000.00")


def test_a_used_up_project_cap_leaves_nothing_and_says_why(policy_data):
    # 东城区's risk compensation (最高代偿金额不超过300万元) or 西城区's guarantee compensation (单个项目不超过900万元).
    measures = Measure.objects.filter(rule_kind="percent_of_base", rule_params__has_key="cap_per_project")
    measure = measures.order_by("pk").first()
    params = measure.rule_params
    context = rules.Context(earlier_this_item=Decimal(params["cap_per_project"]))
    result = rules.estimate(measure.rule_kind, params, {"base": "1000000", "project": "A贷款项目"}, context=context)
    assert result.amount == Decimal("0.00")
    assert any("同一项目（产品）已获" in step.detail for step in result.steps)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "请填写项目名称"),
        ("   ", "请填写项目名称"),
        (["A"], "项目名称必须是文字"),
        ("项" * 101, "项目名称最多100个字"),
    ],
)
def test_a_project_name_that_is_missing_or_not_text_is_refused_in_chinese(raw, message):
    params = {"ceiling": "5000000", "per": "project"}
    with pytest.raises(rules.RuleInputError) as error:
        rules.parse_inputs("discretionary_ceiling", params, {"project": raw})
    assert error.value.errors == {"project": message}


def test_measures_capped_per_entity_do_not_ask_for_a_project():
    params = {"ceiling": "1000000", "per": "entity"}
    assert [spec.name for spec in rules.rule_inputs("discretionary_ceiling", params)] == []
