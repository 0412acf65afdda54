"""The enterprise's answer to a 免申即享 offer: confirm (a case in 公示, then finance as any other), decline, lapse;
the eligibility of the list frozen with the case; the audit chain from the list to the money."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.audit import verify_chain
from applications.deadlines.reminders import sweep_deadlines
from applications.direct.lists import list_approve, list_generate
from applications.direct.offers import offer_confirm, offer_decline
from applications.models import Application, DirectEntry, Notice, Status
from applications.workflow import apply_transition
from applications.workflow.services import publicity_close_due
from tests.factories import EnterpriseUserFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db
State = DirectEntry.State
ACCOUNT = {"bank_name": "中国工商银行北京西单支行", "bank_account": "0200 0045 0902 1234 567"}


@pytest.fixture
def offered(measure, reviewer, head, make_owner, verify):
    """A Xicheng 北京市专精特新 enterprise offered 300,000.00 元 by an approved list; returns (owner, entry)."""
    owner = make_owner("北京甲科技有限公司")
    verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    list_approve(list_id=direct_list.pk, user=head, comment="经核对无误。", on=TODAY)
    return owner, direct_list.entries.get(enterprise=owner.enterprise)


def _confirm(owner, entry, **changes):
    fields = {
        "entry_id": entry.pk,
        "user": owner,
        "bank_account_name": owner.enterprise.name,
        "declarations": {"truthful": True},
        "on": TODAY,
        **ACCOUNT,
        **changes,
    }
    return offer_confirm(**fields)


def test_a_confirmed_offer_is_a_case_in_publicity_that_goes_on_to_finance_and_payment(
    offered, measure, reviewer, head, finance
):
    owner, entry = offered
    case = _confirm(owner, entry)

    assert case.status == Status.PUBLICITY
    assert case.proposed_amount == case.estimate_amount == Decimal("300000.00")
    assert case.publicity_starts_on == TODAY and case.publicity_ends_on > TODAY
    assert case.declarations == {"truthful": True}
    entry.refresh_from_db()
    assert (entry.state, entry.application, entry.bank_account) == (State.CONFIRMED, case, "020000450902123456" + "7")
    # The audit chain starts with the list: who generated it, who approved it, then the enterprise's confirmation.
    events = list(case.events.order_by("sequence"))
    assert [(e.action, e.actor) for e in events] == [
        ("direct_list", reviewer),
        ("direct_approve", head),
        ("offer_confirm", owner),
    ]
    assert "第1版" in events[0].comment and "300,000.00" in events[0].comment
    assert "中国工商银行北京西单支行" in events[2].comment and events[2].amount == Decimal("300000.00")
    assert not verify_chain(events, case)
    # The enterprise is told, as of any step of its case.
    assert Notice.objects.filter(event=events[2], audience="enterprise").exists()

    # 公示 ends with no objection, finance approves and pays, as for any case.
    assert publicity_close_due(today=case.publicity_ends_on + datetime.timedelta(days=1)) == [case]
    apply_transition(application_id=case.pk, action="finance_approve", actor=finance)
    apply_transition(
        application_id=case.pk,
        action="record_payment",
        actor=finance,
        amount=Decimal("300000.00"),
        paid_on=TODAY,
        bank_reference="XC-2026-0001",
    )
    case.refresh_from_db()
    assert case.status == Status.DISBURSED and case.approved_amount == Decimal("300000.00")
    assert not verify_chain(list(case.events.order_by("sequence")), case)


def test_the_eligibility_of_the_list_is_frozen_with_the_case(offered, verify):
    owner, entry = offered
    verified_version = entry.profile_version
    rules = (entry.rule_version, entry.rule_snapshot)
    # After the list, the enterprise changes its profile and staff verify it again.
    enterprise = owner.enterprise
    enterprise.certifications.all().delete()
    enterprise.employees = 900
    enterprise.save()
    verify(enterprise)

    case = _confirm(owner, entry)

    assert case.profile_version == verified_version
    assert case.profile_version.data["certifications"][0]["kind"] == "beijing_specialized"
    assert (case.rule_version, case.rule_snapshot) == rules and case.rule_version
    assert case.inputs == {"level": "municipal"} and case.proposed_amount == Decimal("300000.00")


def test_confirming_needs_the_account_of_the_enterprise_and_every_declaration(offered):
    owner, entry = offered
    with pytest.raises(ValidationError, match="账户名称须与企业名称"):
        _confirm(owner, entry, bank_account_name="张三")
    with pytest.raises(ValidationError, match="8至30位数字"):
        _confirm(owner, entry, bank_account="12AB")
    with pytest.raises(ValidationError, match="承诺事项"):
        _confirm(owner, entry, declarations={})
    with pytest.raises(PermissionDenied):
        _confirm(EnterpriseUserFactory(), entry)  # another enterprise's user
    entry.refresh_from_db()
    assert entry.state == State.OFFERED and not Application.objects.filter(enterprise=owner.enterprise).exists()


def test_a_declined_offer_is_recorded_as_a_case_ended_at_once(offered, reviewer, head):
    owner, entry = offered
    case = offer_decline(entry_id=entry.pk, user=owner, reason="本年度已申报市级同类资金。", on=TODAY)

    assert case.status == Status.WITHDRAWN
    entry.refresh_from_db()
    assert (entry.state, entry.application, entry.decline_reason) == (
        State.DECLINED,
        case,
        "本年度已申报市级同类资金。",
    )
    events = list(case.events.order_by("sequence"))
    assert [(e.action, e.actor) for e in events] == [
        ("direct_list", reviewer),
        ("direct_approve", head),
        ("offer_decline", owner),
    ]
    assert not verify_chain(events, case)
    with pytest.raises(ValidationError, match="已答复"):
        _confirm(owner, entry)


def test_an_offer_not_answered_by_its_date_lapses_in_the_deadline_sweep(offered):
    owner, entry = offered
    assert sweep_deadlines(today=entry.due_on)["direct_offers_lapsed"] == 0  # the last day is still open

    stats = sweep_deadlines(today=entry.due_on + datetime.timedelta(days=1))

    assert stats["direct_offers_lapsed"] == 1
    entry.refresh_from_db()
    assert entry.state == State.LAPSED and entry.application.status == Status.LAPSED
    events = list(entry.application.events.order_by("sequence"))
    assert events[-1].action == "offer_lapse" and events[-1].actor is None
    assert Notice.objects.filter(event=events[-1], audience="enterprise").exists()
    assert sweep_deadlines(today=entry.due_on + datetime.timedelta(days=2))["direct_offers_lapsed"] == 0
    with pytest.raises(ValidationError):
        _confirm(owner, entry, on=entry.due_on + datetime.timedelta(days=1))
