"""`make run`'s demo: cases at every stage in both demo districts, reached through the real workflow."""

import pytest
from django.core.management import call_command

from applications.models import Application, Event, Status

pytestmark = pytest.mark.django_db

EVERY_STAGE = {
    Status.DRAFT,
    Status.RETURNED,
    Status.REJECTED,
    Status.WITHDRAWN,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.REVIEWED,
    Status.PUBLICITY,
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSED,
    Status.CLOSED,
}


@pytest.fixture
def demo(policy_data, settings, private_media):
    settings.DEBUG = True
    call_command("setup_demo", verbosity=0)
    call_command("setup_demo_cases", verbosity=0)


@pytest.mark.parametrize("district", ["朝阳区", "门头沟区"])
def test_it_puts_a_case_at_every_stage_in_each_demo_district(demo, district):
    stages = set(Application.objects.filter(district__name=district).values_list("status", flat=True))
    assert stages >= EVERY_STAGE


def test_the_demo_owner_has_a_paid_case_and_one_in_publicity(demo):
    cases = Application.objects.filter(enterprise__owner__email="qiye@demo.example.cn")
    paid = cases.get(status=Status.CLOSED)
    assert paid.payments.count() == 1 and paid.paid_total() == paid.approved_amount
    assert cases.filter(status=Status.PUBLICITY).exists()


def test_each_case_got_there_through_the_workflow(demo):
    closed = Application.objects.filter(status=Status.CLOSED).first()
    actions = list(Event.objects.filter(application=closed).order_by("pk").values_list("action", flat=True))
    assert actions[:3] == ["submit", "accept", "final_review_pass"] and actions[-1] == "close"


def test_running_it_again_changes_nothing(demo):
    before = Application.objects.count()
    call_command("setup_demo_cases", verbosity=0)
    assert Application.objects.count() == before


def test_it_refuses_to_run_without_debug(policy_data, settings):
    settings.DEBUG = False
    call_command("setup_demo_cases", verbosity=0)
    assert not Application.objects.exists()
