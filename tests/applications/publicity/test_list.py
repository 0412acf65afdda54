"""The public 公示 list: period, whom to ask, by district, a page at a time."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.publicity.listing import enquiries
from measures.models import Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def announce(measure, starts=TODAY, ends=TODAY + datetime.timedelta(days=6), **fields):
    owner = EnterpriseUserFactory()
    return ApplicationFactory(
        created_by=owner,
        enterprise=owner.enterprise,
        measure=measure,
        status="publicity",
        proposed_amount=Decimal("12000.00"),
        publicity_starts_on=starts,
        publicity_ends_on=ends,
        **fields,
    )


@pytest.fixture
def training_mentougou(mentougou):
    return Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="px-1")


def test_each_case_shows_its_period_and_whom_to_ask(client, measure):
    case = announce(measure, starts=TODAY - datetime.timedelta(days=2))
    asked = enquiries(measure)
    assert asked.department == "区人力社保局" and asked.phone  # the clause's contact, as the document prints it
    page = client.get(reverse("applications:publicity")).content.decode()
    start, end = case.publicity_starts_on.isoformat(), case.publicity_ends_on.isoformat()
    text = re.sub(r"<[^>]+>", "", page)  # the period wraps between its two days
    assert f"{start} 至 {end}" in text and "区人力社保局" in page and asked.phone in page


def test_a_district_shows_only_its_own(client, measure, training_mentougou):
    chaoyang_case, mentougou_case = announce(measure), announce(training_mentougou)
    page = client.get(reverse("applications:publicity"), {"district": "mentougou"}).content.decode()
    assert mentougou_case.reference in page and chaoyang_case.reference not in page
    assert 'aria-current="page">门头沟区' in page
    everything = client.get(reverse("applications:publicity")).content.decode()
    assert mentougou_case.reference in everything and chaoyang_case.reference in everything


def test_an_unknown_district_shows_every_district(client, measure):
    case = announce(measure)
    assert case.reference in client.get(reverse("applications:publicity"), {"district": "nowhere"}).content.decode()


def test_an_ended_announcement_is_no_longer_listed(client, measure):
    ended = announce(measure, ends=TODAY - datetime.timedelta(days=1))
    assert ended.reference not in client.get(reverse("applications:publicity")).content.decode()


def test_the_list_pages_and_keeps_the_district(client, measure):
    cases = [announce(measure, ends=TODAY + datetime.timedelta(days=n)) for n in range(21)]
    first = client.get(reverse("applications:publicity"), {"district": "chaoyang"}).content.decode()
    assert cases[0].reference in first and cases[20].reference not in first
    assert "?district=chaoyang&amp;page=2" in first
    second = client.get(reverse("applications:publicity"), {"district": "chaoyang", "page": 2}).content.decode()
    assert cases[20].reference in second and cases[0].reference not in second


def test_a_page_costs_the_same_queries_however_many_cases(client, measure, training_mentougou):
    announce(measure)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("applications:publicity"))
    for n in range(15):
        announce(training_mentougou if n % 2 else measure)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("applications:publicity"))
    assert len(many) == len(few)
