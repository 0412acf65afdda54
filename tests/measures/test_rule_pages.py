"""The measure page of a clause with several money rules: each rule and its words, the reading chosen where the
clause leaves one open, and an estimate naming the version of the rules."""

import pytest
from django.urls import reverse

from measures.models import Measure

pytestmark = pytest.mark.django_db


def page(client, doc_key, key, **query):
    target = Measure.objects.get(document__key=doc_key, key=key)
    response = client.get(reverse("measures:measure", args=[target.pk]), query)
    assert response.status_code == 200
    return target, response


def test_the_page_lists_each_rule_and_says_how_the_reading_was_chosen(client, policy_data):
    _target, response = page(client, "chaoyang-2020-8", "1")
    html = response.content.decode()
    assert "本条规定了3项资金支持，按申请的一项测算。" in html
    assert "公用人防工程用于办公、仓储自用：2月至4月使用费减半" in html
    assert "本平台的理解" in html and "不再另免3月、4月" in html


def test_a_chosen_rule_is_estimated_with_its_own_inputs_and_the_rules_version(client, policy_data):
    target, response = page(
        client,
        "chaoyang-2020-8",
        "1",
        estimate="1",
        rule="civil_defence_office",
        civil_defence_office__monthly_rent="8000",
    )
    assert response.context["estimate"].amount == 12000
    html = response.content.decode()
    assert f"计算规则版本 {target.ruleset.version}" in html
    assert "使用费减半" in html


def test_a_one_rule_measure_reads_as_before(client, policy_data):
    _target, response = page(client, "chaoyang-2020-8", "2", estimate="1", base="5000000")
    html = response.content.decode()
    assert response.context["estimate"].amount == 1000000
    assert "本条规定了" not in html and "本平台的理解" not in html
