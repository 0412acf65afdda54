"""What a person alone cannot do: propose more than the engine computed without a reason and a second person, submit
figures the profile contradicts or for an unverified enterprise, act on a case that changed after they looked, approve
or pay a banned enterprise without a recorded reason, or record one bank transfer twice; and 公示 keeps the name
the case was submitted under."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ClaimStatus
from applications.models import Application, Ban, Payment
from applications.workflow import Forbidden, Invalid, NotAllowedNow, Stale, apply_transition, available_transitions
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REASON = "培训人数经核实为12人，另有3名新入职职工参训，按实际参训人数核定。"


def act(application, action, actor, **kwargs):
    return apply_transition(application_id=application.pk, action=action, actor=actor, **kwargs)


# A proposal above the engine's figure.


@pytest.fixture
def under_review(make_application):
    return make_application("under_review", estimate_amount=Decimal("12000.00"))


def test_a_proposal_above_the_engines_figure_needs_a_reason(under_review, reviewer):
    with pytest.raises(Invalid, match=r"高于系统测算金额 12,000\.00 元，请在意见中说明理由"):
        act(under_review, "final_review_pass", reviewer, amount=Decimal("99999999"))
    under_review.refresh_from_db()
    assert under_review.status == "under_review" and under_review.proposed_amount is None


def test_a_proposal_above_the_engines_figure_waits_for_the_head_before_publicity(under_review, reviewer, head):
    act(under_review, "final_review_pass", reviewer, amount=Decimal("15000"), comment=REASON)
    with pytest.raises(Invalid, match="须经部门负责人或区级管理员同意后方可公示"):
        act(under_review, "start_publicity", reviewer)
    with pytest.raises(Forbidden):
        act(under_review, "approve_proposal", reviewer)  # a reviewer who is not the head
    approved = act(under_review, "approve_proposal", head)
    assert approved.proposal_approved_by == head and approved.status == "reviewed"
    event = approved.events.get(action="approve_proposal")
    assert (event.actor, event.amount) == (head, Decimal("15000.00"))
    assert act(under_review, "start_publicity", reviewer).status == "publicity"


def test_the_head_who_proposed_cannot_approve_their_own_proposal(under_review, head, district_admin):
    act(under_review, "final_review_pass", head, amount=Decimal("15000"), comment=REASON)
    with pytest.raises(Invalid, match="须由提出人以外"):
        act(under_review, "approve_proposal", head)
    assert act(under_review, "approve_proposal", district_admin).proposal_approved_by == district_admin


def test_the_head_may_send_the_proposal_back_to_final_review(under_review, reviewer, head):
    act(under_review, "final_review_pass", reviewer, amount=Decimal("15000"), comment=REASON)
    assert [t.action for t in available_transitions(head, Application.objects.get(pk=under_review.pk))][:2] == [
        "approve_proposal",
        "refuse_proposal",
    ]
    back = act(under_review, "refuse_proposal", head, comment="参训名单只有12人，请按测算金额核定。")
    assert back.status == "under_review" and not back.proposal_needs_approval


def test_a_proposal_within_the_engines_figure_goes_to_publicity_without_approval(under_review, reviewer, head):
    act(under_review, "final_review_pass", reviewer, amount=Decimal("9000"), comment="参训9人，按实际人数核定。")
    case = Application.objects.get(pk=under_review.pk)
    assert not case.proposal_needs_approval and "approve_proposal" not in [
        t.action for t in available_transitions(head, case)
    ]
    assert act(under_review, "start_publicity", reviewer).status == "publicity"


def test_the_case_page_says_a_proposal_waits_for_approval(client, under_review, reviewer, head):
    act(under_review, "final_review_pass", reviewer, amount=Decimal("15000"), comment=REASON)
    client.force_login(head)
    page = client.get(reverse("admin:applications_application_change", args=[under_review.pk])).content.decode()
    assert "待部门负责人或区级管理员同意" in page and "同意高于测算金额的拟支持金额" in page


def test_the_reviewer_is_not_offered_publicity_while_the_proposal_waits(client, under_review, reviewer, head):
    """The case page showed 开始公示 to the reviewer while the head had not agreed; pressing it was refused."""
    act(under_review, "final_review_pass", reviewer, amount=Decimal("15000"), comment=REASON)
    client.force_login(reviewer)
    change = reverse("admin:applications_application_change", args=[under_review.pk])
    assert "/act/start_publicity/" not in client.get(change).content.decode()
    act(under_review, "approve_proposal", head)
    assert "/act/start_publicity/" in client.get(change).content.decode()


# What the enterprise submits.


def test_more_persons_than_the_profile_has_staff_is_refused(make_application, owner):
    draft = make_application("draft", inputs={"persons": "1000000"})
    with pytest.raises(Invalid) as refused:
        act(draft, "submit", owner)
    assert "填写为 1000000 人，超过企业信息中的从业人员 40 人" in " ".join(refused.value.problems)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_persons_within_the_staff_are_submitted(make_application, owner):
    assert act(make_application("draft", inputs={"persons": "40"}), "submit", owner).status == "submitted"


def test_an_enterprise_whose_claim_is_unverified_cannot_submit(make_application, owner):
    owner.enterprise.claim_status = ClaimStatus.UNVERIFIED
    owner.enterprise.save()
    with pytest.raises(Invalid, match="认领尚未核验，暂不能提交申请"):
        act(make_application("draft"), "submit", owner)


# Acting on what one has seen.


def test_an_action_on_a_case_that_changed_since_the_page_was_opened_is_refused(under_review, reviewer, head):
    seen = under_review.audit_sequence
    act(under_review, "final_review_pass", head, amount=Decimal("12000"))
    with pytest.raises(Stale, match="已有新的办理记录（当前状态：审核通过，待公示）"):
        act(under_review, "reject", reviewer, comment="不符合条件", seen_version=seen)
    under_review.refresh_from_db()
    assert under_review.status == "reviewed" and not under_review.events.filter(action="reject").exists()


def test_the_reject_prepared_on_the_page_does_not_land_after_another_reviewer_passed(client, under_review, head):
    client.force_login(head)
    url = reverse("admin:applications_application_transition", args=[under_review.pk, "reject"])
    form = client.get(url).context["form"]
    other = Client()
    colleague = StaffUserFactory(role=head.role, department=head.department)
    other.force_login(colleague)
    passing = reverse("admin:applications_application_transition", args=[under_review.pk, "final_review_pass"])
    other.post(passing, {"amount": "12000", "seen": under_review.audit_sequence})
    response = client.post(url, {"comment": "不符合条件", "seen": form["seen"].value()}, follow=True)
    under_review.refresh_from_db()
    assert under_review.status == "reviewed"
    assert "已有新的办理记录" in response.content.decode() and "未执行" in response.content.decode()


def test_a_transition_page_opened_from_an_old_case_page_warns(client, under_review, reviewer, head):
    seen = under_review.audit_sequence
    act(under_review, "final_review_pass", head, amount=Decimal("12000"))
    client.force_login(reviewer)
    url = reverse("admin:applications_application_transition", args=[under_review.pk, "reject"])
    response = client.get(f"{url}?seen={seen}", follow=True)
    assert "您打开申请页面后，该申请已有新的办理记录" in response.content.decode()


def test_a_bulk_action_skips_the_cases_that_changed_since_the_page_showed_them(client, make_application, reviewer):
    first, second = make_application("submitted"), make_application("submitted", measure=_other_measure())
    client.force_login(reviewer)
    data = {"action": "do_accept", "_selected_action": [first.pk, second.pk], "apply": "1", "comment": ""}
    data |= {f"seen_{case.pk}": case.audit_sequence for case in (first, second)}
    act(second, "return_for_correction", reviewer, comment="请补充材料")
    page = client.post(reverse("admin:applications_application_changelist"), data, follow=True).content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("under_review", "returned")
    assert f"{second.reference}：您打开页面后" in page


def _other_measure():
    from measures.models import Measure

    return Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")


# A ban at approval and payment.


def ban(enterprise, district, **fields) -> Ban:
    return Ban.objects.create(
        enterprise=enterprise,
        district=district,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=1095),
        decision_number="朝财监〔2026〕3号",
        decision_date=TODAY,
        reason="在另一申请中弄虚作假",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
        **fields,
    )


def test_a_case_opened_before_a_ban_is_neither_approved_nor_paid(make_application, owner, chaoyang, finance):
    in_review, approved = make_application("finance_review"), make_application("approved", measure=_other_measure())
    ban(owner.enterprise, chaoyang)
    with pytest.raises(Invalid, match="禁止申请期内，不能批准或拨付"):
        act(in_review, "finance_approve", finance)
    with pytest.raises(Invalid, match="朝财监〔2026〕3号"):
        act(approved, "record_payment", finance, amount=Decimal("100"), paid_on=TODAY, bank_reference="BAN-1")
    assert not Payment.objects.exists()


def test_a_district_administrator_records_why_the_case_goes_on(
    make_application, owner, chaoyang, finance, district_admin
):
    case = make_application("finance_review")
    ban(owner.enterprise, chaoyang)
    assert "override_ban" not in [t.action for t in available_transitions(finance, case)]
    assert "override_ban" in [t.action for t in available_transitions(district_admin, case)]
    with pytest.raises(Invalid, match="请填写意见或理由"):
        act(case, "override_ban", district_admin)
    act(case, "override_ban", district_admin, comment="法院已判决撤销该查处决定，判决书待送达。")
    event = case.events.get(action="override_ban")
    assert event.actor == district_admin and "判决" in event.comment and event.to_status == "finance_review"
    assert act(case, "finance_approve", finance).status == "approved"


def test_a_ban_recorded_after_the_override_stops_the_case_again(
    make_application, owner, chaoyang, finance, district_admin
):
    case = make_application("finance_review")
    ban(owner.enterprise, chaoyang)
    act(case, "override_ban", district_admin, comment="已核实，与本案无关。")
    later = ban(owner.enterprise, chaoyang)
    Ban.objects.filter(pk=later.pk).update(created_at=timezone.now() + datetime.timedelta(seconds=1))
    with pytest.raises(Invalid, match="禁止申请期内"):
        act(case, "finance_approve", finance)


def test_a_ban_in_another_district_does_not_stop_the_case(make_application, owner, mentougou, finance):
    case = make_application("finance_review")
    ban(owner.enterprise, mentougou)
    assert act(case, "finance_approve", finance).status == "approved"


# One bank transfer, one payment.


def test_the_same_bank_reference_cannot_pay_twice(make_application, finance):
    first, second = make_application("approved"), make_application("approved", measure=_other_measure())
    act(first, "record_payment", finance, amount=Decimal("100"), paid_on=TODAY, bank_reference="CZ-2026-0001")
    with pytest.raises(Invalid, match=f"银行流水号 cz-2026-0001 已登记为申请 {first.reference}"):
        act(second, "record_payment", finance, amount=Decimal("100"), paid_on=TODAY, bank_reference="cz-2026-0001")
    assert second.payments.count() == 0


def test_the_database_refuses_a_second_payment_with_the_same_reference(make_application, finance):
    application = make_application("approved")
    Payment.objects.create(
        application=application, paid_on=TODAY, amount=Decimal("1"), bank_reference="CZ-9", recorded_by=finance
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            application=application, paid_on=TODAY, amount=Decimal("1"), bank_reference="cz-9", recorded_by=finance
        )


def test_the_admin_says_why_a_bank_reference_is_refused(client, make_application, finance):
    first, second = make_application("approved"), make_application("approved", measure=_other_measure())
    act(first, "record_payment", finance, amount=Decimal("100"), paid_on=TODAY, bank_reference="CZ-7")
    client.force_login(finance)
    url = reverse("admin:applications_application_transition", args=[second.pk, "record_payment"])
    data = {"amount": "100", "paid_on": TODAY.isoformat(), "bank_reference": "CZ-7", "seen": second.audit_sequence}
    page = client.post(url, data, follow=True).content.decode()
    assert "同一笔转账不能登记两次" in page and second.payments.count() == 0


# 公示 shows what was submitted.


def test_publicity_shows_the_name_and_code_as_submitted(client, make_application, owner, reviewer):
    case = act(make_application("draft"), "submit", owner)
    submitted_name, code = owner.enterprise.name, owner.enterprise.credit_code
    Application.objects.filter(pk=case.pk).update(
        status="publicity", proposed_amount=Decimal("12000"), publicity_ends_on=TODAY
    )
    owner.enterprise.name = "北京改名后科技有限公司"
    owner.enterprise.save()
    page = client.get(reverse("applications:publicity")).content.decode()
    assert submitted_name in page and code in page and "北京改名后科技有限公司" not in page
    objection = client.get(reverse("applications:objection", args=[case.reference])).content.decode()
    assert submitted_name in objection and "北京改名后科技有限公司" not in objection


def test_a_case_not_yet_in_the_state_an_action_starts_from_is_still_refused_as_before(make_application, reviewer):
    with pytest.raises(NotAllowedNow):
        act(make_application("publicity"), "accept", reviewer, seen_version=0)
