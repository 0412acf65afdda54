"""Cases assigned to a named reviewer of the lead department: "待我处理" narrows the queue to them, with a count;
unassigned cases, and a colleague's, stay in the department's queue."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import Application
from applications.review.assignment import application_assign

pytestmark = pytest.mark.django_db

QUEUE = "admin:applications_application_changelist"


def queue(client, user, **params) -> set[str]:
    client.force_login(user)
    response = client.get(reverse(QUEUE), params)
    assert response.status_code == 200
    return {a.reference for a in response.context["cl"].result_list}


def test_a_case_is_assigned_to_a_reviewer_of_the_department_with_an_audit_event(
    training_case, mtg_reviewer, mtg_colleague
):
    assert application_assign(application=training_case, user=mtg_reviewer, assignee=mtg_colleague)
    assert Application.objects.get(pk=training_case.pk).assigned_to == mtg_colleague
    assert training_case.events.get().comment == "经办人：未分派 → 李审核"


def test_it_cannot_be_assigned_outside_the_lead_department(training_case, mtg_reviewer, other_reviewer):
    with pytest.raises(ValidationError, match="牵头部门的审核人"):
        application_assign(application=training_case, user=mtg_reviewer, assignee=other_reviewer)


def test_a_reviewer_cannot_take_a_colleagues_case_but_the_head_can_reassign_it(
    training_case, mtg_reviewer, mtg_colleague, mtg_head
):
    application_assign(application=training_case, user=mtg_colleague, assignee=mtg_colleague)
    with pytest.raises(PermissionDenied):
        application_assign(application=training_case, user=mtg_reviewer, assignee=mtg_reviewer)
    assert application_assign(application=training_case, user=mtg_head, assignee=mtg_reviewer)


def test_assigned_to_me_lists_my_open_cases_with_their_count_and_the_rest_stay_in_the_queue(
    client, training_case, training, mtg_reviewer, mtg_colleague
):
    from tests.factories import ApplicationFactory

    unassigned = ApplicationFactory(measure=training, status="submitted", inputs={})
    application_assign(application=training_case, user=mtg_reviewer, assignee=mtg_reviewer)
    assert queue(client, mtg_reviewer, assigned="me") == {training_case.reference}
    page = client.get(reverse(QUEUE)).content.decode()
    assert "待我处理：1 件" in page
    # The colleague still sees both cases, and the unassigned one under 未分派.
    assert queue(client, mtg_colleague) == {training_case.reference, unassigned.reference}
    assert queue(client, mtg_colleague, assigned="none") == {unassigned.reference}
    assert "待我处理：0 件" in client.get(reverse(QUEUE)).content.decode()


def test_the_assignment_form_on_the_case_page(client, training_case, mtg_reviewer, mtg_colleague):
    client.force_login(mtg_reviewer)
    url = reverse("admin:applications_application_assign", args=[training_case.pk])
    client.post(url, {"assignee": mtg_colleague.pk})
    assert Application.objects.get(pk=training_case.pk).assigned_to == mtg_colleague
    page = client.get(reverse("admin:applications_application_change", args=[training_case.pk])).content.decode()
    assert "经办人：李审核" in page


def test_the_assignment_is_kept_in_chinese_when_a_reviewer_assigns_in_english(
    training_case, mtg_reviewer, mtg_colleague
):
    from django.utils import translation

    with translation.override("en"):
        application_assign(application=training_case, user=mtg_reviewer, assignee=mtg_colleague)
    event = training_case.events.get()
    assert (event.action_label, event.comment) == ("分派经办人", "经办人：未分派 → 李审核")
