"""The audit trail's hash chain: each event of a case links to the one before it, and `verify_audit_chain` names
the case whose history was changed, cut or re-linked behind the application's back (raw SQL)."""

import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from applications.models import Event
from applications.workflow import apply_transition
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
    apply_transition(application_id=other.pk, action="final_review_pass", actor=reviewer, amount=Decimal("8000"))
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
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


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
    sql("DELETE FROM applications_notice WHERE event_id = %s", second.pk)  # its e-mails refer to it
    sql("DELETE FROM applications_event WHERE id = %s", second.pk)
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
