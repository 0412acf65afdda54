"""The department head's page for answering a 差评: listed for the rated department, a form, a confirmation, the
case's audit trail and the enterprise's e-mail; nobody else answers, and other districts do not see the task."""

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from applications.models import Event, Notice, Rectification
from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service
from measures.models import District
from tests.applications.conftest import department
from tests.factories import StaffUserFactory

ANSWER = "已核实材料退回原因，压缩初审时限至5个工作日。"


@pytest.fixture
def task(owner, make_application):
    rating = rate_service(
        application=make_application("closed"), user=owner, level=RatingLevel.VERY_DISSATISFIED, comment="反复退回"
    )
    return Rectification.objects.get(rating=rating)


@pytest.fixture
def other_head(policy_data):
    """The head of 区人力社保局 in 门头沟区: the same name of department, another district."""
    mentougou = District.objects.get(name="门头沟区")
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"), is_head=True)


def respond_url(task) -> str:
    return reverse("admin:applications_rectification_respond", args=[task.pk])


def test_the_head_finds_the_task_in_the_list_with_a_link_to_answer_it(client, head, task):
    client.force_login(head)
    page = client.get(reverse("admin:applications_rectification_changelist")).content.decode()
    assert task.rating.application.reference in page and "非常不满意" in page
    assert respond_url(task) in page


def test_a_reviewer_of_the_department_sees_the_task_but_may_not_answer_it(client, reviewer, task):
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_rectification_changelist")).content.decode()
    assert task.rating.application.reference in page and respond_url(task) not in page
    assert client.get(respond_url(task)).status_code == 403
    assert client.post(respond_url(task), {"response": ANSWER, "confirmed": "yes"}).status_code == 403
    assert Rectification.objects.get(pk=task.pk).responded_at is None


def test_the_head_answers_after_confirming_and_the_answer_is_audited_and_sent(client, head, owner, task):
    client.force_login(head)
    assert "整改答复" in client.get(respond_url(task)).content.decode()
    confirm = client.post(respond_url(task), {"response": ANSWER}).content.decode()
    assert "确认答复" in confirm and ANSWER in confirm
    assert Rectification.objects.get(pk=task.pk).responded_at is None  # nothing recorded before the confirmation
    response = client.post(respond_url(task), {"response": ANSWER, "confirmed": "yes"})
    assert response.url == reverse("admin:applications_rectification_change", args=[task.pk])
    task.refresh_from_db()
    assert task.response == ANSWER and task.responded_by == head
    event = Event.objects.get(application=task.rating.application, action="rectification_response")
    assert event.actor == head and event.comment == ANSWER
    [told] = Notice.objects.filter(application=task.rating.application, audience="enterprise")
    assert owner.email in told.recipients and ANSWER in told.body


def test_going_back_from_the_confirmation_keeps_the_text_and_records_nothing(client, head, task):
    client.force_login(head)
    page = client.post(respond_url(task), {"response": ANSWER, "confirmed": "yes", "edit": "1"}).content.decode()
    assert ANSWER in page and "下一步：确认" in page
    assert Rectification.objects.get(pk=task.pk).responded_at is None


def test_a_too_short_answer_is_refused_with_a_message(client, head, task):
    client.force_login(head)
    page = client.post(respond_url(task), {"response": "已改", "confirmed": "yes"}).content.decode()
    assert "至少10个字" in page
    assert Rectification.objects.get(pk=task.pk).responded_at is None


def test_an_answered_task_is_not_answered_twice(client, head, task):
    client.force_login(head)
    client.post(respond_url(task), {"response": ANSWER, "confirmed": "yes"})
    client.post(respond_url(task), {"response": "第二次答复，内容不同。", "confirmed": "yes"})
    assert Rectification.objects.get(pk=task.pk).response == ANSWER
    assert Event.objects.filter(action="rectification_response").count() == 1


def test_another_districts_head_and_an_enterprise_cannot_reach_the_task(client, other_head, owner, task):
    client.force_login(other_head)
    assert client.get(respond_url(task)).status_code == 404
    assert client.post(respond_url(task), {"response": ANSWER, "confirmed": "yes"}).status_code == 404
    listing = client.get(reverse("admin:applications_rectification_changelist")).content.decode()
    assert task.rating.application.reference not in listing
    client.force_login(owner)
    assert client.get(respond_url(task)).status_code == 302  # the admin's sign-in page
    assert Rectification.objects.get(pk=task.pk).responded_at is None
