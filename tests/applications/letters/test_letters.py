"""Decision letters: the PDF of an approval, a payment, a rejection or a revocation, with the case's facts, the
amount in figures and capitals, the measure's citation, the department and the date; CJK fonts embedded."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.letters import letter_events, letter_facts, render_letter
from applications.models import Notice
from applications.notices.attachments import attachments_of
from applications.notices.delivery import notice_send
from applications.workflow import apply_transition
from tests.applications.conftest import TODAY

pytestmark = pytest.mark.django_db

NOON = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone())


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def approved(make_application, finance):
    """A case of 8号 16. approved by finance at 100,000.00 on TODAY."""
    application = make_application("finance_review", proposed_amount=Decimal("100000.00"), submitted_at=NOON)
    with time_machine.travel(NOON, tick=False):
        return apply_transition(application_id=application.pk, action="finance_approve", actor=finance)


def letter_of(application, action):
    event = letter_events(application).filter(action=action).last()
    return letter_facts(event), render_letter(letter_facts(event))


def test_the_approval_letter_states_the_amount_in_figures_and_capitals(approved):
    _facts, pdf = letter_of(approved, "finance_approve")
    text = pdf_text(pdf)
    assert "批准决定书" in text and "¥100,000.00" in text and "人民币壹拾万元整" in text
    assert "朝政办发〔2020〕8号 16." in text and approved.reference in text


def test_the_letter_names_the_enterprise_the_department_and_the_date(approved, owner):
    text = pdf_text(letter_of(approved, "finance_approve")[1])
    assert owner.enterprise.name in text and owner.enterprise.credit_code in text
    assert "朝阳区人力社保局" in text and "2026年11月23日" in text


def test_the_payment_notice_states_this_payment_and_what_is_left(approved, finance):
    with time_machine.travel(NOON + datetime.timedelta(days=2), tick=False):
        apply_transition(
            application_id=approved.pk,
            action="record_payment",
            actor=finance,
            amount=Decimal("40000"),
            paid_on=TODAY,
            bank_reference="BJ-40000",
        )
    text = pdf_text(letter_of(approved, "record_payment")[1])
    assert "拨付通知" in text and "¥40,000.00" in text and "人民币肆万元整" in text
    assert "BJ-40000" in text and "¥60,000.00" in text and "2026年11月23日" in text


def test_the_rejection_letter_gives_the_reason(make_application, reviewer):
    application = make_application("submitted", estimate_amount=Decimal("12000.00"))
    apply_transition(application_id=application.pk, action="reject", actor=reviewer, comment="培训人数不足。")
    text = pdf_text(letter_of(application, "reject")[1])
    assert "不予支持决定书" in text and "培训人数不足。" in text and "人民币壹万贰仟元整" in text


def test_the_revocation_letter_states_what_is_revoked(approved):
    apply_transition(application_id=approved.pk, action="revoke", actor=None, comment="租金协议系伪造。")
    text = pdf_text(letter_of(approved, "revoke")[1])
    assert "撤销决定书" in text and "人民币壹拾万元整" in text and "租金协议系伪造。" in text


def test_the_fonts_are_embedded(approved):
    reader = PdfReader(io.BytesIO(letter_of(approved, "finance_approve")[1]))
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    descriptors = [font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for font in fonts]
    assert fonts and all("CJK" in str(font["/BaseFont"]) for font in fonts), [str(f["/BaseFont"]) for f in fonts]
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)


def test_the_same_facts_make_the_same_document(approved):
    facts, pdf = letter_of(approved, "finance_approve")
    assert render_letter(facts) == pdf


def test_the_decision_email_carries_the_letter(approved, owner):
    notice = Notice.objects.get(event__action="finance_approve", audience="enterprise")
    mail.outbox.clear()
    notice_send(notice.pk)
    (message,) = [m for m in mail.outbox if owner.email in m.to]
    (name, content, mimetype) = message.attachments[0]
    assert name.startswith("批准决定书-") and mimetype == "application/pdf" and "人民币壹拾万元整" in pdf_text(content)


def test_a_retry_attaches_the_same_document_even_after_the_data_changed(approved):
    notice = Notice.objects.get(event__action="finance_approve", audience="enterprise")
    (_name, first, _type) = attachments_of(notice)[0]
    approved.measure.lead_departments.update(name="区人力资源和社会保障局")  # corrected after the e-mail was written
    notice.refresh_from_db()
    (_name, again, _type) = attachments_of(notice)[0]
    assert again == first


def test_the_enterprise_downloads_its_letter(client, approved, owner):
    event = letter_events(approved).get()
    client.force_login(owner)
    response = client.get(reverse("applications:letter", args=[approved.pk, event.pk]))
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert "人民币壹拾万元整" in pdf_text(response.content)


def test_the_case_page_links_its_letters(client, approved, owner):
    event = letter_events(approved).get()
    client.force_login(owner)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert reverse("applications:letter", args=[approved.pk, event.pk]) in page and "批准决定书" in page


@pytest.mark.parametrize("who", ["outsider", "other_finance", "other_reviewer"])
def test_no_one_else_finds_the_letter(request, client, approved, who):
    event = letter_events(approved).get()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("applications:letter", args=[approved.pk, event.pk])).status_code == 404


def test_an_event_without_a_letter_is_not_found(client, make_application, owner):
    application = make_application("submitted")
    event = application.events.create(
        action="accept", action_label="预审通过", from_status="submitted", to_status="under_review"
    )
    client.force_login(owner)
    assert client.get(reverse("applications:letter", args=[application.pk, event.pk])).status_code == 404


def test_staff_find_the_letter_on_the_case_page_in_the_admin(client, approved, finance):
    event = letter_events(approved).get()
    letter = reverse("applications:letter", args=[approved.pk, event.pk])
    client.force_login(finance)
    page = client.get(reverse("admin:applications_application_change", args=[approved.pk])).content.decode()
    assert letter in page and client.get(letter)["Content-Type"] == "application/pdf"
