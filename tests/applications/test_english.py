"""An English reader sees a case's events, the portal's own comments and its notices in English, and each person
is e-mailed in the language they last used the portal in."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications.models import Event
from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service, record_response
from applications.templatetags.events import event_comment, event_name
from applications.workflow import TRANSITIONS, apply_transition

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def pay(application, finance):
    return apply_transition(
        application_id=application.pk,
        action="record_payment",
        actor=finance,
        amount=Decimal("5000"),
        paid_on=datetime.date(2026, 11, 2),
        bank_reference="CZ-2",
    )


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_timeline_names_events_and_notices_in_english(client, owner, make_application, finance):
    application = pay(make_application("approved"), finance)
    english(client).force_login(owner)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    timeline = html.split('class="list-group list-group-numbered timeline"', 1)[1].split("</ol>", 1)[0]
    with translation.override("en"):
        assert str(TRANSITIONS["record_payment"].done_label) in timeline
    assert "5,000.00 yuan" in timeline
    notices = html.split('class="table table-sm notices"', 1)[1].split("</table>", 1)[0]
    subjects = re.findall(r"<td>([^<]*SQ-[^<]*)</td>", notices)
    assert subjects and not any(CJK.search(subject) for subject in subjects)


@pytest.mark.parametrize(
    ("comment", "shown"),
    [
        (
            "应全额收缴 12,000.00 元，退回截止日期 2026-12-20。",
            "Full recovery of 12,000.00 yuan; repayment deadline 2026-12-20.",
        ),
        (
            "应全额收缴 12000.00 元，退回截止日期 2026-12-20。",
            "Full recovery of 12,000.00 yuan; repayment deadline 2026-12-20.",
        ),
        (
            "2026-11-23 退回 5,000.00 元，银行流水号 HK-1；尚欠 7,000.00 元。",
            "5,000.00 yuan repaid on 2026-11-23, bank transaction number HK-1; 7,000.00 yuan outstanding.",
        ),
        ("材料齐全", "材料齐全"),  # what a person typed stays as typed
    ],
)
def test_the_portals_own_comments_are_shown_in_english(comment, shown):
    event = Event(action="recovery_open", action_label="立案收缴已拨付资金", comment=comment)
    with translation.override("en"):
        assert event_comment(event) == shown
        assert not CJK.search(event_name(event))
    with translation.override("zh-hans"):
        assert event_comment(event) == comment


def test_each_recipient_is_mailed_in_the_language_they_last_used(
    client, owner, make_application, finance, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application("approved")
    english(client).force_login(owner)
    client.get(reverse("applications:list"))  # the owner uses the portal in English
    owner.refresh_from_db()
    assert owner.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        pay(application, finance)
    to_owner = [m for m in mailoutbox if owner.email in m.to]
    assert to_owner and not CJK.search(to_owner[0].subject)
    assert "5,000.00 yuan" in to_owner[0].body


def test_a_person_who_never_chose_a_language_is_mailed_in_chinese(
    owner, make_application, finance, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay(make_application("approved"), finance)
    to_owner = [m for m in mailoutbox if owner.email in m.to]
    assert to_owner and CJK.search(to_owner[0].subject)
    assert "5,000.00 元" in to_owner[0].body


def test_the_case_page_says_return_on_the_button_and_returned_in_the_history(client, reviewer, make_application):
    application = make_application("resubmitted")
    Event.objects.create(
        application=application, action="return_for_correction", action_label="退回补正", to_status="returned"
    )
    english(client).force_login(reviewer)
    html = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    buttons = html.split('class="object-tools"', 1)[1].split("</ul>", 1)[0]
    history = html.split('id="events-group"', 1)[1].split("</table>", 1)[0]
    assert ">Return for correction</a>" in buttons and "Returned for correction" not in buttons
    assert "Returned for correction" in history and "Return for correction<" not in history


def test_the_enterprise_sees_the_stage_public_announcement_and_what_happened_in_it(client, owner, make_application):
    application = make_application("publicity")
    Event.objects.create(
        application=application, action="start_publicity", action_label="开始公示", to_status="publicity"
    )
    english(client).force_login(owner)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    stage = html.split('data-stage="publicity"', 1)[1].split("</div>", 1)[0]
    timeline = html.split('class="list-group list-group-numbered timeline"', 1)[1].split("</ol>", 1)[0]
    assert "Public announcement" in stage and "Announcements" not in stage
    assert "Public announcement started" in timeline and "Start public announcement" not in timeline


def test_an_event_is_kept_in_chinese_when_an_english_reader_acts(reviewer, make_application):
    application = make_application("submitted")
    with translation.override("en"):
        apply_transition(
            application_id=application.pk, action="return_for_correction", actor=reviewer, comment="Add the list."
        )
    assert application.events.get(action="return_for_correction").action_label == "退回补正"


def test_the_case_page_names_the_lead_departments_as_the_document_does_in_english(client, owner, make_application):
    application = make_application("submitted")
    english(client).force_login(owner)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    contacts = html.split('class="case-contacts"', 1)[1].split("</p>", 1)[0]
    assert "Responsible units: " in contacts and "主责单位" not in contacts


def test_the_admin_case_page_has_no_chinese_colons_after_english_words(client, reviewer, make_application):
    application = make_application("submitted")
    english(client).force_login(reviewer)
    html = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Applicant enterprise: " in page
    assert not re.findall(r"[A-Za-z)] ?[：；]", page)


def test_the_admin_names_each_row_of_the_history_in_english(reviewer, make_application):
    application = make_application("submitted")
    apply_transition(application_id=application.pk, action="return_for_correction", actor=reviewer, comment="缺名单")
    event = application.events.get(action="return_for_correction")
    with translation.override("en"):
        assert str(event) == f"{application.reference} Returned for correction"
    with translation.override("zh-hans"):
        assert str(event) == f"{application.reference} 退回补正"


def test_a_heads_answer_to_a_poor_rating_is_kept_in_chinese_when_given_in_english(owner, head, make_application):
    rating = rate_service(application=make_application("closed"), user=owner, level=RatingLevel.VERY_DISSATISFIED)
    with translation.override("en"):
        record_response(task=rating.rectification, user=head, response="Checked the returns; first review now 5 days.")
    assert rating.application.events.get(action="rectification_response").action_label == "部门负责人答复差评"


def test_the_poor_rating_reminder_reads_in_english_without_chinese_colons(owner, make_application):
    rating = rate_service(application=make_application("closed"), user=owner, level=1, comment="Too slow")
    context = {"application": rating.application, "rating": rating, "due_on": rating.rectification.due_on}
    with translation.override("en"):
        body = render_to_string("applications/email/rectification.txt", {**context, "kind": "escalation"})
    assert "Comment: Too slow" in body and "The deadline for the reply has passed" in body and "：" not in body
