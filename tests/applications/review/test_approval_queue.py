"""待我同意: a department's head and a district administrator find the proposals above the engine's figure that wait
for their approval (queue filter, count on the queue's heading, tile on the staff home, link in their e-mail); other
reviewers are not offered it. The queue's 行政区 filter offers only the districts the reader's queue can hold."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from applications.workflow import apply_transition
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:applications_application_changelist"


def case(measure, status, **fields):
    owner = EnterpriseUserFactory()
    return ApplicationFactory(created_by=owner, enterprise=owner.enterprise, measure=measure, status=status, **fields)


@pytest.fixture
def proposals(measure, district_admin):
    """Cases of 8号 16. (区人力社保局) in Chaoyang: one proposal waiting for approval, one already approved, one within
    the engine's figure, one waiting but sent to 核实 (nobody can approve it there), one waiting but closed."""
    waiting = {"status": "reviewed", "proposal_needs_approval": True, "proposed_amount": Decimal("15000.00")}
    return {
        "waiting": case(measure, **waiting),
        "approved": case(measure, **{**waiting, "proposal_approved_by": district_admin}),
        "within": case(measure, "reviewed", proposed_amount=Decimal("9000.00")),
        "sampled": case(measure, **{**waiting, "status": "verification"}),
        "rejected": case(measure, **{**waiting, "status": "rejected"}),
    }


def queue_page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse(QUEUE), params)
    assert response.status_code == 200
    return response


def references(response) -> set[str]:
    return {application.reference for application in response.context["cl"].result_list}


def test_a_head_gets_exactly_the_proposals_waiting_for_them_with_their_count(client, proposals, head):
    assert references(queue_page(client, head, approval="me")) == {proposals["waiting"].reference}
    page = queue_page(client, head).content.decode()
    assert "待我同意：1 件" in page and "?approval=me" in page


def test_a_district_administrator_gets_them_too(client, proposals, district_admin):
    assert references(queue_page(client, district_admin, approval="me")) == {proposals["waiting"].reference}
    assert "待我同意：1 件" in queue_page(client, district_admin).content.decode()


def test_a_heads_own_proposal_waits_for_someone_else(client, measure, head, district_admin):
    under_review = case(measure, "under_review", estimate_amount=Decimal("12000.00"))
    apply_transition(
        application_id=under_review.pk, action="final_review_pass", actor=head, amount=Decimal("15000"), comment="人数"
    )
    assert references(queue_page(client, head, approval="me")) == set()
    assert references(queue_page(client, district_admin, approval="me")) == {under_review.reference}


@pytest.mark.parametrize("who", ["reviewer", "finance"])
def test_staff_who_may_not_approve_are_not_offered_it(client, request, proposals, who):
    response = queue_page(client, request.getfixturevalue(who), approval="me")
    assert "待我同意" not in response.content.decode()
    assert "approval" not in {getattr(spec, "parameter_name", "") for spec in response.context["cl"].filter_specs}


def test_the_staff_home_shows_the_head_the_count_and_the_link(client, proposals, head, reviewer):
    client.force_login(head)
    page = client.get(reverse("admin:index"))
    assert page.context["home_approval"] == 1
    assert f'href="{reverse(QUEUE)}?approval=me"' in page.content.decode()
    client.force_login(reviewer)
    assert "待我同意" not in client.get(reverse("admin:index")).content.decode()


def test_the_heads_email_links_to_the_case_and_to_the_waiting_queue(
    measure, reviewer, head, mailoutbox, django_capture_on_commit_callbacks
):
    under_review = case(measure, "under_review", estimate_amount=Decimal("12000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(
            application_id=under_review.pk,
            action="final_review_pass",
            actor=reviewer,
            amount=Decimal("15000"),
            comment="人数",
        )
    [email] = [m for m in mailoutbox if head.email in m.to]
    assert f"/admin/applications/application/{under_review.pk}/change/" in email.body
    assert (
        f"待您同意的全部申请：{settings.PORTAL_BASE_URL.rstrip('/')}/admin/applications/application/?approval=me"
        in (email.body)
    )


def test_the_district_filter_offers_a_district_reviewer_no_other_district(client, proposals, reviewer):
    page = queue_page(client, reviewer).content.decode()
    assert "district__id__exact=" not in page  # one choice, their own: no filter


def test_staff_of_every_district_keep_the_district_filter(client, proposals, mentougou):
    superuser = StaffUserFactory(is_superuser=True)
    page = queue_page(client, superuser).content.decode()
    assert f"district__id__exact={mentougou.pk}" in page and page.count("district__id__exact=") >= 18
