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


def test_the_demo_has_rated_cases_and_a_bad_rating_waiting_for_the_heads_answer(demo):
    from applications.models import Rectification, ServiceRating

    assert sorted(ServiceRating.objects.values_list("level", flat=True)) == [1, 3, 5]
    task = Rectification.objects.get()
    assert task.rating.application.enterprise.owner.email == "qiye@demo.example.cn" and task.responded_at is None
    assert task.department.staff_users.filter(username="cy-rsj-head", is_head=True).exists()


def test_the_demo_owners_profile_is_verified(demo):
    from applications.models import ProfileVerification

    verification = ProfileVerification.objects.get(enterprise__owner__email="qiye@demo.example.cn")
    assert verification.verified_by.username == "cy-admin"


def test_running_it_again_adds_no_rating_or_verification(demo):
    from applications.models import ProfileVerification, Rectification, ServiceRating

    call_command("setup_demo_cases", verbosity=0)
    assert ServiceRating.objects.count() == 3 and Rectification.objects.count() == 1
    assert ProfileVerification.objects.count() == 1
