"""Sanctions for fraud: a district administrator records the finding; the portal revokes the award, recovers all that
was paid and bans the enterprise from the district's subsidies for three years; finance records the repayments."""

import datetime
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from applications.deadlines.reminders import sweep_deadlines
from applications.models import Application, Ban, FraudFinding, Notice, Recovery, Repayment, Status
from applications.sanctions.findings import finding_process
from applications.workflow import apply_transition
from measures.models import Measure
from tests.applications.conftest import TODAY
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
DECISION = "朝财监〔2026〕12号"
CLAUSE = (
    "对违反规定、弄虚作假骗取奖励补贴政策的企业，除将奖励补贴资金全额收缴外，三年内不准其申请区内各类补贴奖励资金。"
)
DUE = datetime.date(2026, 12, 20)  # the decision date, 20 November, and the default 30 days to repay


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=BEIJING), tick=True):
        yield


@pytest.fixture
def disbursed(make_application, finance):
    """A case approved for 12000 yuan and paid in two payments (the approval in its audit trail, as verify_audit_chain
    checks the approved amount against it)."""
    application = make_application("finance_review")
    apply_transition(application_id=application.pk, action="finance_approve", actor=finance, amount=Decimal("12000"))
    for amount, day in [("5000", 2), ("7000", 9)]:
        application = apply_transition(
            application_id=application.pk,
            action="record_payment",
            actor=finance,
            amount=Decimal(amount),
            paid_on=datetime.date(2026, 11, day),
            bank_reference=f"CZ-{day}",
        )
    assert application.status == "disbursed"
    return application


def finding_form(application: Application, **fields) -> dict:
    return {
        "application": application.pk,
        "evidence": "虚报培训人数，伪造签到表。",
        "decision_number": DECISION,
        "decision_date": "2026-11-20",
        "persons_responsible": "赵某，总经理",
        "clause_quote": CLAUSE,
        "recovery_due_on": "",
        "_save": "保存",
        "_confirmed": "1",  # the confirmation page's answer (test_finding_confirmation.py)
        **fields,
    }


@pytest.fixture
def record(district_admin, django_capture_on_commit_callbacks):
    """Post the admin's form for a finding on a case (by default as the district administrator, in a browser of
    their own); the task runs after the commit."""

    def record(application: Application, user=None, **fields):
        browser = Client()
        browser.force_login(user or district_admin)
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(reverse("admin:applications_fraudfinding_add"), finding_form(application, **fields))

    return record


@pytest.fixture
def sanctioned(record, disbursed, mailoutbox):
    response = record(disbursed)
    assert response.status_code == 302, response.content.decode()
    disbursed.refresh_from_db()
    return disbursed


def mail_to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if user.email in m.to]


def page(client, user, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


# Recording and carrying out a finding.


def test_a_finding_revokes_the_award_recovers_the_total_paid_and_bans_for_three_years(sanctioned, chaoyang):
    assert sanctioned.status == "revoked"
    recovery = Recovery.objects.get(application=sanctioned)
    assert (recovery.amount_due, recovery.due_on, recovery.state) == (Decimal("12000.00"), DUE, "open")
    ban = Ban.objects.get(enterprise=sanctioned.enterprise)
    assert (ban.district, ban.starts_on, ban.ends_on) == (
        chaoyang,
        datetime.date(2026, 11, 20),
        datetime.date(2029, 11, 19),
    )
    assert ban.clause_quote == CLAUSE and ban.decision_number == DECISION


def test_the_finding_is_written_into_the_cases_audit_trail(sanctioned, client, owner):
    labels = list(sanctioned.events.order_by("sequence").values_list("action_label", flat=True))
    assert labels[-3:] == ["查实弄虚作假，撤销奖励补贴", "立案收缴已拨付资金", "禁止申请区内各类补贴奖励资金三年"]
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "0 problems: the audit trail is intact." in out.getvalue()
    detail = page(client, owner, reverse("applications:detail", args=[sanctioned.pk]))
    assert "已撤销（弄虚作假，全额收缴）" in detail and "应全额收缴 12,000.00 元，退回截止日期 2026-12-20。" in detail


def test_the_enterprise_is_told_the_clause_the_amount_the_due_date_and_the_ban(sanctioned, owner, mailoutbox):
    [email] = [m for m in mail_to(mailoutbox, owner) if m.subject.startswith("处理决定")]
    assert email.subject == f"处理决定（{DECISION}）：撤销申请 {sanctioned.reference} 的奖励补贴并全额收缴"
    assert f"依据条款：“{CLAUSE}”" in email.body
    assert "全额收缴已拨付的资金 12,000.00 元，请于 2026-12-20 前退回。" in email.body
    assert "2026-11-20 至 2029-11-19 不得申请朝阳区各类补贴奖励资金。" in email.body
    assert "http://testserver/applications/sanctions/" in email.body


def test_the_districts_finance_and_administrators_are_told(
    record, disbursed, finance, district_admin, other_finance, reviewer, mailoutbox
):
    record(disbursed)
    subject = f"已执行处理决定 {DECISION}：申请 {disbursed.reference}"
    assert [m.subject for m in mail_to(mailoutbox, finance)] == [subject]
    assert [m.subject for m in mail_to(mailoutbox, district_admin)] == [subject]
    assert mail_to(mailoutbox, other_finance) == [] and mail_to(mailoutbox, reviewer) == []
    assert "已立案全额收缴 12,000.00 元，退回截止日期 2026-12-20。" in mail_to(mailoutbox, finance)[0].body


@pytest.mark.parametrize("role", ["reviewer", "finance", "auditor"])
def test_only_a_district_administrator_may_record_a_finding(request, record, client, disbursed, role):
    user = request.getfixturevalue(role)
    page(client, user, reverse("admin:applications_fraudfinding_add"), status=403)
    assert record(disbursed, user=user).status_code == 403
    assert not FraudFinding.objects.exists()
    assert Application.objects.get(pk=disbursed.pk).status == "disbursed"


def test_another_districts_administrator_cannot_record_a_finding_on_this_case(record, disbursed, mentougou):
    elsewhere = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=mentougou)
    response = record(disbursed, user=elsewhere)
    assert response.status_code == 200 and not FraudFinding.objects.exists()


