"""The daily anchor of the audit chains outside the database: a digest of every case's chain head in an append-only
log and in the auditors' mail, which `verify_audit_chain` recomputes (issue 23: deleting every event of a case and
resetting its record of the end, or rewriting a history with the key, went unnoticed)."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from applications.anchors.tasks import anchor_audit_chains
from applications.models import Event, Notice
from applications.workflow import apply_transition
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
YESTERDAY = datetime.datetime(2026, 11, 22, 15, 0, tzinfo=BEIJING)
TODAY = datetime.datetime(2026, 11, 23, 0, 30, tzinfo=BEIJING)


@pytest.fixture
def log(settings, tmp_path):
    settings.AUDIT_ANCHOR_LOG = tmp_path / "audit" / "anchors.log"
    settings.AUDIT_ANCHOR_RECIPIENTS = ["audit@sjj.example.gov.cn"]
    return settings.AUDIT_ANCHOR_LOG


@pytest.fixture
def cases(make_application, measure, reviewer):
    """Two cases worked yesterday: one rejected, one returned for correction."""
    with time_machine.travel(YESTERDAY, tick=False):
        rejected = make_application("submitted")
        returned = ApplicationFactory(status="submitted", measure=measure, created_by=EnterpriseUserFactory())
        apply_transition(application_id=rejected.pk, action="reject", actor=reviewer, comment="不符合条件")
        apply_transition(
            application_id=returned.pk, action="return_for_correction", actor=reviewer, comment="请补充名单"
        )
    return rejected, returned


def anchor_now() -> dict:
    with time_machine.travel(TODAY, tick=False):
        return json.loads(anchor_audit_chains.delay().get())


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=out)
    return out.getvalue()


def tamper(statement: str, *params) -> None:
    """An insider with a superuser's rights (on PostgreSQL, the trigger switched off for the statement)."""
    guarded = connection.vendor == "postgresql" and "applications_event" in statement
    with connection.cursor() as cursor:
        if guarded:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(statement, params)
        if guarded:
            cursor.execute("SET session_replication_role = origin")


def test_the_anchor_covers_every_chain_head_at_the_start_of_the_day(cases, log):
    anchor = anchor_now()
    assert anchor["at"] == "2026-11-22T16:00:00+00:00"  # midnight in Beijing
    assert (anchor["cases"], anchor["events"], len(anchor["digest"])) == (2, 2, 64)
    assert log.read_text().splitlines() == [json.dumps(anchor, sort_keys=True)]


def test_the_auditors_are_mailed_the_digest_once_a_day(cases, log, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anchor = anchor_now()
        anchor_now()
    assert len(log.read_text().splitlines()) == 1
    assert [m.to for m in mail.outbox] == [["audit@sjj.example.gov.cn"]]
    assert anchor["digest"] in mail.outbox[0].body and "2026-11-23" in mail.outbox[0].subject
    assert Notice.objects.filter(kind="audit_anchor").get().recipients == ["audit@sjj.example.gov.cn"]


def test_verification_compares_the_database_with_the_last_anchor(cases, log):
    anchor = anchor_now()
    report = verify()
    assert f"2 cases, 2 events, digest {anchor['digest']}) matches." in report
    assert report.endswith("the audit trail is intact.\n")


def test_events_after_the_anchor_do_not_disturb_it(cases, log):
    anchor_now()
    rejected, _returned = cases
    Event.objects.create(application=rejected, action="note", action_label="备注", to_status="rejected", comment="复核")
    assert "matches" in verify() and "intact" in verify()


def test_a_history_removed_whole_with_its_record_of_the_end_is_found(cases, log):
    anchor = anchor_now()
    rejected, _returned = cases
    tamper(
        "DELETE FROM applications_noticereceipt WHERE notice_id IN "
        "(SELECT id FROM applications_notice WHERE application_id = %s)",
        rejected.pk,
    )
    tamper("DELETE FROM applications_notice WHERE application_id = %s", rejected.pk)
    tamper("DELETE FROM applications_event WHERE application_id = %s", rejected.pk)
    tamper("UPDATE applications_application SET audit_sequence = 0, audit_hash = '' WHERE id = %s", rejected.pk)
    err = StringIO()
    with pytest.raises(CommandError, match="1 problems"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    assert f"the anchor of 2026-11-23 00:00 (2 cases, 2 events, digest {anchor['digest']})" in err.getvalue()
    assert "does not match the database now (1 cases, 1 events" in err.getvalue()


def test_a_history_rewritten_with_the_key_is_found(cases, log):
    anchor_now()
    rejected, _returned = cases
    event = Event.objects.get(application=rejected)
    event.comment = "符合条件"
    tamper(
        "UPDATE applications_event SET comment = %s, hash = %s WHERE id = %s",
        event.comment,
        event.compute_hash(),
        event.pk,
    )
    tamper("UPDATE applications_application SET audit_hash = %s WHERE id = %s", event.compute_hash(), rejected.pk)
    err = StringIO()
    with pytest.raises(CommandError, match="1 problems"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    assert "a history before it was changed or removed" in err.getvalue()


def test_every_anchor_can_be_checked(cases, log):
    anchor_now()
    with time_machine.travel(TODAY + datetime.timedelta(days=1), tick=False):
        anchor_audit_chains.delay()
    out = StringIO()
    call_command("verify_audit_chain", "--all-anchors", stdout=out)
    assert out.getvalue().count("matches.") == 2
