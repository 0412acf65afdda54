import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from measures.models import Measure

pytestmark = pytest.mark.django_db

# 朝政办发〔2020〕8号（二）: 按减免金额的30%给予奖励，给予每个单位不超过100万元奖励
LANDLORD = ("chaoyang-2020-8", "2")
# 门政发〔2020〕25号（九）: 贴息比例……提高到50%，每家企业单一信贷产品年度利息补贴不超过50万元
INTEREST = ("mentougou-2020-25", "9-p3")


def measure(key):
    return Measure.objects.get(document__key=key[0], key=key[1])


def post_estimate(client, target, body):
    url = f"/api/measures/{target.pk}/estimate"
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_api_lists_a_documents_measures_with_the_inputs_their_rules_need(client, policy_data):
    answer = client.get("/api/measures/", {"document": "朝政办发[2020]8号"})
    assert answer.status_code == 200
    measures = answer.json()
    assert len(measures) == 18
    landlord = next(m for m in measures if m["id"] == measure(LANDLORD).pk)
    assert landlord["inputs"][0] | {"help": ""} == {
        "name": "base",
        "label": landlord["inputs"][0]["label"],
        "type": "money",
        "unit": "元",
        "required": True,
        "choices": [],
        "help": "",
    }


def test_the_api_says_when_a_document_number_is_unknown(client, policy_data):
    answer = client.get("/api/measures/", {"document": "朝政办发〔2099〕1号"})
    assert answer.status_code == 400
    assert "document" in answer.json()["errors"]


def test_estimating_the_chaoyang_landlord_reward_caps_it_at_one_million(client, policy_data):
    answer = post_estimate(client, measure(LANDLORD), {"inputs": {"base": "5000000"}})
    assert answer.status_code == 200
    body = answer.json()
    assert body["amount"] == "1000000.00"
    labels = [step["label"] for step in body["steps"]]
    assert any("上限" in label and "1,000,000.00" in label for label in labels)
    assert body["citation"].startswith("朝政办发〔2020〕8号")


def test_estimating_the_mentougou_interest_subsidy_gives_half(client, policy_data):
    answer = post_estimate(client, measure(INTEREST), {"inputs": {"interest_paid": "300000", "project": "科创贷"}})
    assert answer.json()["amount"] == "150000.00"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [({}, "inputs.base"), ({"base": "五百万"}, "inputs.base"), ({"base": "-1"}, "inputs.base")],
)
def test_the_estimate_api_names_a_bad_or_missing_input(client, policy_data, inputs, field):
    answer = post_estimate(client, measure(LANDLORD), {"inputs": inputs})
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_the_estimate_api_refuses_a_body_that_is_not_json(client, policy_data):
    url = f"/api/measures/{measure(LANDLORD).pk}/estimate"
    answer = client.post(url, data="{inputs: 5", content_type="application/json")
    assert answer.status_code == 400


def test_the_estimate_api_needs_a_signed_in_enterprise_for_its_awards(client, policy_data):
    answer = post_estimate(client, measure(LANDLORD), {"inputs": {"base": "1"}, "enterprise": True})
    assert answer.status_code == 403


def test_the_estimate_api_answers_404_for_an_unknown_measure(client, policy_data):
    answer = client.post("/api/measures/999999/estimate", data="{}", content_type="application/json")
    assert answer.status_code == 404


def test_the_openapi_description_lists_both_endpoints(client, policy_data):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/measures/", "/api/measures/{measure_id}/estimate"} <= set(schema["paths"])


def test_the_measure_page_estimates_with_each_step_and_the_clause(client, policy_data):
    url = reverse("measures:measure", args=[measure(LANDLORD).pk])
    page = client.get(url, {"estimate": "1", "base": "5000000"})
    html = page.content.decode()
    assert page.context["estimate"].amount == 1000000
    assert "1,500,000.00 元 超过上限" in html
    assert "按减免金额的30%给予奖励" in html


def test_the_measure_page_keeps_a_bad_input_and_explains_it(client, policy_data):
    url = reverse("measures:measure", args=[measure(LANDLORD).pk])
    page = client.get(url, {"estimate": "1", "base": "abc"})
    assert page.context["estimate"] is None
    assert 'value="abc"' in page.content.decode()
    assert page.context["estimate_form"].errors["base"]


def test_a_page_without_a_rule_has_no_estimator(client, policy_data):
    plain = Measure.objects.filter(monetary=False).first()
    page = client.get(reverse("measures:measure", args=[plain.pk]))
    assert "estimate_form" not in page.context


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"base": "租金", "rate": "0.30", "cap_per_entity": "-1"}, "cap_per_entity"),
        ({"base": "租金", "rate": "1.5"}, "rate"),
        ({"rate": "0.30"}, "base"),
    ],
)
def test_the_admin_refuses_rule_parameters_the_engine_cannot_use(policy_data, params, words):
    target = measure(LANDLORD)
    target.rule_params = params
    with pytest.raises(ValidationError) as error:
        target.clean()
    assert any(words in message for message in error.value.message_dict["rule_params"])


def test_the_api_documentation_page_is_served(client, policy_data):
    assert client.get("/api/docs").status_code == 200
