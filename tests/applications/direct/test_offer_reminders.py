"""The reminder before a 免申即享 offer lapses: 3 working days before its last day, by e-mail and in the inbox, once
across sweeps; none for an offer already answered."""

import datetime

import pytest

from applications.deadlines.offer_reminders import REMIND_WORKING_DAYS
from applications.deadlines.reminders import sweep_deadlines
from applications.direct.lists import list_approve, list_generate
from applications.direct.offers import offer_decline
from applications.models import DirectEntry, Notice, NoticeKind, NoticePreference, NoticeReceipt
from measures.workdays import add_working_days

from .conftest import TODAY

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 11, 27)
NEXT_WEDNESDAY = datetime.date(2026, 12, 2)  # 3 working days after FRIDAY, 5 calendar days


@pytest.fixture
def offered(measure, reviewer, head, make_owner, verify):
    """A Xicheng 北京市专精特新 enterprise offered 300,000.00 元 by a list approved on TODAY; returns (owner, entry)."""
    owner = make_owner("北京甲科技有限公司")
    verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    list_approve(list_id=direct_list.pk, user=head, comment="经核对无误。", on=TODAY)
    return owner, direct_list.entries.get(enterprise=owner.enterprise)


def reminders():
    return Notice.objects.filter(kind=NoticeKind.DIRECT_OFFER_DUE)


def sweep(day, capture):
    with capture(execute=True):
        return sweep_deadlines(today=day)


def test_the_enterprise_is_reminded_three_working_days_before_the_offer_lapses(
    offered, mailoutbox, django_capture_on_commit_callbacks
):
    owner, entry = offered
    remind_on = add_working_days(entry.due_on, -REMIND_WORKING_DAYS)
    assert (
        sweep(remind_on - datetime.timedelta(days=1), django_capture_on_commit_callbacks)["direct_offers_reminded"] == 0
    )
    mailoutbox.clear()
    assert sweep(remind_on, django_capture_on_commit_callbacks)["direct_offers_reminded"] == 1
    [email] = [m for m in mailoutbox if owner.email in m.to]
    assert email.subject == f"提醒：免申即享确认期限 {entry.due_on:%Y-%m-%d} 届满，逾期视为放弃"
    assert f"确认期限 {entry.due_on:%Y-%m-%d} 届满。还有 3 个工作日。逾期未确认视为放弃。" in email.body
    measure = entry.direct_list.measure
    assert f"{measure.citation} {measure.title}" in email.body and "300,000.00 元" in email.body
    assert f"/mianshen/{entry.pk}/" in email.body
    assert NoticeReceipt.objects.get(user=owner, notice__kind=NoticeKind.DIRECT_OFFER_DUE).read_at is None


def test_it_is_sent_once_however_many_sweeps_run(offered, mailoutbox, django_capture_on_commit_callbacks):
    owner, entry = offered
    remind_on = add_working_days(entry.due_on, -REMIND_WORKING_DAYS)
    sweep(remind_on, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    for day in (remind_on, remind_on + datetime.timedelta(days=1), entry.due_on):
        assert sweep(day, django_capture_on_commit_callbacks)["direct_offers_reminded"] == 0
    assert reminders().count() == 1 and not [m for m in mailoutbox if owner.email in m.to]


def test_working_days_are_counted_across_the_weekend(offered, django_capture_on_commit_callbacks):
    _owner, entry = offered
    DirectEntry.objects.filter(pk=entry.pk).update(due_on=NEXT_WEDNESDAY)
    assert sweep(FRIDAY - datetime.timedelta(days=1), django_capture_on_commit_callbacks)["direct_offers_reminded"] == 0
    assert sweep(FRIDAY, django_capture_on_commit_callbacks)["direct_offers_reminded"] == 1
    assert reminders().get().due_on == NEXT_WEDNESDAY


def test_an_answered_offer_is_not_reminded(offered, django_capture_on_commit_callbacks):
    owner, entry = offered
    offer_decline(entry_id=entry.pk, user=owner, reason="不需要。", on=TODAY)
    sweep(add_working_days(entry.due_on, -REMIND_WORKING_DAYS), django_capture_on_commit_callbacks)
    assert not reminders().exists()


def test_an_enterprise_that_chose_a_digest_finds_it_held_in_its_inbox(
    offered, mailoutbox, django_capture_on_commit_callbacks
):
    owner, entry = offered
    NoticePreference.objects.create(user=owner, delivery=NoticePreference.Delivery.DIGEST)
    mailoutbox.clear()
    sweep(add_working_days(entry.due_on, -REMIND_WORKING_DAYS), django_capture_on_commit_callbacks)
    assert reminders().get().state == Notice.State.HELD and not [m for m in mailoutbox if owner.email in m.to]
    assert NoticeReceipt.objects.get(user=owner, notice__kind=NoticeKind.DIRECT_OFFER_DUE).held


def test_each_enterprise_of_the_list_gets_its_own_reminder_chunk_by_chunk(
    measure, reviewer, head, make_owner, verify, settings, django_capture_on_commit_callbacks
):
    settings.SWEEP_CHUNK_SIZE = 1
    owners = [make_owner(name) for name in ("北京甲科技有限公司", "北京乙科技有限公司")]
    for owner in owners:
        verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer, on=TODAY)
    direct_list = list_approve(list_id=direct_list.pk, user=head, comment="经核对无误。", on=TODAY)
    stats = sweep(add_working_days(direct_list.due_on, -REMIND_WORKING_DAYS), django_capture_on_commit_callbacks)
    assert stats["direct_offers_reminded"] == 2
    assert sorted(reminders().values_list("recipients", flat=True)) == sorted([[o.email] for o in owners])
