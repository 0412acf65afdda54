"""An English reader of the staff's case history reads what the reviewers did ("Materials checked"), not the
command their own buttons give ("Check the application documents"); the trail stays in Chinese."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications.models import Event
from applications.review.assignment import application_assign
from applications.review.materials import material_mark
from applications.workflow.transitions import history_name

pytestmark = pytest.mark.django_db


def history(client: Client, user, application, language: str) -> str:
    client.cookies["django_language"] = language
    client.force_login(user)
    html = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    return html.split('id="events-group"', 1)[1].split("</table>", 1)[0]


def test_the_history_says_the_material_was_checked_and_the_case_assigned(
    client, training_case, mtg_reviewer, mtg_colleague
):
    material_mark(application=training_case, user=mtg_reviewer, material_key="training-plan", verdict="accepted")
    application_assign(application=training_case, user=mtg_reviewer, assignee=mtg_colleague)
    english = history(client, mtg_reviewer, training_case, "en")
    assert "Materials checked" in english and "Case assigned" in english
    assert "Check the application documents" not in english and "Assign a case officer" not in english
    chinese = history(client, mtg_reviewer, training_case, "zh-hans")
    assert "核验申报材料" in chinese and "分派经办人" in chinese
    labels = set(training_case.events.values_list("action_label", flat=True))
    assert labels == {"核验申报材料", "分派经办人"}


@pytest.mark.parametrize(
    ("action", "label", "english"),
    [
        ("review_criteria", "填写审核要点", "Review points recorded"),
        ("repayment", "登记退回资金", "Repayment recorded"),
        ("ban_amend", "变更禁止申请期限", "Ban period changed"),
        ("direct_list", "生成免申即享名单", "No-application list drawn up"),
        ("objection_upheld", "公示异议经核实成立", "Objection to the public announcement upheld"),
        # a label with no history wording of its own reads as its plain translation
        ("some_step", "该申请已有查处记录。", "This application already has a fraud finding."),
    ],
)
def test_a_stored_label_is_named_as_done_in_english(action, label, english):
    event = Event(action=action, action_label=label)
    with translation.override("en"):
        assert history_name(event) == english
    with translation.override("zh-hans"):
        assert history_name(event) == label
