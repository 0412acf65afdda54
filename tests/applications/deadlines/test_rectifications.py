import datetime

import pytest

from applications.deadlines.reminders import sweep_deadlines
from applications.models import Notice, Rectification
from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service


@pytest.fixture
def task(owner, make_application, head, district_admin):
    rating = rate_service(
        application=make_application("rejected"),
        user=owner,
        level=RatingLevel.VERY_DISSATISFIED,
        comment="不予支持理由不清",
    )
    return Rectification.objects.get(rating=rating)


def test_a_bad_rating_is_reminded_to_the_head_before_its_deadline_and_escalated_after_it(task, head, district_admin):
    sweep_deadlines(today=task.due_on - datetime.timedelta(days=10))
    assert not Notice.objects.filter(application=task.rating.application, kind="waiting_overdue").exists()
    sweep_deadlines(today=task.due_on - datetime.timedelta(days=2))
    sweep_deadlines(today=task.due_on - datetime.timedelta(days=1))
    [reminder] = Notice.objects.filter(application=task.rating.application, kind="waiting_overdue")
    assert reminder.recipients == [head.email] and "差评" in reminder.subject and "不予支持理由不清" in reminder.body
    sweep_deadlines(today=task.due_on + datetime.timedelta(days=1))
    sweep_deadlines(today=task.due_on + datetime.timedelta(days=2))
    [escalation] = Notice.objects.filter(application=task.rating.application, kind="escalation")
    assert district_admin.email in escalation.recipients and "逾期" in escalation.subject


def test_an_answered_task_is_neither_reminded_nor_escalated(task, head):
    Rectification.objects.filter(pk=task.pk).update(response="已整改", responded_by=head, responded_at=task.created_at)
    sweep_deadlines(today=task.due_on + datetime.timedelta(days=1))
    assert not Notice.objects.filter(application=task.rating.application).exclude(kind="event").exists()
