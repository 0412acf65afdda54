"""The audit trail's hash chain: each event of a case links to the one before it, the case records where its chain
ends, and `verify_audit_chain` names the case whose history was changed, cut or re-linked behind the application's
back (raw SQL)."""

import datetime
import importlib
import os
import subprocess
import sys
import threading
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.audit import unkeyed_event_hash
from applications.models import Application, Event, FraudFinding, Recovery
from applications.sanctions.findings import finding_process, repayment_record
from applications.workflow import apply_transition
from measures.models import Measure
from tests.celery_harness import database_url
from tests.conftest import require_service
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_application, measure, owner, reviewer):
    """A case with three events (returned, corrected, rejected), and another enterprise's case with one."""
    case = make_application("submitted")
    for action, actor, comment in [
        ("return_for_correction", reviewer, "请补充名单"),
        ("resubmit", owner, ""),
        ("reject", reviewer, "不符合条件"),
    ]:
        apply_transition(application_id=case.pk, action=action, actor=actor, comment=comment)
    other = ApplicationFactory(status="under_review", measure=measure, created_by=EnterpriseUserFactory())
    apply_transition(
        application_id=other.pk,
        action="final_review_pass",
        actor=reviewer,
        amount=Decimal("8000"),
        comment="按培训人数核定",
    )
    return case


def events(case) -> list[Event]:
    return list(case.events.order_by("sequence"))


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=out)
    return out.getvalue()


def broken() -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    return failure.value, err.getvalue()


def sql(statement: str, *params) -> None:
    """Run a statement as an insider with a superuser's rights: on PostgreSQL, one who switches off the trigger that
    refuses changes to events for it (the production role has no such right, README "Production")."""
    guarded = connection.vendor == "postgresql" and "applications_event" in statement
    with connection.cursor() as cursor:
        if guarded:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(statement, params)
        if guarded:
            cursor.execute("SET session_replication_role = origin")


def head(case) -> tuple[int, str]:
    """Return where the case's row says its chain ends."""
    return Application.objects.values_list("audit_sequence", "audit_hash").get(pk=case.pk)


def delete_events(*event_ids) -> None:
    marks = ", ".join(["%s"] * len(event_ids))
    # Its e-mails refer to it, and the inbox's copies to them.
    notices = f"SELECT id FROM applications_notice WHERE event_id IN ({marks})"
    sql(f"DELETE FROM applications_noticereceipt WHERE notice_id IN ({notices})", *event_ids)
    sql(f"DELETE FROM applications_notice WHERE event_id IN ({marks})", *event_ids)
    sql(f"DELETE FROM applications_event WHERE id IN ({marks})", *event_ids)


def note(case, comment: str = "电话核实") -> Event:
    return Event.objects.create(
        application=case, action="note", action_label="备注", to_status=case.status, comment=comment
    )


def test_events_are_numbered_and_each_links_to_the_one_before(history):
    chain = events(history)
    assert [e.sequence for e in chain] == [1, 2, 3]
    assert [e.prev_hash for e in chain] == ["", chain[0].hash, chain[1].hash]
    assert all(len(e.hash) == 64 for e in chain) and len({e.hash for e in chain}) == 3


def test_an_intact_trail_passes(history):
    assert verify() == "4 events of 2 applications checked, 0 problems: the audit trail is intact.\n"


def test_a_comment_changed_with_raw_sql_is_found(history):
    first = events(history)[0]
    sql("UPDATE applications_event SET comment = %s WHERE id = %s", "材料齐全", first.pk)
    error, report = broken()
    assert error.returncode == 1 and "1 problems" in str(error)
    assert f"application {history.pk} ({history.reference}), event #1" in report
    assert "content does not match its hash" in report


def test_rewriting_an_event_and_its_hash_breaks_the_link_from_the_next(history):
    first = events(history)[0]
    first.comment = "材料齐全"
    sql(
        "UPDATE applications_event SET comment = %s, hash = %s WHERE id = %s",
        "材料齐全",
        first.compute_hash(),
        first.pk,
    )
    _error, report = broken()
    assert f"({history.reference}), event #2" in report and "does not link to the previous event" in report


def test_an_event_deleted_with_raw_sql_is_found(history):
    second = events(history)[1]
    delete_events(second.pk)
    _error, report = broken()
    assert f"({history.reference}), event #3" in report
    assert "sequence 3 where 2 was expected (an event is missing)" in report


