"""Ten objectors at the same moment (issue 23): every objection received while the case is in 公示 is kept."""

import threading
import time

import pytest
from django.db import connection

from applications.models import Objection
from applications.publicity import lodging
from applications.publicity.lodging import objection_lodge
from tests.conftest import require_service

OBJECTORS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_objections_are_all_kept(policy_data, make_application, reviewer, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    application = make_application("publicity", publicity_ends_on=None)
    tell_reviewers = lodging.notify.tell_reviewers

    def slow_tell_reviewers(*args, **kwargs):
        time.sleep(0.2)  # hold the case's row lock while the others arrive
        return tell_reviewers(*args, **kwargs)

    monkeypatch.setattr(lodging.notify, "tell_reviewers", slow_tell_reviewers)
    barrier, outcomes = threading.Barrier(OBJECTORS), []

    def lodge(number: int):
        try:
            barrier.wait()
            objection_lodge(
                application_id=application.pk,
                name=f"异议人{number}",
                contact=f"1380000{number:04d}",
                email=f"objector{number}@example.cn",
                text=f"第{number}位异议人反映：培训人数不实。",
            )
            outcomes.append("ok")
        except Exception as error:  # any refusal is what this test is about
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=lodge, args=(number,)) for number in range(OBJECTORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    application.refresh_from_db()
    assert outcomes == ["ok"] * OBJECTORS
    assert sorted(Objection.objects.filter(application=application).values_list("name", flat=True)) == sorted(
        f"异议人{number}" for number in range(OBJECTORS)
    )
    assert application.status == "publicity"
    events = application.events.all()
    assert events.filter(action="objection_received").count() == OBJECTORS
    assert events.filter(action="objection_examining").count() == 1  # the applicant is told once
    assert application.audit_sequence == OBJECTORS + 1
