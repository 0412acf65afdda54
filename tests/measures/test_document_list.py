"""Documents without measures (the 38 city-level ones, the development zone's) are listed where visitors reach them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from measures.models import District, PolicyDocument

pytestmark = pytest.mark.django_db


def district_cards(client) -> dict[str, str]:
    html = client.get(reverse("measures:home")).content.decode()
    cards = re.findall(
        r'<a class="card[^"]*" href="([^"]+)">\s*<div class="card-body">\s*<div class="fw-bold">([^<]+)</div>', html
    )
    return {name: href.replace("&amp;", "&") for href, name in cards}


@pytest.mark.parametrize("slug", ["beijing", "yizhuang"])
def test_a_home_card_of_a_district_without_measures_opens_its_documents(client, policy_data, slug):
    district = District.objects.get(slug=slug)
    documents = PolicyDocument.objects.filter(district=district)
    assert documents.exists() and not documents.filter(measures__isnull=False).exists()
    response = client.get(district_cards(client)[district.name])
    assert response.status_code == 200
    html = response.content.decode()
    for document in documents:
        assert escape(document.title) in html
        assert document.get_absolute_url() in html


def test_a_home_card_of_a_district_with_measures_opens_the_library(client, policy_data):
    href = district_cards(client)["朝阳区"]
    response = client.get(href)
    assert response.context["paginator"].count > 0


def test_the_library_of_a_district_leads_to_all_its_documents(client, policy_data):
    html = client.get(reverse("measures:library"), {"district": "beijing"}).content.decode()
    assert f'href="{reverse("measures:documents")}?district=beijing"' in html
    assert "共收录政策文件 38 件" in html


def test_an_unknown_district_answers_404(client, policy_data):
    assert client.get(reverse("measures:documents"), {"district": "atlantis"}).status_code == 404


def test_a_documents_measures_show_the_documents_own_numbers_once(client, policy_data):
    document = PolicyDocument.objects.get(number="朝政办发〔2020〕8号")
    html = client.get(document.get_absolute_url()).content.decode()
    assert "list-group-numbered" not in html
    first = document.measures.order_by("order").first()
    assert f"{first.clause} {first.title}" in html