def test_a_broken_prev_hash_is_found(history):
    second = events(history)[1]
    sql("UPDATE applications_event SET prev_hash = %s WHERE id = %s", "0" * 64, second.pk)
    _error, report = broken()
    assert f"({history.reference}), event #2" in report and "does not link to the previous event" in report


def test_only_the_damaged_case_is_named(history):
    sql("UPDATE applications_event SET amount = 99999 WHERE id = %s", events(history)[0].pk)
    _error, report = broken()
    other = Event.objects.exclude(application=history).get().application
    assert history.reference in report and other.reference not in report


def test_an_event_cannot_be_saved_again(history):
    event = events(history)[0]
    event.comment = "改写历史"
    with pytest.raises(PermissionError):
        event.save()
    assert Event.objects.get(pk=event.pk).comment == "请补充名单"


def test_an_event_cannot_be_deleted(history):
    with pytest.raises(PermissionError):
        events(history)[0].delete()
    with pytest.raises(PermissionError):
        history.events.all().delete()
    assert history.events.count() == 3


def test_events_cannot_be_updated_through_the_orm(history):
    with pytest.raises(PermissionError):
        Event.objects.update(created_at=timezone.now())
    with pytest.raises(PermissionError):
        history.events.update(comment="x")
    assert "4 events" in verify() and "intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_manage_py_exits_non_zero_naming_the_case(make_application, reviewer, settings):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the command runs in another process")
    case = make_application("submitted")
    apply_transition(application_id=case.pk, action="accept", actor=reviewer)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
    }

    sql("UPDATE applications_event SET to_status = %s WHERE application_id = %s", "approved", case.pk)
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit_chain"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and case.reference in result.stderr


def test_the_case_records_its_last_events_sequence_and_hash(history):
    assert head(history) == (3, events(history)[-1].hash)


def test_a_case_without_events_records_none(make_application):
    case = make_application("draft")
    assert head(case) == (0, "")
    assert verify() == "0 events of 1 applications checked, 0 problems: the audit trail is intact.\n"


def test_the_last_event_deleted_with_raw_sql_is_found(history):
    second, third = events(history)[1:]
    delete_events(third.pk)
    error, report = broken()
    assert error.returncode == 1 and "1 problems" in str(error)
    assert report == (
        f"application {history.pk} ({history.reference}), event #2 (id {second.pk}): "
        "the chain ends at sequence 2 but the case records 3 (its last events are missing)\n"
    )


def test_all_events_of_a_case_deleted_with_raw_sql_are_found(history):
    delete_events(*[e.pk for e in events(history)])
    error, report = broken()
    assert "1 problems" in str(error)
    assert report == f"application {history.pk} ({history.reference}): the case records 3 events but has none\n"


def test_an_event_inserted_at_the_end_with_raw_sql_is_found(history):
    last = events(history)[-1]
    forged = Event(application=history, action="note", action_label="备注", to_status="rejected", comment="补录")
    forged.sequence, forged.prev_hash, forged.created_at = 4, last.hash, timezone.now()
    sql(
        "INSERT INTO applications_event (application_id, action, action_label, from_status, to_status, comment, "
        "amount_field, created_at, sequence, prev_hash, hash) VALUES (%s, 'note', '备注', '', 'rejected', '补录', '', "
        "%s, 4, %s, %s)",
        history.pk,
        forged.created_at,
        last.hash,
        forged.compute_hash(),
    )
    _error, report = broken()
    assert f"({history.reference}), event #4" in report
    assert (
        "the chain ends at sequence 4 but the case records 3 (an event was added behind the application's back)"
        in report
    )


def test_a_changed_record_of_the_chains_end_is_found(history):
    sql("UPDATE applications_application SET audit_hash = %s WHERE id = %s", "0" * 64, history.pk)
    _error, report = broken()
    assert (
        f"({history.reference}), event #3" in report
        and "the last event's hash is not the one the case records" in report
    )


def test_an_event_written_after_a_cut_leaves_the_gap_showing(history):
    delete_events(events(history)[-1].pk)
    note(history)
    assert [e.sequence for e in events(history)] == [1, 2, 4]
    _error, report = broken()
    assert f"({history.reference}), event #4" in report and "sequence 4 where 3 was expected" in report