@pytest.mark.parametrize(("status", "label"), [("draft", "草稿"), ("submitted", "已提交，待预审")])
def test_a_finding_on_a_case_without_an_award_is_refused_in_chinese(record, make_application, status, label):
    application = make_application(status)
    response = record(application)
    assert response.status_code == 200
    assert f"该申请当前状态为“{label}”，尚未形成奖励补贴，不能登记弄虚作假查处。" in response.content.decode()
    assert not FraudFinding.objects.exists() and not Ban.objects.exists()


def test_a_decision_dated_in_the_future_is_refused(record, disbursed):
    response = record(disbursed, decision_date="2026-11-24")
    assert "处理决定日期不能晚于今天。" in response.content.decode() and not FraudFinding.objects.exists()


def test_processing_a_finding_twice_does_nothing_twice(sanctioned, mailoutbox, django_capture_on_commit_callbacks):
    finding = FraudFinding.objects.get()
    sent, events = len(mailoutbox), sanctioned.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert finding_process(finding_id=finding.pk) is False
    assert (Ban.objects.count(), Recovery.objects.count(), sanctioned.events.count()) == (1, 1, events)
    assert len(mailoutbox) == sent


def test_a_case_never_paid_gets_the_ban_but_no_recovery(record, make_application, owner, mailoutbox):
    application = make_application("approved")
    assert record(application).status_code == 302
    application.refresh_from_db()
    assert application.status == "revoked" and not Recovery.objects.exists()
    assert Ban.objects.get().ends_on == datetime.date(2029, 11, 19)
    [email] = [m for m in mail_to(mailoutbox, owner) if m.subject.startswith("处理决定")]
    assert "该项资金尚未拨付，不再拨付。" in email.body and "全额收缴已拨付" not in email.body


# What the ban does.


def test_the_banned_enterprise_cannot_start_an_application_in_that_district(sanctioned, client, owner, measure):
    url = reverse("applications:start", args=[measure.pk])
    text = page(client, owner, url, status=403)
    assert CLAUSE in text and "贵企业在 2029-11-19 之前不得申请朝阳区各类补贴奖励资金。" in text
    assert "创建申请草稿" not in text
    assert client.post(url).status_code == 403
    assert Application.objects.filter(enterprise=owner.enterprise).count() == 1


def test_the_banned_enterprise_may_still_apply_in_another_district(sanctioned, client, owner, mentougou):
    elsewhere = Measure.objects.in_force().filter(document__district=mentougou, monetary=True).first()
    url = reverse("applications:start", args=[elsewhere.pk])
    assert "创建申请草稿" in page(client, owner, url)
    response = client.post(url)
    draft = Application.objects.get(enterprise=owner.enterprise, measure=elsewhere)
    assert response.status_code == 302 and response.url == reverse("applications:edit", args=[draft.pk])


