"""The public announcement (公示): the list, objections, and the end of the period."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.workflow.services import publicity_close_due

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_anyone_sees_the_cases_under_announcement(client, make_application, owner):
    application = make_application("publicity", publicity_ends_on=TODAY)
    page = client.get(reverse("applications:publicity")).content.decode()
    assert owner.enterprise.name in page and "12,000.00 元" in page and application.reference in page


def test_other_cases_are_not_announced(client, make_application, owner):
    application = make_application("under_review")
    assert application.reference not in client.get(reverse("applications:publicity")).content.decode()
    assert client.get(reverse("applications:objection", args=[application.reference])).status_code == 404


def test_an_objection_keeps_the_case_in_publicity_until_it_is_examined(client, make_application):
    """Objections and their triage: tests/applications/publicity/."""
    application = make_application("publicity", publicity_ends_on=TODAY)
    data = {
        "name": "张三",
        "contact": "13800000000",
        "email": "zhang@example.cn",
        "text": "该企业培训人数不实，仅3人参训。",
    }
    client.post(reverse("applications:objection", args=[application.reference]), {**data, "pledge": "on"})
    application.refresh_from_db()
    assert application.status == "publicity" and application.objections.get().name == "张三"


def test_the_period_ends_by_itself_after_its_last_day(make_application):
    ended = make_application("publicity", publicity_ends_on=TODAY - datetime.timedelta(days=1))
    running = make_application(
        "publicity", publicity_ends_on=TODAY, measure=ended.measure.document.measures.get(clause="2.")
    )
    assert publicity_close_due(today=TODAY) == [ended]
    running.refresh_from_db()
    ended.refresh_from_db()
    assert (ended.status, running.status) == ("finance_review", "publicity")
    assert ended.events.get().actor is None
