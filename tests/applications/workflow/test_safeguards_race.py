"""The safeguards under load on PostgreSQL: two finance officers recording one bank transfer on two cases at the
same moment, and two reviewers deciding one case from the same page state, each get exactly one of the two through."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from applications.models import Payment
from applications.workflow import Invalid, NotAllowedNow, apply_transition
from applications.workflow import transitions as workflow
from tests.conftest import require_service
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls) -> list[str]:
    """Start the calls at the same moment, each in its own thread and connection; return "ok" or each refusal."""
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except (Invalid, NotAllowedNow) as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def slow_events(monkeypatch):
    """Hold each transaction open a moment after its change, long enough for the other to arrive."""
    write_event = workflow.write_event

    def slow_write_event(*args, **kwargs):
        time.sleep(0.5)
        return write_event(*args, **kwargs)

    monkeypatch.setattr(workflow, "write_event", slow_write_event)


def test_one_bank_transfer_recorded_on_two_cases_at_once_pays_once(policy_data, make_application, finance, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "concurrent inserts need PostgreSQL")
    from measures.models import Measure

    second_finance = StaffUserFactory(role=finance.role, staff_district=finance.staff_district)
    first = make_application("approved")
    second = make_application(
        "approved", measure=Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")
    )
    slow_events(monkeypatch)
    today = timezone.localdate()

    def pay(case, officer):
        return lambda: apply_transition(
            application_id=case.pk,
            action="record_payment",
            actor=officer,
            amount=Decimal("100"),
            paid_on=today,
            bank_reference="CZ-RACE-1",
        )

    outcomes = run_together(pay(first, finance), pay(second, second_finance))
    refused = [outcome for outcome in outcomes if outcome != "ok"]
    assert outcomes.count("ok") == 1 and len(refused) == 1 and "同一笔转账不能登记两次" in refused[0]
    assert Payment.objects.filter(bank_reference="CZ-RACE-1").count() == 1


def test_a_reject_and_a_pass_prepared_on_the_same_page_state_apply_only_one(
    policy_data, make_application, reviewer, head, monkeypatch
):
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL")
    case = make_application("under_review", estimate_amount=Decimal("12000"))
    seen = case.audit_sequence
    slow_events(monkeypatch)

    def decide(action, actor, **kwargs):
        return lambda: apply_transition(application_id=case.pk, action=action, actor=actor, seen_version=seen, **kwargs)

    outcomes = run_together(
        decide("final_review_pass", reviewer, amount=Decimal("12000")),
        decide("reject", head, comment="不符合条件"),
    )
    refused = [outcome for outcome in outcomes if outcome != "ok"]
    assert outcomes.count("ok") == 1 and len(refused) == 1 and "已有新的办理记录" in refused[0]
    case.refresh_from_db()
    assert case.events.count() == 1 and case.status in {"reviewed", "rejected"}
    assert case.status_changed_at > timezone.now() - datetime.timedelta(minutes=1)