def test_saving_a_copy_loaded_before_the_last_event_keeps_the_record_of_the_end(history):
    stale = Application.objects.get(pk=history.pk)
    note(history)
    stale.rejection_reason = "不符合条件。"
    stale.save()
    assert head(history) == (4, events(history)[-1].hash)
    assert "intact" in verify()


def test_the_appending_code_sees_the_new_end_on_its_copy(history):
    event = note(history)
    assert (history.audit_sequence, history.audit_hash) == (4, event.hash)


def test_a_whole_life_paid_revoked_and_repaid_verifies(make_application, finance, district_admin):
    today = timezone.localdate()
    case = make_application("finance_review")
    apply_transition(application_id=case.pk, action="finance_approve", actor=finance, amount=Decimal("12000"))
    for amount in ["5000", "7000"]:
        apply_transition(
            application_id=case.pk,
            action="record_payment",
            actor=finance,
            amount=Decimal(amount),
            paid_on=today,
            bank_reference=f"CZ-{amount}",
        )
    finding = FraudFinding.objects.create(
        application=case,
        evidence="虚报培训人数。",
        decision_number="朝财监〔2026〕12号",
        decision_date=today,
        persons_responsible="赵某，总经理",
        clause_quote="全额收缴。",
        recovery_due_on=today + datetime.timedelta(days=30),
        recorded_by=district_admin,
    )
    assert finding_process(finding_id=finding.pk)
    recovery = Recovery.objects.get(application=case)
    repayment_record(
        recovery_id=recovery.pk, user=finance, amount=Decimal("12000"), paid_on=today, bank_reference="HK-1"
    )
    chain = events(case)
    assert len(chain) == 7 and head(case) == (7, chain[-1].hash)
    assert verify() == "7 events of 1 applications checked, 0 problems: the audit trail is intact.\n"


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_migration_records_the_end_of_every_existing_chain(history, vendor):
    if vendor == "postgresql":
        require_service("PostgreSQL", connection.vendor == "postgresql", "DISTINCT ON is PostgreSQL's own")
    migration = importlib.import_module("applications.migrations.0005_audit_anchor")
    expected = {case.pk: head(case) for case in Application.objects.all()}
    sql("UPDATE applications_application SET audit_sequence = 0, audit_hash = ''")
    with connection.cursor() as cursor:
        # The set-based UPDATE of either kind of database; the portable one runs on PostgreSQL as well.
        editor = SimpleNamespace(connection=SimpleNamespace(vendor=vendor, ops=connection.ops), execute=cursor.execute)
        migration.record_chain_heads(apps, editor)
    assert {case.pk: head(case) for case in Application.objects.all()} == expected
    assert "intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_to_one_case_leave_one_chain_ending_where_the_case_says(make_application):
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    case = make_application("submitted")
    barrier, errors = threading.Barrier(2), []

    def append(name):
        try:
            barrier.wait()
            for n in range(15):
                note(case, f"{name} {n}")
        except Exception as error:  # a lost race shows as the test's failure, with its cause
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    chain = events(case)
    assert errors == [] and [e.sequence for e in chain] == list(range(1, 31))
    assert head(case) == (30, chain[-1].hash)
    assert verify() == "30 events of 1 applications checked, 0 problems: the audit trail is intact.\n"


def test_a_database_made_by_the_bench_generator_verifies(policy_data):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the generator writes with COPY")
    from bench.generate import generate

    counts = generate(enterprises=15, applications=120, log=lambda message: None)
    assert verify() == (
        f"{counts['events']} events of {counts['applications']} applications checked, 0 problems: "
        "the audit trail is intact.\n"
    )
    assert (
        Application.objects.filter(audit_sequence__gt=0).count() == Application.objects.exclude(status="draft").count()
    )


# The key, the amounts outside the chain, and the database's refusal (issue 23, "Audit and money").


def rechain_unkeyed(case) -> None:
    """Recompute a case's chain, and its record of the end, with the plain SHA-256 an insider can compute."""
    prev_hash = ""
    for event in events(case):
        event.prev_hash = prev_hash
        event.hash = prev_hash = unkeyed_event_hash(event)
        sql(
            "UPDATE applications_event SET prev_hash = %s, hash = %s WHERE id = %s",
            event.prev_hash,
            event.hash,
            event.pk,
        )
    sql("UPDATE applications_application SET audit_hash = %s WHERE id = %s", prev_hash, case.pk)


