import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Rectification, ServiceRating
from applications.models.ratings import RatingLevel, RatingStage
from applications.ratings.services import rate_service, rectification_due
from measures.workdays import WorkingCalendar


@pytest.fixture
def closed_case(make_application):
    return make_application("closed")


def test_the_enterprise_rates_a_closed_case_once_from_its_page(client, owner, closed_case):
    client.force_login(owner)
    url = reverse("applications:rate", args=[closed_case.pk])
    page = client.get(url).content.decode()
    assert "非常满意" in page and "非常不满意" in page
    client.post(url, {"level": "5", "comment": "办理很快"})
    rating = ServiceRating.objects.get(application=closed_case)
    assert rating.level == RatingLevel.VERY_SATISFIED and rating.comment == "办理很快"
    assert rating.department.name == "区人力社保局"
    again = client.post(url, {"level": "1"}, follow=True)
    assert "暂不能评价" in again.content.decode()
    assert ServiceRating.objects.filter(application=closed_case).count() == 1
    assert not Rectification.objects.exists()


def test_the_case_page_offers_rating_only_while_a_rating_can_be_recorded(client, owner, closed_case, head):
    """The page kept its 评价服务 button after the enterprise had rated; the button led to 暂不能评价."""
    client.force_login(owner)
    page = reverse("applications:detail", args=[closed_case.pk])
    rate = reverse("applications:rate", args=[closed_case.pk])
    assert rate in client.get(page).content.decode()
    rating = rate_service(application=closed_case, user=owner, level=RatingLevel.VERY_DISSATISFIED, comment="太慢")
    shown = client.get(page).content.decode()
    assert rate not in shown
    assert "非常不满意" in shown and "太慢" in shown and "已转部门整改" in shown
    Rectification.objects.filter(rating=rating).update(
        response="已安排专人回访。", responded_by=head, responded_at=rating.created_at
    )
    answered = client.get(page).content.decode()
    assert rate in answered and "已安排专人回访。" in answered
    rate_service(application=closed_case, user=owner, level=4, stage=RatingStage.RESPONSE)
    assert rate not in client.get(page).content.decode()


def test_a_case_still_under_way_cannot_be_rated(client, owner, make_application):
    case = make_application("submitted")
    client.force_login(owner)
    response = client.post(reverse("applications:rate", args=[case.pk]), {"level": "5"})
    assert response.status_code == 302 and not ServiceRating.objects.exists()
    with pytest.raises(ValidationError):
        rate_service(application=case, user=owner, level=5)


def test_another_enterprise_cannot_rate_the_case(client, outsider, closed_case):
    client.force_login(outsider)
    response = client.post(reverse("applications:rate", args=[closed_case.pk]), {"level": "1"})
    assert response.status_code == 404 and not ServiceRating.objects.exists()


@pytest.mark.parametrize("level", [RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED])
def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(owner, closed_case, level):
    rating = rate_service(application=closed_case, user=owner, level=level, comment="材料被反复退回")
    task = Rectification.objects.get(rating=rating)
    assert task.department.name == "区人力社保局" and task.responded_at is None
    assert WorkingCalendar().working_days_between(rating.created_at.date(), task.due_on) in (15, 16)
    assert task.due_on > rating.created_at.date() + datetime.timedelta(days=15)


def test_a_neutral_rating_opens_no_rectification(owner, closed_case):
    rate_service(application=closed_case, user=owner, level=RatingLevel.NEUTRAL)
    assert not Rectification.objects.exists()


def test_the_deadline_skips_the_national_day_holiday(db):
    # 2026-09-30 (Wed) + 15 working days: the holiday (10-01 … 10-07) is not counted.
    assert rectification_due(datetime.date(2026, 9, 30)) > datetime.date(2026, 10, 21)


def test_the_response_can_be_rated_only_after_the_department_answered(owner, closed_case, head):
    rating = rate_service(application=closed_case, user=owner, level=RatingLevel.VERY_DISSATISFIED)
    with pytest.raises(ValidationError):
        rate_service(application=closed_case, user=owner, level=4, stage=RatingStage.RESPONSE)
    Rectification.objects.filter(rating=rating).update(
        response="已整改", responded_by=head, responded_at=rating.created_at
    )
    answer = rate_service(application=closed_case, user=owner, level=4, stage=RatingStage.RESPONSE)
    assert answer.stage == RatingStage.RESPONSE and Rectification.objects.count() == 1


def test_the_head_answers_a_bad_rating_and_the_enterprise_is_told_and_rates_the_answer(
    client, owner, closed_case, head, reviewer
):
    from applications.models import Notice
    from applications.ratings.services import record_response

    rating = rate_service(application=closed_case, user=owner, level=RatingLevel.DISSATISFIED, comment="等待太久")
    task = Rectification.objects.get(rating=rating)
    with pytest.raises(ValidationError):
        record_response(task=task, user=reviewer, response="已整改")
    record_response(task=task, user=head, response="已优化审核流程，压缩办理时限。")
    [told] = Notice.objects.filter(application=closed_case, audience="enterprise", subject__contains="整改答复")
    assert owner.email in told.recipients and "已优化审核流程" in told.body
    client.force_login(owner)
    url = reverse("applications:rate", args=[closed_case.pk])
    assert "已优化审核流程" in client.get(url).content.decode()
    client.post(url, {"level": "4"})
    assert ServiceRating.objects.get(application=closed_case, stage=RatingStage.RESPONSE).level == 4


def test_an_unanswered_bad_rating_reminds_the_head_then_escalates_to_the_district_admins_once_each(
    owner, closed_case, head, district_admin
):
    from collections import Counter

    from applications.deadlines.rectifications import rectification_reminders
    from applications.models import Notice

    admin = district_admin
    rating = rate_service(application=closed_case, user=owner, level=RatingLevel.DISSATISFIED, comment="等待太久")
    task = Rectification.objects.get(rating=rating)
    stats = Counter()

    rectification_reminders(task.due_on - datetime.timedelta(days=10), stats)
    assert not Notice.objects.filter(application=closed_case, audience__in=["head", "staff"]).exists()

    for _night in range(2):  # the sweep runs every night: one reminder, however many nights
        rectification_reminders(task.due_on - datetime.timedelta(days=2), stats)
    [reminder] = Notice.objects.filter(application=closed_case, audience="head")
    assert reminder.recipients == [head.email] and "等待太久" in reminder.body
    assert reverse("admin:applications_rectification_respond", args=[task.pk]) in reminder.body

    for _night in range(2):
        rectification_reminders(task.due_on + datetime.timedelta(days=1), stats)
    [escalation] = [
        n for n in Notice.objects.filter(application=closed_case, audience="staff") if admin.email in n.recipients
    ]
    assert "整改答复期限已过" in escalation.body
    assert reverse("admin:applications_rectification_change", args=[task.pk]) in escalation.body
    assert stats == Counter(rectifications_reminded=1, rectifications_escalated=1)
