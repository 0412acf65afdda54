"""The transition table: every action, every role; the audit trail it writes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Event
from applications.workflow import TRANSITIONS, Forbidden, Invalid, NotAllowedNow, apply_transition
from applications.workflow.permissions import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)

# For each action: the state (and fields) the case starts in, and what the action is given.
SETUP = {
    "submit": ("draft", {}, {}),
    "resubmit": ("returned", {"correction_due_on": TODAY}, {}),
    "return_for_correction": ("submitted", {}, {"comment": "请补充培训名单"}),
    "accept": ("submitted", {}, {}),
    "final_review_pass": ("under_review", {"estimate_amount": Decimal("12000")}, {"amount": Decimal("12000")}),
    "approve_proposal": ("reviewed", {"proposal_needs_approval": True}, {}),
    "refuse_proposal": ("reviewed", {"proposal_needs_approval": True}, {"comment": "金额依据不足"}),
    "override_ban": ("finance_review", {}, {"comment": "判决撤销查处决定前已审定，继续拨付"}),
    "mark_sampled": ("reviewed", {}, {}),
    "verify": ("verification", {}, {}),
    "start_publicity": ("reviewed", {}, {}),
    "object": ("publicity", {"publicity_ends_on": TODAY}, {"comment": "培训人数不实"}),
    "end_publicity": ("publicity", {"publicity_ends_on": YESTERDAY}, {}),
    "end_publicity_after_objections": ("publicity", {"publicity_ends_on": YESTERDAY}, {}),
    "finance_approve": ("finance_review", {}, {}),
    "finance_send_back": ("finance_review", {}, {"comment": "金额有误"}),
    "record_payment": (
        "approved",
        {},
        {"amount": Decimal("5000"), "paid_on": TODAY, "bank_reference": "BJ-0001"},
    ),
    "close": ("disbursed", {}, {}),
    "reject": ("submitted", {}, {"comment": "不符合申报条件"}),
    "withdraw": ("submitted", {}, {}),
    "lapse": ("returned", {"correction_due_on": YESTERDAY}, {}),
    "revoke": ("disbursed", {}, {"comment": "朝政罚〔2026〕1号：虚报培训人数"}),
}
ACTORS = {
    "owner": {Role.ENTERPRISE},
    "outsider": set(),
    "reviewer": {Role.REVIEWER},
    "head": {Role.REVIEWER, Role.HEAD},
    "other_reviewer": set(),
    "finance": {Role.FINANCE},
    "other_finance": set(),
    "district_admin": {Role.DISTRICT_ADMIN},
    "auditor": set(),
    "system": {Role.SYSTEM},
}
# What a case needs besides its fields for the action to apply (override_ban: a ban of the enterprise).
PREPARE = {
    "override_ban": lambda application: ban_enterprise(application),
    "end_publicity_after_objections": lambda application: dismissed_objection(application),
}


def dismissed_objection(application):
    from applications.models import Objection

    return Objection.objects.create(
        application=application, name="王先生", contact="13712345678", text="人数不实", outcome="dismissed"
    )


def ban_enterprise(application):
    from applications.models import Ban

    return Ban.objects.create(
        enterprise=application.enterprise,
        district=application.district,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=1095),
        decision_number="朝财监〔2026〕1号",
        decision_date=TODAY,
        reason="另案查处",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )


def actor_for(name, request):
    return None if name == "system" else request.getfixturevalue(name)


def test_every_action_of_the_table_is_exercised():
    assert set(SETUP) == set(TRANSITIONS)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("action", TRANSITIONS)
def test_only_the_roles_of_the_table_may_act(request, make_application, action, who):
    status, fields, kwargs = SETUP[action]
    application = make_application(status, **fields)
    if action in PREPARE:
        PREPARE[action](application)
    transition = TRANSITIONS[action]
    if ACTORS[who] & transition.roles:
        result = apply_transition(application_id=application.pk, action=action, actor=actor_for(who, request), **kwargs)
        assert result.status in {transition.target or status, transition.target_when_partly_paid}
    else:
        with pytest.raises(Forbidden, match="无权"):
            apply_transition(application_id=application.pk, action=action, actor=actor_for(who, request), **kwargs)


def test_an_action_from_the_wrong_state_is_refused_in_chinese(make_application, reviewer):
    application = make_application("publicity")
    with pytest.raises(NotAllowedNow, match="当前状态为“公示中”，不能“预审通过”"):
        apply_transition(application_id=application.pk, action="accept", actor=reviewer)


def test_a_rejection_needs_a_reason(make_application, reviewer):
    application = make_application("submitted")
    with pytest.raises(Invalid, match="请填写意见或理由"):
        apply_transition(application_id=application.pk, action="reject", actor=reviewer, comment="  ")


def test_a_proposed_amount_above_the_ceiling_is_refused(make_application, reviewer):
    application = make_application("under_review", amount_ceiling=Decimal("10000"))
    with pytest.raises(Invalid, match=re.escape("上限 10,000.00 元")):
        apply_transition(
            application_id=application.pk, action="final_review_pass", actor=reviewer, amount=Decimal("12000")
        )


def test_finance_cannot_approve_more_than_proposed(make_application, finance):
    application = make_application("finance_review")
    with pytest.raises(Invalid, match="不能超过主管部门的拟支持金额"):
        apply_transition(
            application_id=application.pk, action="finance_approve", actor=finance, amount=Decimal("13000")
        )


def test_each_transition_writes_an_event_with_who_from_to_and_amount(make_application, reviewer):
    application = make_application("under_review")
    apply_transition(
        application_id=application.pk,
        action="final_review_pass",
        actor=reviewer,
        amount=Decimal("9000"),
        comment="核定",
    )
    event = Event.objects.get(application=application)
    assert (event.actor, event.from_status, event.to_status) == (reviewer, "under_review", "reviewed")
    assert event.amount == Decimal("9000") and event.amount_field == "proposed_amount" and event.comment == "核定"


def test_a_failed_transition_writes_nothing(make_application, reviewer):
    application = make_application("submitted")
    with pytest.raises(Invalid):
        apply_transition(application_id=application.pk, action="return_for_correction", actor=reviewer)
    application.refresh_from_db()
    assert application.status == "submitted" and not application.events.exists()


def test_a_return_sets_the_request_and_a_deadline(make_application, reviewer):
    application = make_application("submitted")
    result = apply_transition(
        application_id=application.pk, action="return_for_correction", actor=reviewer, comment="请补充培训名单"
    )
    assert result.correction_request == "请补充培训名单" and result.correction_due_on > timezone.localdate()


def test_sampling_flags_the_case_and_sets_a_verification_deadline(make_application, reviewer):
    application = make_application("reviewed")
    result = apply_transition(application_id=application.pk, action="mark_sampled", actor=reviewer)
    assert result.sampled and result.status == "verification" and result.verification_due_on > timezone.localdate()


def test_publicity_lasts_the_measures_working_days(make_application, reviewer, measure):
    measure.publicity_working_days = 5
    measure.save()
    monday = datetime.date(2026, 11, 23)
    result = apply_transition(
        application_id=make_application("reviewed").pk, action="start_publicity", actor=reviewer, on=monday
    )
    assert (result.publicity_starts_on, result.publicity_ends_on) == (monday, datetime.date(2026, 11, 27))


def test_publicity_cannot_end_early(make_application, district_admin):
    application = make_application("publicity", publicity_ends_on=timezone.localdate())
    with pytest.raises(Invalid, match="尚未结束"):
        apply_transition(application_id=application.pk, action="end_publicity", actor=district_admin)