def test_a_history_rewritten_and_rechained_without_the_key_is_found(history):
    first = events(history)[0]
    sql("UPDATE applications_event SET comment = %s WHERE id = %s", "材料齐全", first.pk)
    rechain_unkeyed(history)
    _error, report = broken()
    assert f"({history.reference}), event #1" in report and "content does not match its hash" in report


def test_the_chain_is_keyed_with_the_audit_key(history, settings):
    assert events(history)[0].hash != unkeyed_event_hash(events(history)[0])
    settings.AUDIT_HMAC_KEY = "another-key-that-an-insider-guessed-0123456789"
    error, report = broken()
    assert "4 problems" in str(error) and report.count("content does not match its hash") == 4


@pytest.fixture
def paid(make_application, finance):
    """A case approved at 12,000 by finance and paid 5,000."""
    case = make_application("finance_review")
    apply_transition(application_id=case.pk, action="finance_approve", actor=finance, amount=Decimal("12000"))
    apply_transition(
        application_id=case.pk,
        action="record_payment",
        actor=finance,
        amount=Decimal("5000"),
        paid_on=timezone.localdate(),
        bank_reference="CZ-20261123-1",
    )
    assert "intact" in verify()
    return case


def test_a_payment_amount_changed_with_raw_sql_is_found(paid):
    sql("UPDATE applications_payment SET amount = 12000 WHERE application_id = %s", paid.pk)
    error, report = broken()
    assert "1 problems" in str(error)
    assert report == (
        f"application {paid.pk} ({paid.reference}): the payments (12000.00) are not those its events record (5000.00)\n"
    )


def test_a_payment_added_with_raw_sql_is_found(paid, finance):
    sql(
        "INSERT INTO applications_payment (application_id, paid_on, amount, bank_reference, recorded_by_id, "
        "recorded_at) VALUES (%s, %s, 7000, 'CZ-FORGED', %s, %s)",
        paid.pk,
        timezone.localdate(),
        finance.pk,
        timezone.now(),
    )
    _error, report = broken()
    assert "the payments (5000.00, 7000.00) are not those its events record (5000.00)" in report


def test_an_approved_amount_changed_with_raw_sql_is_found(paid):
    sql("UPDATE applications_application SET approved_amount = 99999999 WHERE id = %s", paid.pk)
    _error, report = broken()
    assert f"({paid.reference}): the approved amount 99999999.00 is not the 12000.00 its events record" in report


def test_an_approved_amount_without_an_approval_event_is_found(paid, make_application, measure):
    other = make_application("approved", measure=Measure.objects.exclude(pk=measure.pk).filter(monetary=True)[0])
    _error, report = broken()
    assert f"({other.reference}): the approved amount 12000.00 is not the - its events record" in report
    assert paid.reference not in report


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE applications_event SET comment = 'x' WHERE application_id = %s",
        "DELETE FROM applications_event WHERE application_id = %s",
    ],
)
def test_postgresql_refuses_to_change_or_delete_an_event(history, statement):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the trigger is PostgreSQL's")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM applications_noticereceipt WHERE notice_id IN "
            "(SELECT id FROM applications_notice WHERE application_id = %s)",
            [history.pk],
        )
        cursor.execute("DELETE FROM applications_notice WHERE application_id = %s", [history.pk])
        cursor.execute(statement, [history.pk])
    assert [e.comment for e in events(history)] == ["请补充名单", "", "不符合条件"]


def migration_apps():
    """The models as the keying migration sees them (plain managers, as in any migration)."""
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("applications", KEYING[len("applications.migrations.") :])).apps


KEYING = "applications.migrations.0012_audit_keyed_append_only"


def test_the_migration_keys_an_unkeyed_chain_and_leaves_a_broken_one_broken(history):
    other = Event.objects.exclude(application=history).get().application
    rechain_unkeyed(history)
    rechain_unkeyed(other)
    sql("UPDATE applications_event SET comment = %s WHERE application_id = %s", "改过", other.pk)
    assert "content does not match its hash" in broken()[1]

    # The migration keys the chains before it creates the trigger that refuses changes to events.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        importlib.import_module(KEYING).key_the_chains(migration_apps(), SimpleNamespace(connection=connection))
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")

    error, report = broken()
    assert "1 problems" in str(error) and other.reference in report and history.reference not in report
    assert all(e.hash == e.compute_hash() for e in events(history)) and head(history)[1] == events(history)[-1].hash
