"""The session's snapshot of the policy data (tests/policy_snapshot.py) gives a flushed database back exactly what
`load_policy_data` wrote."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Department
from measures.loading import load_policy_data
from measures.models import District
from tests.policy_snapshot import PolicySnapshot

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def flushed(policy_snapshot):
    """An empty database, as pytest-django leaves it after a transactional test (here with sequences reset)."""
    call_command("flush", interactive=False, verbosity=0)
    assert not District.objects.exists()
    return policy_snapshot


def test_it_restores_every_row_of_the_policy_tables(flushed):
    flushed.restore_if_flushed()
    assert PolicySnapshot.take() == flushed
    assert District.objects.filter(name="朝阳区").exists()


def test_the_loader_finds_nothing_to_write_after_a_restore(flushed):
    flushed.restore_if_flushed()
    with CaptureQueriesContext(connection) as queries:
        report = load_policy_data()
    written = {query["sql"].split('"')[1] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)}
    assert not written, f"the loader wrote these tables again, missing from the snapshot: {sorted(written)}"
    assert report.writes == 0 and not report.changed


def test_a_row_added_after_a_restore_gets_a_new_id(flushed):
    flushed.restore_if_flushed()
    district = District.objects.get(name="朝阳区")
    highest = Department.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert Department.objects.create(district=district, name="区测试局").pk > highest


def test_it_restores_nothing_over_rows_that_are_there(policy_snapshot):
    policy_snapshot.restore_if_flushed()
    policy_snapshot.restore_if_flushed()
    assert PolicySnapshot.take() == policy_snapshot