def test_submitting_a_draft_in_that_district_is_refused_quoting_the_clause(sanctioned, client, owner, make_application):
    draft = make_application("draft")  # begun before the ban
    client.force_login(owner)
    response = client.post(reverse("applications:confirm", args=[draft.pk]))
    text = response.content.decode()
    assert f"贵企业经{DECISION}认定" in text and "2026-11-20至2029-11-19不得申请朝阳区各类补贴奖励资金" in text
    assert f"依据条款：“{CLAUSE}”" in text
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_reviewer_sees_the_ban_on_another_open_case(sanctioned, client, reviewer, make_application):
    other = make_application("submitted")
    text = page(client, reviewer, reverse("admin:applications_application_change", args=[other.pk]))
    assert f"该企业根据{DECISION}在 2026-11-20 至 2029-11-19 期间不得申请朝阳区各类补贴奖励资金。" in text


# Repayments, recorded by the district's finance.


def repay(client, user, recovery, amount: str, reference: str = "HK-1"):
    client.force_login(user)
    url = reverse("admin:applications_recovery_repay", args=[recovery.pk])
    return client.post(url, {"amount": amount, "paid_on": "2026-11-23", "bank_reference": reference})


@pytest.fixture
def recovery(sanctioned, mailoutbox):
    mailoutbox.clear()
    return Recovery.objects.get(application=sanctioned)


@pytest.fixture
def repay_now(client, finance, django_capture_on_commit_callbacks):
    def pay(recovery, amount: str, reference: str = "HK-1"):
        with django_capture_on_commit_callbacks(execute=True):
            return repay(client, finance, recovery, amount, reference)

    return pay


def test_finance_records_a_partial_repayment(repay_now, recovery, owner, mailoutbox):
    response = repay_now(recovery, "5000")
    assert response.status_code == 302
    recovery.refresh_from_db()
    assert recovery.state == "open" and recovery.outstanding() == Decimal("7000.00")
    [email] = mail_to(mailoutbox, owner)
    assert email.subject == f"已收到退回资金：申请 {recovery.application.reference}"
    assert "尚欠 7,000.00 元，退回截止日期 2026-12-20。" in email.body


def test_an_over_payment_is_refused_in_chinese(repay_now, recovery, mailoutbox):
    repay_now(recovery, "5000")
    response = repay_now(recovery, "7000.01")
    assert response.status_code == 200
    assert "退回金额不能超过尚未收缴的 7,000.00 元（应收缴 12,000.00 元）。" in response.content.decode()
    assert recovery.repayments.count() == 1 and len(mailoutbox) == 1


def test_the_full_repayment_closes_the_recovery_and_tells_the_enterprise(
    repay_now, recovery, owner, client, finance, mailoutbox
):
    repay_now(recovery, "5000", "HK-1")
    repay_now(recovery, "7000", "HK-2")
    recovery.refresh_from_db()
    assert recovery.state == "closed" and recovery.outstanding() == Decimal("0.00")
    email = mail_to(mailoutbox, owner)[-1]
    assert email.subject == f"收缴结案：申请 {recovery.application.reference} 的资金已全额退回"
    assert "应收缴的 12,000.00 元已全额退回，收缴结案。" in email.body
    assert repay(client, finance, recovery, "1").status_code == 403


@pytest.mark.parametrize(("role", "status"), [("district_admin", 403), ("auditor", 403), ("other_finance", 404)])
def test_only_the_districts_finance_may_record_a_repayment(request, client, recovery, role, status):
    assert repay(client, request.getfixturevalue(role), recovery, "5000").status_code == status
    assert not Repayment.objects.exists()


# The enterprise's sanctions page.


def test_the_enterprise_sees_its_ban_and_its_recovery(sanctioned, client, owner):
    text = page(client, owner, reverse("applications:sanctions"))
    assert DECISION in text and "2026-11-20 — 2029-11-19" in text and "禁止申请中" in text and CLAUSE in text
    assert "应收缴 12,000.00 元，退回截止日期 2026-12-20，尚欠 12,000.00 元。" in text
    assert f"处理决定（{DECISION}）" in text  # the notice, in the list of related notices


def test_another_enterprise_sees_its_own_empty_page(sanctioned, client, outsider):
    text = page(client, outsider, reverse("applications:sanctions"))
    assert DECISION not in text and sanctioned.reference not in text and "12,000.00" not in text


def test_staff_and_the_public_are_not_shown_the_sanctions_page(sanctioned, client, reviewer):
    url = reverse("applications:sanctions")
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("admin:index")


# Reminders to repay, and the escalation of an unpaid recovery.


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(day: datetime.date):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_deadlines(today=day)

    return run


