"""Generating a 免申即享 list from the verified data, and its approval as a batch by a second person."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Certification, ClaimStatus
from applications.direct.lists import OFFER_WORKING_DAYS, list_approve, list_discard, list_generate
from applications.models import DirectEntry, DirectList, Notice, NoticeKind, NoticeReceipt
from measures.models import District, PolicyDocument
from measures.workdays import add_working_days

from .conftest import TODAY

pytestmark = pytest.mark.django_db
State = DirectEntry.State


def _entry(direct_list, owner) -> DirectEntry:
    return direct_list.entries.get(enterprise=owner.enterprise)


def test_the_list_holds_who_qualifies_on_verified_figures_and_says_why_the_others_are_left_out(
    measure, reviewer, head, make_owner, verify
):
    listed = make_owner("北京甲科技有限公司")
    verify(listed.enterprise)
    # Verified before it was certified: its own profile qualifies now, the verified one does not.
    later = make_owner("北京乙科技有限公司", certification=None)
    verify(later.enterprise)
    Certification.objects.create(enterprise=later.enterprise, kind="beijing_specialized", certified_on=TODAY)
    never = make_owner("北京丙科技有限公司")  # qualifies on its own profile, never verified
    elsewhere = make_owner("北京丁科技有限公司", **dict.fromkeys(
        ["registered_district", "tax_district", "stats_district"], District.objects.get(name="朝阳区")
    ))  # fmt: skip
    verify_first = make_owner("北京戊科技有限公司")
    verify(verify_first.enterprise)
    type(verify_first.enterprise).objects.filter(pk=verify_first.enterprise.pk).update(
        claim_status=ClaimStatus.UNVERIFIED
    )

    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)

    assert direct_list.state == DirectList.State.PENDING
    entry = _entry(direct_list, listed)
    assert entry.state == State.LISTED
    assert entry.amount == Decimal("300000.00")  # 北京市专精特新 → municipal, 最高30万元
    assert entry.inputs == {"level": "municipal"}
    assert entry.profile_version == listed.enterprise.profile_versions.order_by("-number").first()
    labels = {row["label"]: row for row in entry.checks}
    certification = next(row for label, row in labels.items() if "资质" in label)
    assert certification["outcome"] == "met" and "北京市专精特新中小企业" in certification["figures"]
    assert any("西城区" in row["figures"] for row in entry.checks)

    reason = _entry(direct_list, later).reason
    assert _entry(direct_list, later).state == State.LEFT_OUT
    assert "未经核验的画像符合条件" in reason and "资料中没有" in reason and "北京市专精特新" in reason
    assert "未经工作人员核验" in _entry(direct_list, never).reason
    assert "认领尚未核验" in _entry(direct_list, verify_first).reason
    assert not direct_list.entries.filter(enterprise=elsewhere.enterprise).exists()
    assert direct_list.examined >= 4

    # The department's head is asked to approve, in the inbox and by e-mail.
    notice = Notice.objects.get(kind=NoticeKind.DIRECT_LIST)
    assert notice.recipients == [head.email]
    assert NoticeReceipt.objects.filter(notice=notice, user=head).exists()


def test_the_amount_is_the_rules_for_the_verified_data_earlier_awards_and_ceiling_counted(
    measure, reviewer, make_owner, verify
):
    owner = make_owner("北京小巨人科技有限公司", certification="national_little_giant")
    Certification.objects.create(enterprise=owner.enterprise, kind="innovative_sme", certified_on=TODAY)
    verify(owner.enterprise)
    # Raised afterwards, unverified: the yearly ceiling is still the verified 800,000.
    type(owner.enterprise).objects.filter(pk=owner.enterprise.pk).update(
        prior_year_district_contribution=Decimal("5000000")
    )

    entry = _entry(list_generate(measure_id=measure.pk, user=reviewer, on=TODAY), owner)

    assert entry.inputs == {"level": "national"}  # the highest certification held
    assert entry.amount == Decimal("800000.00")  # 120万 capped at the prior-year district contribution
    assert any(step["detail"].startswith("上年度区级贡献 800,000.00") for step in entry.steps), entry.steps


def test_no_list_for_a_measure_not_in_force_nor_by_someone_outside_the_lead_department(
    measure, reviewer, make_owner, verify, district_admin
):
    with pytest.raises(PermissionDenied):
        list_generate(measure_id=measure.pk, user=district_admin, on=TODAY)
    PolicyDocument.objects.filter(pk=measure.document_id).update(status=PolicyDocument.Status.DRAFT)
    with pytest.raises(ValidationError, match="征求意见稿"):
        list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    assert not DirectList.objects.exists()


def test_one_list_waits_for_approval_at_a_time(measure, reviewer):
    list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    with pytest.raises(ValidationError, match="待审批"):
        list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)


def test_a_list_is_approved_by_a_second_person_the_head_and_the_offers_go_out(
    measure, reviewer, second_reviewer, head, make_owner, verify
):
    owner = make_owner("北京甲科技有限公司")
    verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)

    with pytest.raises(PermissionDenied):
        list_approve(list_id=direct_list.pk, user=reviewer, on=TODAY)  # the one who generated it
    with pytest.raises(PermissionDenied):
        list_approve(list_id=direct_list.pk, user=second_reviewer, on=TODAY)  # neither of the two is the head
    assert not Notice.objects.filter(kind=NoticeKind.DIRECT_OFFER).exists()

    list_approve(list_id=direct_list.pk, user=head, comment="经核对无误。", on=TODAY)

    direct_list.refresh_from_db()
    assert (direct_list.state, direct_list.decided_by) == (DirectList.State.APPROVED, head)
    entry = _entry(direct_list, owner)
    assert entry.state == State.OFFERED
    assert entry.due_on == direct_list.due_on == add_working_days(TODAY, OFFER_WORKING_DAYS)
    offer = Notice.objects.get(kind=NoticeKind.DIRECT_OFFER)
    assert offer.enterprise == owner.enterprise and owner.email in offer.recipients
    assert "300,000.00" in offer.body and f"/mianshen/{entry.pk}/" in offer.body
    assert NoticeReceipt.objects.filter(notice=offer, user=owner).exists()  # in its inbox
    with pytest.raises(ValidationError):
        list_approve(list_id=direct_list.pk, user=head, on=TODAY)  # approved once


def test_a_list_the_head_generated_is_approved_by_a_reviewer_of_the_department(measure, head, second_reviewer):
    direct_list = list_generate(measure_id=measure.pk, user=head, on=TODAY)
    list_approve(list_id=direct_list.pk, user=second_reviewer, on=TODAY)
    direct_list.refresh_from_db()
    assert direct_list.decided_by == second_reviewer


def test_a_discarded_list_offers_nothing_and_keeps_its_reason(measure, reviewer, head, make_owner, verify):
    owner = make_owner("北京甲科技有限公司")
    verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    with pytest.raises(ValidationError):
        list_discard(list_id=direct_list.pk, user=head, comment=" ")
    list_discard(list_id=direct_list.pk, user=head, comment="数据年度有误，重新核验后再生成。")
    direct_list.refresh_from_db()
    assert direct_list.state == DirectList.State.DISCARDED
    assert _entry(direct_list, owner).state == State.LISTED
    assert not Notice.objects.filter(kind=NoticeKind.DIRECT_OFFER).exists()
    # A new list can be generated once the pending one is gone.
    assert list_generate(measure_id=measure.pk, user=reviewer, on=TODAY).state == DirectList.State.PENDING
