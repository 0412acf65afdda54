"""The matching page's cards are kept rendered and shared between enterprises (measures/match_cards.py): each firm
still sees its own checks, a change to a measure shows at once, and the page reads the same with the cache off."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import District, Measure
from tests.factories import EnterpriseFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def _firm(district, **figures):
    values = {
        "industry": "软件和信息技术服务业",
        "employees": 50,
        "revenue": Decimal("800"),
        "total_assets": Decimal("1000"),
        "registered_district": district,
        "tax_district": district,
        "stats_district": district,
        "founded_on": datetime.date(2019, 5, 1),
    }
    return EnterpriseFactory(**(values | figures))


def _page(client, firm) -> str:
    client.force_login(EnterpriseUserFactory(enterprise=firm))
    html = client.get(reverse("measures:matching")).content.decode()
    return re.sub(r'nonce="[^"]*"|value="[A-Za-z0-9]{64}"', "", html)


@pytest.fixture
def chaoyang(policy_data):
    return District.objects.get(slug="chaoyang")


def test_a_firm_sees_its_own_checks_after_another_firms_cards_were_kept(client, chaoyang, settings):
    settings.MATCH_CARD_CACHE_SECONDS = 900
    edit = reverse("accounts:profile_edit")
    missing = f'href="{edit}#div_id_revenue">补充“营业收入（万元）”</a>'
    known = _page(client, _firm(chaoyang))
    assert missing not in known
    # The same measures for a firm without its revenue: the cards that depend on it are its own, not the first's.
    unknown = _page(client, _firm(chaoyang, revenue=None))
    assert missing in unknown
    assert missing not in _page(client, _firm(chaoyang))


def test_the_page_reads_the_same_with_and_without_kept_cards(client, chaoyang, settings):
    firm = _firm(chaoyang, employees=None)
    settings.MATCH_CARD_CACHE_SECONDS = 0
    fresh = _page(client, firm)
    settings.MATCH_CARD_CACHE_SECONDS = 900
    assert _page(client, firm) == fresh  # rendered and kept
    assert _page(client, firm) == fresh  # from the kept cards


def test_a_renamed_measure_shows_at_once(client, chaoyang, settings, django_capture_on_commit_callbacks):
    settings.MATCH_CARD_CACHE_SECONDS = 900
    firm = _firm(chaoyang)
    measure = Measure.objects.filter(document__district=chaoyang).first()
    assert measure.title in _page(client, firm)
    with django_capture_on_commit_callbacks(execute=True):
        measure.title = "改名后的措施标题"
        measure.save()
    assert "改名后的措施标题" in _page(client, firm)