def test_the_enterprise_is_reminded_seven_days_and_one_day_before_the_due_date_once_each(
    run, recovery, owner, mailoutbox
):
    for days_before in [7, 7, 6, 2, 1, 1, 0]:
        run(DUE - datetime.timedelta(days=days_before))
    reference = recovery.application.reference
    assert [m.subject for m in mail_to(mailoutbox, owner)] == [
        f"提醒：申请 {reference} 应收缴的资金须于 2026-12-20 前退回"
    ] * 2
    assert all("尚欠：12,000.00 元" in m.body for m in mailoutbox)
    assert list(Notice.objects.filter(kind__startswith="recovery").values_list("kind", flat=True)) == [
        "recovery_due_7",
        "recovery_due_1",
    ]


def test_an_unpaid_recovery_is_escalated_to_finance_and_administrators_once(
    run, recovery, owner, finance, district_admin, reviewer, mailoutbox
):
    for days_after in [1, 1, 2]:
        run(DUE + datetime.timedelta(days=days_after))
    reference = recovery.application.reference
    assert [m.subject for m in mail_to(mailoutbox, owner)] == [f"逾期未退回：申请 {reference} 应收缴的资金"]
    escalation = f"收缴逾期：申请 {reference} 的奖励补贴资金尚未全额退回"
    assert [m.subject for m in mail_to(mailoutbox, finance)] == [escalation]
    assert [m.subject for m in mail_to(mailoutbox, district_admin)] == [escalation]
    assert mail_to(mailoutbox, reviewer) == []


def test_a_repaid_recovery_gets_no_reminder(run, repay_now, recovery, mailoutbox):
    repay_now(recovery, "12000")
    mailoutbox.clear()
    run(DUE - datetime.timedelta(days=1))
    run(DUE + datetime.timedelta(days=1))
    assert mailoutbox == []


# Findings whose task never ran (the broker was down): the deadline sweep carries them out.


@pytest.fixture
def recorded_while_the_broker_was_down(district_admin):
    def record(application: Application) -> FraudFinding:
        browser = Client()
        browser.force_login(district_admin)
        browser.post(reverse("admin:applications_fraudfinding_add"), finding_form(application))  # no commit: no task
        FraudFinding.objects.update(recorded_at=timezone.now() - datetime.timedelta(minutes=2))
        return FraudFinding.objects.get(application=application)

    return record


def test_the_sweep_carries_out_a_finding_whose_task_never_ran(
    run, recorded_while_the_broker_was_down, disbursed, owner, mailoutbox
):
    finding = recorded_while_the_broker_was_down(disbursed)
    assert Application.objects.get(pk=disbursed.pk).status == "disbursed"
    run(TODAY)
    finding.refresh_from_db()
    assert finding.processed_at is not None and Application.objects.get(pk=disbursed.pk).status == "revoked"
    assert Recovery.objects.get().amount_due == Decimal("12000.00") and Ban.objects.count() == 1
    assert any(m.subject.startswith(f"处理决定（{DECISION}）") for m in mail_to(mailoutbox, owner))


@pytest.mark.parametrize(
    ("action", "actor_name", "status"),
    [("finance_send_back", "finance", Status.REVOKED), ("withdraw", "owner", Status.WITHDRAWN)],
)
def test_a_finding_on_a_case_that_moved_on_meanwhile_is_still_carried_out(
    request,
    run,
    recorded_while_the_broker_was_down,
    make_application,
    measure,
    owner,
    mailoutbox,
    action,
    actor_name,
    status,
):
    case = make_application("finance_review" if action == "finance_send_back" else "publicity")
    finding = recorded_while_the_broker_was_down(case)
    apply_transition(application_id=case.pk, action=action, actor=request.getfixturevalue(actor_name), comment="核对")
    other = measure.document.measures.exclude(pk=measure.pk).filter(monetary=True).first()
    other.window_closes = TODAY + datetime.timedelta(days=7)
    other.save(update_fields=["window_closes"])
    draft = make_application("draft", measure=other)
    run(TODAY)
    subjects = [m.subject for m in mail_to(mailoutbox, owner)]
    assert f"提醒：申请 {draft.reference} 尚未提交，申报期 2026-11-30 截止" in subjects
    finding.refresh_from_db()
    case.refresh_from_db()
    # Sent back for review: revoked all the same. Withdrawn: it keeps its status; the ban applies either way.
    assert finding.processed_at is not None and case.status == status
    assert Ban.objects.filter(enterprise=owner.enterprise, finding=finding).exists()
