"""公示 objections: real-name for the reviewers, never shown to the applicant; examined before 公示 can end."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Event, Notice
from applications.publicity.lodging import objection_lodge
from applications.publicity.triage import objection_dismiss, objection_uphold
from applications.workflow import apply_transition
from applications.workflow.services import publicity_close_due

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
WANG = {
    "name": "王先生",
    "contact": "13712345678",
    "email": "wang.objector@example.cn",
    "text": "该企业2020年实际参加培训的职工只有3人，我是其中之一。",
}
PRIVATE = ["王先生", "13712345678", "wang.objector@example.cn", "只有3人"]


def lodge(application, **fields):
    return objection_lodge(application_id=application.pk, **{**WANG, **fields})


def private_parts_in(text: str) -> list[str]:
    return [part for part in PRIVATE if part in text]


@pytest.fixture
def announced(make_application):
    return make_application(
        "publicity", publicity_starts_on=TODAY, publicity_ends_on=TODAY + datetime.timedelta(days=5)
    )


def test_an_objection_posted_on_the_site_keeps_the_case_in_publicity_and_hides_the_objector(
    client, announced, owner, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:objection", args=[announced.reference]),
            {**WANG, "pledge": "on", "attachment": SimpleUploadedFile("证据.pdf", PDF)},
        )
    assert response.status_code == 302
    announced.refresh_from_db()
    objection = announced.objections.get()
    assert announced.status == "publicity" and objection.outcome == "pending"
    assert (objection.name, objection.contact, objection.attachment_type) == (
        "王先生",
        "13712345678",
        "application/pdf",
    )

    # The applicant's case page: that an objection is being examined, nothing of who or what.
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[announced.pk])).content.decode()
    assert "公示期间收到异议，主管部门正在核实" in page and private_parts_in(page) == []
    # Its e-mail, and every notice written for it.
    to_owner = [m for m in mailoutbox if owner.email in m.to]
    assert [m.subject for m in to_owner] == [f"申请 {announced.reference}：公示期间收到异议，主管部门正在核实"]
    assert private_parts_in(to_owner[0].body) == []
    for notice in Notice.objects.filter(application=announced).for_enterprise():
        assert private_parts_in(notice.subject + notice.body) == []
    # The reviewers are told there is a task, without the objector's details either (they are on the admin page).
    to_reviewer = [m for m in mailoutbox if reviewer.email in m.to]
    assert len(to_reviewer) == 1 and "公示期间收到异议" in to_reviewer[0].subject
    assert (
        private_parts_in(to_reviewer[0].body) == []
        and reverse("admin:applications_objection_change", args=[objection.pk]) in to_reviewer[0].body
    )
    # The public list neither.
    assert private_parts_in(client.get(reverse("applications:publicity")).content.decode()) == []


def test_the_applicants_timeline_never_carries_the_objector(client, announced, owner, reviewer):
    lodge(announced)
    objection = lodge(announced, name="李女士", contact="010-65090000")
    objection_uphold(objection_id=objection.pk, user=reviewer, reason="王先生反映的人数经社保记录核实属实。")
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[announced.pk])).content.decode()
    assert private_parts_in(page) == [] and "李女士" not in page and "65090000" not in page
    assert "公示异议经核实成立，退回审核" in page and "公示期间收到的异议经主管部门核实成立" in page
    for event in Event.objects.filter(application=announced, action__in=["object", "objection_examining"]):
        assert private_parts_in(event.comment) == []


def test_an_objection_recorded_before_triage_is_not_shown_with_its_objector(client, announced, owner):
    """Events written when an objection sent the case straight back carried "异议人：王先生（137…）"."""
    apply_transition(
        application_id=announced.pk, action="object", actor=None, comment="异议人：王先生（13712345678）。人数不实"
    )
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[announced.pk])).content.decode()
    assert "王先生" not in page and "13712345678" not in page and "公示异议经核实成立，退回审核" in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "匿名", "匿名异议不予受理"),
        ("name", "某某", "匿名异议不予受理"),
        ("contact", "随便", "请填写有效的手机号码"),
        ("email", "", "这个字段是必填项"),
        ("pledge", "", "请确认以真实身份提出异议"),
    ],
)
def test_an_anonymous_or_unreachable_objection_is_refused(client, announced, field, value, error):
    data = {**WANG, "pledge": "on", field: value}
    response = client.post(reverse("applications:objection", args=[announced.reference]), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not announced.objections.exists()


def test_an_objection_after_the_last_day_of_publicity_is_refused(announced):
    announced.publicity_ends_on = YESTERDAY
    announced.save()
    with pytest.raises(ValidationError, match="公示已结束"):
        lodge(announced)


def test_a_dismissed_objection_lets_publicity_end_saying_how_it_was_resolved(
    announced, reviewer, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        objection = lodge(announced)
        objection_dismiss(objection_id=objection.pk, user=reviewer, reason="经社保缴费记录核对，参训人数12人属实。")
    announced.refresh_from_db()
    objection.refresh_from_db()
    assert announced.status == "publicity" and objection.outcome == "dismissed" and objection.resolved_by == reviewer
    dismissed = announced.events.get(action="objection_dismissed")
    assert dismissed.actor == reviewer and "参训人数12人属实" in dismissed.comment
    told = [m for m in mailoutbox if m.to == ["wang.objector@example.cn"]]
    assert len(told) == 1 and "经核实不成立" in told[0].body and "参训人数12人属实" in told[0].body

    announced.publicity_ends_on = YESTERDAY
    announced.save()
    assert publicity_close_due(today=TODAY) == [announced]
    announced.refresh_from_db()
    ended = announced.events.get(to_status="finance_review")
    assert announced.status == "finance_review" and ended.action == "end_publicity_after_objections"
    assert "无异议" not in ended.action_label and ended.comment == "公示期内收到异议 1 件，经主管部门核实均不成立。"


def test_publicity_does_not_end_while_an_objection_is_pending(announced):
    lodge(announced)
    announced.publicity_ends_on = YESTERDAY
    announced.save()
    assert publicity_close_due(today=TODAY) == []
    announced.refresh_from_db()
    assert announced.status == "publicity"


def test_dismissing_the_last_objection_after_the_period_ends_publicity_at_once(announced, reviewer):
    objection = lodge(announced)
    announced.publicity_ends_on = YESTERDAY
    announced.save()
    objection_dismiss(objection_id=objection.pk, user=reviewer, reason="经核实不成立。")
    announced.refresh_from_db()
    assert announced.status == "finance_review"
    assert announced.events.order_by("-sequence").first().action == "end_publicity_after_objections"


def test_an_upheld_objection_sends_the_case_back_and_closes_the_others(
    announced, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = lodge(announced)
        second = lodge(announced, name="李女士", email="li.objector@example.cn", text="培训记录与考勤表不一致。")
        objection_uphold(objection_id=first.pk, user=reviewer, reason="参训名单与社保记录不符，退回重新审核。")
    announced.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert announced.status == "under_review"
    assert (first.outcome, second.outcome) == ("upheld", "closed") and "一并核查" in second.handling_note
    assert announced.events.get(action="object").comment == "公示期间收到的异议经主管部门核实成立，申请退回重新审核。"
    assert announced.events.filter(action="objection_upheld", actor=reviewer).count() == 1
    to_wang = [m for m in mailoutbox if m.to == ["wang.objector@example.cn"]]
    to_li = [m for m in mailoutbox if m.to == ["li.objector@example.cn"]]
    assert "经核实成立" in to_wang[0].body and "参训名单与社保记录不符" in to_wang[0].body
    assert "随申请结案" in to_li[0].body and "一并核查" in to_li[0].body


def test_a_withdrawal_during_publicity_closes_the_pending_objections(
    announced, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        objection = lodge(announced)
        apply_transition(application_id=announced.pk, action="withdraw", actor=owner)
    objection.refresh_from_db()
    assert objection.outcome == "closed" and "撤回" in objection.handling_note
    assert any(m.to == ["wang.objector@example.cn"] and "撤回" in m.body for m in mailoutbox)


@pytest.mark.parametrize("who", ["other_reviewer", "finance", "auditor", "owner"])
def test_only_the_lead_reviewers_and_the_district_administrator_examine(announced, request, who):
    objection = lodge(announced)
    with pytest.raises(PermissionDenied):
        objection_dismiss(objection_id=objection.pk, user=request.getfixturevalue(who), reason="不成立")
    objection.refresh_from_db()
    assert objection.outcome == "pending"


def test_an_objection_is_examined_once(announced, reviewer, district_admin):
    objection = lodge(announced)
    objection_dismiss(objection_id=objection.pk, user=reviewer, reason="不成立")
    with pytest.raises(ValidationError, match="已处理"):
        objection_uphold(objection_id=objection.pk, user=district_admin, reason="成立")
    announced.refresh_from_db()
    assert announced.status == "publicity"


def test_a_reason_is_required(announced, reviewer):
    objection = lodge(announced)
    with pytest.raises(ValidationError, match="请填写核实意见"):
        objection_dismiss(objection_id=objection.pk, user=reviewer, reason="  ")


def test_the_reviewer_examines_on_the_objections_page(client, announced, reviewer, auditor):
    objection = lodge(announced, attachment=SimpleUploadedFile("考勤表.pdf", PDF))
    page_url = reverse("admin:applications_objection_change", args=[objection.pk])
    client.force_login(auditor)
    page = client.get(page_url).content.decode()
    assert "王先生" in page and "核实处理" not in page  # auditors read, they do not decide
    client.post(
        reverse("admin:applications_objection_triage", args=[objection.pk]), {"decision": "dismiss", "reason": "x"}
    )
    objection.refresh_from_db()
    assert objection.outcome == "pending"

    client.force_login(reviewer)
    page = client.get(page_url).content.decode()
    assert "王先生" in page and "13712345678" in page and "考勤表.pdf" in page and "提交核实结果" in page
    evidence = client.get(reverse("admin:applications_objection_evidence", args=[objection.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PDF
    response = client.post(
        reverse("admin:applications_objection_triage", args=[objection.pk]),
        {"decision": "uphold", "reason": "参训名单不实。"},
    )
    assert response.status_code == 302
    announced.refresh_from_db()
    assert announced.status == "under_review"
    queue = client.get(reverse("admin:applications_objection_changelist")).content.decode()
    assert announced.reference in queue and "经核实成立" in queue


def test_the_pending_objections_come_first_in_the_triage_list(client, announced, make_application, reviewer, measure):
    done = lodge(announced)
    objection_dismiss(objection_id=done.pk, user=reviewer, reason="不成立")
    waiting = lodge(announced, name="李女士")
    client.force_login(reviewer)
    rows = client.get(reverse("admin:applications_objection_changelist")).context["cl"].result_list
    assert [row.pk for row in rows] == [waiting.pk, done.pk]


def test_the_audit_trail_keeps_an_objection_in_chinese_when_lodged_and_examined_in_english(announced, reviewer):
    from django.utils import translation

    with translation.override("en"):
        objection = lodge(announced)
        objection_dismiss(objection_id=objection.pk, user=reviewer, reason="Training records checked.")
    labels = dict(announced.events.filter(action__startswith="objection_").values_list("action", "action_label"))
    assert labels == {
        "objection_received": "收到公示异议",
        "objection_examining": "公示期间收到异议，主管部门正在核实",
        "objection_dismissed": "公示异议经核实不成立",
    }
    received = announced.events.get(action="objection_received")
    assert received.comment == f"异议编号 {objection.pk}，待核实。"
    assert announced.events.get(action="objection_dismissed").comment.startswith(f"异议编号 {objection.pk}：")
