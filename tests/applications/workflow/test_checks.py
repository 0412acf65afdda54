"""Submission is checked again at the moment of submitting; a refusal says why and quotes the clause."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Ban
from applications.workflow import Invalid, apply_transition
from applications.workflow.checks import submission_problems
from applications.workflow.services import application_start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SANCTION = (
    "对违反规定、弄虚作假骗取奖励补贴政策的企业，除将奖励补贴资金全额收缴外，三年内不准其申请区内各类补贴奖励资金"
)


def test_a_complete_draft_has_no_problems(make_application):
    assert submission_problems(make_application()) == []


def test_a_closed_window_is_refused_with_its_words(make_application, measure):
    measure.window_opens, measure.window_closes = datetime.date(2020, 4, 1), datetime.date(2020, 7, 31)
    measure.window_text = "申请时间为2020年4月1日至7月31日"
    measure.save()
    [problem] = submission_problems(make_application())
    assert (
        "2020-07-31截止" in problem
        and "申请时间为2020年4月1日至7月31日" in problem
        and "朝政办发〔2020〕8号" in problem
    )


def test_a_document_no_longer_in_force_is_refused(make_application, measure):
    document = measure.document
    document.valid_until, document.validity = datetime.date(2020, 12, 31), "有效期至2020年12月31日"
    document.save()
    [problem] = submission_problems(make_application())
    assert "已失效" in problem and "有效期至2020年12月31日" in problem


def test_a_banned_enterprise_is_refused_with_the_clause_and_end_date(make_application, owner, chaoyang):
    Ban.objects.create(
        enterprise=owner.enterprise,
        district=chaoyang,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=datetime.date(2029, 5, 31),
        decision_number="朝财罚〔2026〕1号",
        decision_date=TODAY - datetime.timedelta(days=30),
        reason="弄虚作假骗取补贴",
        clause_quote=SANCTION,
    )
    [problem] = submission_problems(make_application())
    assert "2029-05-31" in problem and SANCTION in problem and "朝阳区" in problem


def test_a_ban_in_another_district_does_not_count(make_application, owner, mentougou):
    Ban.objects.create(
        enterprise=owner.enterprise,
        district=mentougou,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=1000),
        decision_number="门财〔2026〕1号",
        decision_date=TODAY,
        reason="弄虚作假",
        clause_quote=SANCTION,
    )
    assert submission_problems(make_application()) == []


def test_a_missing_declaration_is_refused(make_application):
    assert submission_problems(make_application(declarations={})) != []


def test_a_refused_submission_stays_a_draft_and_lists_the_problems(make_application, owner, measure):
    measure.window_closes = datetime.date(2020, 7, 31)
    measure.save()
    application = make_application()
    with pytest.raises(Invalid) as refusal:
        apply_transition(application_id=application.pk, action="submit", actor=owner)
    application.refresh_from_db()
    assert application.status == "draft" and "截止" in refusal.value.problems[0]


def test_starting_again_returns_the_open_application(make_application, owner, measure):
    application = make_application("submitted")
    again, created = application_start(enterprise=owner.enterprise, measure=measure, user=owner)
    assert again == application and not created


def test_submission_records_the_profile_version_and_estimate(make_application, owner):
    application = apply_transition(application_id=make_application().pk, action="submit", actor=owner)
    assert application.profile_version.enterprise == owner.enterprise
    assert application.estimate_amount == 12000 and application.submitted_at is not None


def test_a_profile_failing_a_condition_is_refused_with_the_clause(make_application, owner):
    # 朝政办发〔2020〕8号 16: 2-4月生产经营收入同比下降80%(含)以上的中小微企业
    owner.enterprise.revenue_change = Decimal("-50")
    owner.enterprise.save()
    [problem] = submission_problems(make_application(), on=TODAY)
    assert problem.startswith("不符合申报条件“营业收入同比下降不低于80%”")
    assert "未达到下降80%" in problem and "依据朝政办发〔2020〕8号" in problem


def test_a_profile_lacking_a_figure_a_condition_needs_is_asked_to_complete_it(make_application, owner):
    owner.enterprise.revenue_change = None
    owner.enterprise.save()
    [problem] = submission_problems(make_application(), on=TODAY)
    assert problem.startswith("请先在企业信息中补充后再提交") and "营业收入同比变化" in problem


def test_an_estimate_of_nothing_is_refused_with_the_reason(make_application):
    problems = submission_problems(make_application(inputs={"persons": "0"}), on=TODAY)
    assert any("本次可获金额为0元" in p for p in problems)
