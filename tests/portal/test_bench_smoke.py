"""The bench's generator at a tiny size on the test database, so that it cannot rot as the models change."""

import pytest
from django.contrib.auth import authenticate
from django.db import connection

from accounts.models import Enterprise, User
from applications.audit import verify_chain
from applications.models import TERMINAL_STATUSES, Application, Event, Payment
from bench.generate import BENCH_PASSWORD, generate
from measures.models import Measure
from tests.conftest import require_service
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(policy_data):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the generator writes with COPY")
    before = {model: model.objects.count() for model in (Enterprise, Application, Event)}
    counts = generate(enterprises=15, applications=120, log=lambda message: None)
    return before, counts


def test_it_writes_the_enterprises_and_cases_asked_for(generated):
    before, counts = generated
    assert Enterprise.objects.count() - before[Enterprise] == counts["enterprises"] == 15
    assert Application.objects.count() - before[Application] == counts["applications"] == 120
    assert Event.objects.count() - before[Event] == counts["events"] > 120


def test_it_spreads_the_cases_over_states_measures_and_years(generated):
    cases = Application.objects.all()
    assert cases.open().exists() and cases.filter(status__in=TERMINAL_STATUSES).exists()
    assert cases.values("measure").distinct().count() > 20
    assert cases.dates("created_at", "year").count() > 2


def test_every_case_has_an_intact_audit_trail_ending_in_its_state(generated):
    for application in Application.objects.exclude(status="draft").prefetch_related("events"):
        events = sorted(application.events.all(), key=lambda event: event.sequence)
        assert verify_chain(events) == []
        assert events[0].action == "submit" and events[-1].to_status == application.status


def test_every_row_points_at_rows_that_exist(generated):
    checks = [
        ("applications_event", "application_id", "applications_application"),
        ("applications_event", "actor_id", "accounts_user"),
        ("applications_application", "enterprise_id", "accounts_enterprise"),
        ("applications_application", "created_by_id", "accounts_user"),
        ("applications_application", "profile_version_id", "accounts_profileversion"),
        ("applications_payment", "application_id", "applications_application"),
        ("applications_notice", "event_id", "applications_event"),
        ("accounts_enterprise", "owner_id", "accounts_user"),
        ("accounts_user", "enterprise_id", "accounts_enterprise"),
    ]
    with connection.cursor() as cursor:
        for table, column, target in checks:
            cursor.execute(
                f'SELECT COUNT(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL '
                f'AND NOT EXISTS (SELECT 1 FROM "{target}" x WHERE x.id = t."{column}")'
            )
            assert cursor.fetchone()[0] == 0, (table, column)


def test_paid_cases_have_their_payments(generated):
    paid = Application.objects.filter(status__in=["disbursing", "disbursed", "closed"])
    assert paid.exists()
    assert Payment.objects.filter(application__in=paid).count() == paid.count()


def test_an_owner_signs_in_with_the_bench_password(generated):
    owner = Enterprise.objects.filter(email__endswith="@bench.example.cn").first().owner
    assert authenticate(username=owner.username, password=BENCH_PASSWORD) == owner
    assert User.objects.filter(username__startswith="bench-rev-", role="reviewer").exists()


def test_a_case_made_afterwards_gets_a_fresh_id_and_reference(generated):
    owner = Enterprise.objects.filter(email__endswith="@bench.example.cn").first().owner
    measure = Measure.objects.filter(monetary=True).exclude(applications__enterprise=owner.enterprise).first()
    application = ApplicationFactory(created_by=owner, enterprise=owner.enterprise, measure=measure)
    assert application.pk == Application.objects.latest("pk").pk
    assert Application.objects.filter(reference=application.reference).count() == 1


def test_it_adds_to_what_is_there(generated):
    generate(enterprises=5, applications=30, seed=9, log=lambda message: None)
    assert Enterprise.objects.filter(email__endswith="@bench.example.cn").count() == 20
    assert Application.objects.count() >= 150
