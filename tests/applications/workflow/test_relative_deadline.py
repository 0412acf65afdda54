"""Deadlines counted from the enterprise's own event: "…满一年的企业,可于次月起六个月内提出申请" (Mentougou)."""

import datetime

import pytest
from django.urls import reverse

from applications.deadlines.reminders import sweep_deadlines
from applications.models import Notice, NoticeKind
from applications.workflow.checks import relative_deadline_problems
from measures.models import Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def relative_measures(policy_data):
    return {m.apply_within_event: m for m in Measure.objects.exclude(apply_within_event="")}


def test_the_three_mentougou_deadlines_are_loaded_from_their_words(relative_measures):
    assert len(relative_measures) == 3
    assert all(m.document.district.name == "门头沟区" and m.deadline_rule for m in relative_measures.values())


@pytest.mark.parametrize(
    ("event", "event_date", "last_day"),
    [
        ("实际缴纳社会保险费每满一年", D(2026, 3, 15), D(2026, 9, 30)),  # 次月起六个月内: April to September
        ("实际缴纳社会保险费每满半年或一年", D(2026, 3, 15), D(2026, 6, 29)),  # 次月起 90日内: from 1 April
        ("缴纳社会保险满一年", D(2026, 3, 15), D(2026, 9, 15)),  # 满一年后,于六个月内: from the next day
        ("实际缴纳社会保险费每满一年", D(2026, 8, 31), D(2027, 2, 28)),  # September to February
    ],
)
def test_the_last_day_to_apply(relative_measures, event, event_date, last_day):
    assert relative_measures[event].apply_by(event_date) == last_day


def test_a_late_submission_is_refused_quoting_the_clause(relative_measures):
    measure = relative_measures["实际缴纳社会保险费每满一年"]
    user = EnterpriseUserFactory()
    application = ApplicationFactory(
        status="draft", measure=measure, enterprise=user.enterprise, created_by=user, event_date=D(2026, 3, 15)
    )
    assert application.apply_by == D(2026, 9, 30)
    assert relative_deadline_problems(application, D(2026, 9, 30)) == []
    [problem] = relative_deadline_problems(application, D(2026, 10, 1))
    assert "2026-09-30" in problem and "逾期视为自动放弃" in problem and "次月起六个月内" in problem
    application.event_date = None
    [missing] = relative_deadline_problems(application, D(2026, 5, 1))
    assert "实际缴纳社会保险费每满一年" in missing


def test_the_form_asks_for_the_date_and_keeps_it_in_the_draft(relative_measures, client):
    measure = relative_measures["缴纳社会保险满一年"]
    user = EnterpriseUserFactory()
    application = ApplicationFactory(status="draft", measure=measure, enterprise=user.enterprise, created_by=user)
    client.force_login(user)
    page = client.get(reverse("applications:edit", args=[application.pk]))
    assert "缴纳社会保险满一年的日期" in page.content.decode()
    client.post(reverse("applications:edit", args=[application.pk]), {"event_date": "2026-03-15"})
    application.refresh_from_db()
    assert (application.event_date, application.apply_by) == (D(2026, 3, 15), D(2026, 9, 15))
    response = client.post(reverse("applications:edit", args=[application.pk]), {"event_date": "2026-13-45"})
    assert response.status_code == 200 and "2026-13-45" in response.content.decode()
    application.refresh_from_db()
    assert application.event_date == D(2026, 3, 15)  # the last valid date is kept


def test_a_draft_is_reminded_before_its_own_deadline(relative_measures, mailoutbox, django_capture_on_commit_callbacks):
    measure = relative_measures["缴纳社会保险满一年"]
    user = EnterpriseUserFactory()
    application = ApplicationFactory(
        status="draft", measure=measure, enterprise=user.enterprise, created_by=user, event_date=D(2026, 3, 15)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(today=D(2026, 9, 12))
        sweep_deadlines(today=D(2026, 9, 12))
    assert list(Notice.objects.filter(application=application).values_list("kind", "due_on")) == [
        (NoticeKind.DRAFT_CLOSING_3, D(2026, 9, 15))
    ]
    [mail] = [m for m in mailoutbox if user.email in m.to]
    assert "2026-09-15" in mail.subject
