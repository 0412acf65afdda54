"""The head's e-mail when a proposal above the engine's figure waits for their approval: to the heads of the lead
department (never the proposer), the district's administrators where no head is recorded, in the inbox, and held
for a daily digest by a head who chose one; then the reviewers' e-mail of the head's answer."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import StaffRole
from applications.models import Notice, NoticeKind, NoticePreference, NoticeReceipt
from applications.notices.digest import send_notice_digests
from applications.workflow import apply_transition
from tests.applications.conftest import department
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

REASON = "培训人数经核实为15人，按实际参训人数核定。"


@pytest.fixture
def under_review(make_application):
    return make_application("under_review", estimate_amount=Decimal("12000.00"))


def propose(application, reviewer, amount="15000", comment=REASON, capture=None):
    with capture(execute=True):
        return apply_transition(
            application_id=application.pk,
            action="final_review_pass",
            actor=reviewer,
            amount=Decimal(amount),
            comment=comment,
        )


def to(mailoutbox, user):
    return [m for m in mailoutbox if user.email in m.to]


def test_the_head_is_told_a_proposal_above_the_figure_waits_for_them(
    under_review, reviewer, head, mailoutbox, django_capture_on_commit_callbacks
):
    propose(under_review, reviewer, capture=django_capture_on_commit_callbacks)
    [email] = to(mailoutbox, head)
    assert email.subject == f"待同意：申请 {under_review.reference} 的拟支持金额 15,000.00 元（高于测算金额）"
    assert "拟支持金额：15,000.00 元" in email.body and "系统测算金额：12,000.00 元" in email.body
    assert REASON in email.body and f"/admin/applications/application/{under_review.pk}/change/" in email.body
    assert to(mailoutbox, reviewer) == []  # the proposer is not asked to approve their own proposal


def test_it_is_in_the_heads_inbox(under_review, reviewer, head, django_capture_on_commit_callbacks):
    propose(under_review, reviewer, capture=django_capture_on_commit_callbacks)
    receipt = NoticeReceipt.objects.get(user=head)
    assert receipt.notice.kind == NoticeKind.PROPOSAL_APPROVAL and receipt.notice.application == under_review
    assert not NoticeReceipt.objects.filter(user=reviewer, notice__kind=NoticeKind.PROPOSAL_APPROVAL).exists()


def test_only_the_heads_of_the_lead_department_in_the_district_are_told(
    under_review, reviewer, head, chaoyang, mentougou, mailoutbox, django_capture_on_commit_callbacks
):
    other_head = StaffUserFactory(
        role=StaffRole.REVIEWER, department=department(chaoyang, "区发展改革委"), is_head=True
    )
    elsewhere = StaffUserFactory(
        role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"), is_head=True
    )
    propose(under_review, reviewer, capture=django_capture_on_commit_callbacks)
    notice = Notice.objects.get(kind=NoticeKind.PROPOSAL_APPROVAL)
    assert notice.recipients == [head.email] and notice.audience == Notice.Audience.HEAD
    assert to(mailoutbox, other_head) == to(mailoutbox, elsewhere) == []


def test_a_proposal_within_the_figure_tells_no_head(
    under_review, reviewer, head, mailoutbox, django_capture_on_commit_callbacks
):
    propose(under_review, reviewer, amount="9000", comment="参训9人。", capture=django_capture_on_commit_callbacks)
    assert to(mailoutbox, head) == [] and not Notice.objects.filter(kind=NoticeKind.PROPOSAL_APPROVAL).exists()


def test_a_heads_own_proposal_goes_to_the_district_administrators_when_no_other_head_is_recorded(
    under_review, head, district_admin, mailoutbox, django_capture_on_commit_callbacks
):
    propose(under_review, head, capture=django_capture_on_commit_callbacks)
    assert to(mailoutbox, head) == [] and len(to(mailoutbox, district_admin)) == 1
    assert "待您同意" in to(mailoutbox, district_admin)[0].body


def test_a_head_who_chose_a_digest_gets_it_in_the_next_digest(
    under_review, reviewer, head, mailoutbox, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(user=head, delivery=NoticePreference.Delivery.DIGEST)
    propose(under_review, reviewer, capture=django_capture_on_commit_callbacks)
    assert to(mailoutbox, head) == []
    assert Notice.objects.get(kind=NoticeKind.PROPOSAL_APPROVAL).state == Notice.State.HELD
    with django_capture_on_commit_callbacks(execute=True):
        send_notice_digests(today=timezone.localdate())
    [digest] = to(mailoutbox, head)
    assert f"待同意：申请 {under_review.reference}" in digest.body


@pytest.mark.parametrize(
    ("action", "comment", "said"),
    [
        ("approve_proposal", "", "同意高于测算金额的拟支持金额"),
        ("refuse_proposal", "请按测算金额核定。", "请按测算金额核定。"),
    ],
)
def test_the_reviewers_are_told_of_the_heads_answer(
    under_review, reviewer, head, action, comment, said, mailoutbox, django_capture_on_commit_callbacks
):
    propose(under_review, reviewer, capture=django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(application_id=under_review.pk, action=action, actor=head, comment=comment)
    [email] = to(mailoutbox, reviewer)
    assert email.subject.startswith(f"待办：申请 {under_review.reference}") and said in email.body
    assert to(mailoutbox, head) == []  # not told of their own answer
