"""The matching page keeps the measures it reads between views until the library changes (issue 7).

These tests commit (transactional_db): the page keeps only what it read outside a transaction, and an edit renews
the library's version once it is committed, as in production.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import District, Measure, MeasureCondition
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(client, policy_data):
    home = District.objects.get(slug="mentougou")
    user = EnterpriseUserFactory(
        enterprise__industry="软件和信息技术服务业",
        enterprise__employees=50,
        enterprise__revenue=Decimal("800"),
        enterprise__total_assets=Decimal("1000"),
        enterprise__registered_district=home,
        enterprise__tax_district=home,
        enterprise__stats_district=home,
        enterprise__founded_on=datetime.date(2019, 5, 1),
    )
    client.force_login(user)
    return client


def view(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("measures:matching"))
    assert response.status_code == 200
    groups = {group["key"]: {m.measure.pk for m in group["matches"]} for group in response.context["groups"]}
    return groups, " ".join(query["sql"] for query in queries.captured_queries)


def test_a_second_view_reads_no_measures_and_shows_the_same_groups(signed_in):
    first, _sql = view(signed_in)
    second, sql = view(signed_in)
    assert second == first
    assert "measures_measurecondition" not in sql and 'FROM "measures_measure"' not in sql


def test_an_edited_condition_shows_at_the_next_view(signed_in):
    target = Measure.objects.get(document__key="mentougou-2020-25", key="1")
    before, _sql = view(signed_in)
    assert target.pk in before["qualifies"]
    with transaction.atomic():  # as the admin saves it
        condition = target.conditions.get(kind="sme_sizes")
        condition.value = "微型"
        condition.save()
    after, sql = view(signed_in)
    assert "measures_measurecondition" in sql
    assert target.pk in after["not"]


def test_a_new_measure_shows_at_the_next_view(signed_in):
    view(signed_in)
    document = Measure.objects.get(document__key="mentougou-2020-25", key="1").document
    extra = Measure.objects.create(document=document, key="extra", title="附加措施", text="……")
    MeasureCondition.objects.create(measure=extra, kind="max_staff", value="10")
    groups, _sql = view(signed_in)
    assert extra.pk in groups["not"]
