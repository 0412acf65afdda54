"""Two reviewers clicking at once: the row lock lets exactly one act."""

import threading
import time

import pytest
from django.db import connection

from applications.workflow import NotAllowedNow, apply_transition
from applications.workflow import transitions as workflow
from tests.conftest import require_service


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_reviewers_succeeds(policy_data, make_application, reviewer, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    from tests.applications.conftest import department
    from tests.factories import StaffUserFactory

    second = StaffUserFactory(role=reviewer.role, department=department(reviewer.department.district, "区人力社保局"))
    application = make_application("submitted")
    write_event = workflow.write_event

    def slow_write_event(*args, **kwargs):
        time.sleep(0.5)  # hold the lock long enough for the other reviewer to read the row
        return write_event(*args, **kwargs)

    monkeypatch.setattr(workflow, "write_event", slow_write_event)
    barrier, outcomes = threading.Barrier(2), []

    def act(user):
        try:
            barrier.wait()
            apply_transition(application_id=application.pk, action="accept", actor=user)
            outcomes.append("ok")
        except NotAllowedNow as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (reviewer, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    refused = [outcome for outcome in outcomes if outcome != "ok"]
    assert outcomes.count("ok") == 1 and len(refused) == 1 and "可能已由他人处理" in refused[0]
    assert application.events.filter(action="accept").count() == 1
