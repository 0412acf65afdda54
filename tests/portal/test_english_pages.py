"""The English pages: district names, plurals, the portal's own colons, the estimate's words and lead labels."""

import re

import pytest
from django.urls import reverse

from measures.estimation import has_rule
from measures.models import Measure

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_home_page_names_districts_and_counts_in_english(en, policy_data):
    html = en.get(reverse("measures:home")).content.decode()
    cards = text(html.split("row-cols-md-4", 1)[1].split("</h2>", 1)[0])
    assert "Beijing (city level)" in cards and "Chaoyang" in cards and not CJK.search(cards)
    assert "1 document ·" in cards and "1 documents" not in cards
    assert "<title>Beijing SME Support Policy Portal</title>" in html


def test_english_text_has_no_full_width_colons_of_the_portals_own(en, policy_data):
    measure = Measure.objects.exclude(procedure="").order_by("pk").first()
    html = text(en.get(measure.get_absolute_url()).content.decode())
    assert "Procedure: " in html
    assert not re.search(r"[A-Za-z)]：", html)


def test_a_lead_label_of_the_document_is_translated(en, policy_data):
    measure = Measure.objects.filter(lead_label="主责部门").first()
    html = en.get(measure.get_absolute_url()).content.decode()
    assert "Responsible departments" in html and "主责部门" not in html


def test_the_estimate_asks_and_explains_in_english(en, policy_data):
    measure = next(
        m
        for m in Measure.objects.filter(monetary=True, document__district__slug="dongcheng").order_by("pk")
        if has_rule(m) and m.ruleset.rule_inputs() and m.ruleset.rule_inputs()[0].label == "人数"
    )
    html = en.get(measure.get_absolute_url(), {"estimate": "1", "persons": "12"}).content.decode()
    assert "Number of persons (persons)" in html
    steps = html.split('id="estimate-amount"', 1)[1].split("</table>", 1)[0]
    steps = text(re.sub(r'<div class="text-muted" lang="zh-Hans">.*?</div>', "", steps))  # the document's words
    assert "per person" in steps and "12 persons ×" in steps and "yuan" in steps and "元" not in steps


def test_the_matching_page_lists_the_conditions_met_with_english_semicolons(en, policy_data):
    from tests.factories import chaoyang_software_owner

    en.force_login(chaoyang_software_owner())
    html = en.get(reverse("measures:matching")).content.decode()
    met = re.findall(r'<p class="small text-success mb-1">(.*?)</p>', html)
    to_confirm = re.findall(r'<p class="small text-muted mb-0">To confirm when applying: (.*?)</p>', html)
    assert met and all("；" not in line for line in met)
    assert any("Met: District of registration: Chaoyang; " in line for line in met)
    assert any("; " in line for line in to_confirm) and all("；" not in line for line in to_confirm)
