"""Attachments: type by content, size limit, stored outside the web root, served only to those allowed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.workflow import apply_transition
from measures.models import Measure
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def upload(client, application, name, content, **data):
    payload = {"input_persons": "12", "declare_truthful": "on", "intent": "save", **data}
    payload["attachments"] = SimpleUploadedFile(name, content)
    return client.post(reverse("applications:edit", args=[application.pk]), payload, follow=True)


@pytest.fixture
def draft(client, owner, make_application):
    client.force_login(owner)
    return make_application()


def test_a_pdf_is_stored_outside_the_web_root(client, draft, private_media, settings):
    upload(client, draft, "营业执照.pdf", PDF)
    attachment = draft.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "营业执照.pdf"
    assert attachment.file.path.startswith(str(private_media)) and not attachment.file.path.startswith(
        str(settings.STATIC_ROOT)
    )


def test_a_program_renamed_pdf_is_refused_and_the_draft_kept(client, draft):
    response = upload(client, draft, "发票.pdf", EXE, input_persons="30")
    draft.refresh_from_db()
    assert "发票.pdf" in response.content.decode() and "按文件内容而非扩展名识别" in response.content.decode()
    assert not draft.attachments.exists() and draft.inputs["persons"] == "30"


def test_an_oversized_file_is_refused(client, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    response = upload(client, draft, "大文件.pdf", PDF)
    assert "超过" in response.content.decode() and not draft.attachments.exists()


def test_the_owner_downloads_the_file(client, draft):
    upload(client, draft, "营业执照.pdf", PDF)
    response = client.get(draft.attachments.get().get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]


def test_another_enterprise_guessing_an_attachment_gets_404(client, draft, outsider):
    upload(client, draft, "营业执照.pdf", PDF)
    url = draft.attachments.get().get_absolute_url()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_an_attachment_is_served_only_under_its_own_case(client, draft, make_application, measure):
    upload(client, draft, "营业执照.pdf", PDF)
    attachment = draft.attachments.get()
    # The same enterprise's case under another measure, which the owner may see.
    other_case = make_application(measure=Measure.objects.exclude(pk=measure.pk).filter(monetary=True).first())
    assert client.get(reverse("applications:attachment", args=[draft.pk, attachment.pk])).status_code == 200
    assert client.get(reverse("applications:attachment", args=[other_case.pk, attachment.pk])).status_code == 404


def test_another_enterprise_asking_for_the_attachment_under_its_own_case_gets_404(client, draft, outsider, measure):
    upload(client, draft, "营业执照.pdf", PDF)
    attachment = draft.attachments.get()
    own_case = ApplicationFactory(measure=measure, created_by=outsider, enterprise=outsider.enterprise)
    client.force_login(outsider)
    response = client.get(reverse("applications:attachment", args=[own_case.pk, attachment.pk]))
    assert response.status_code == 404


def test_the_lead_departments_reviewer_downloads_but_another_does_not(client, draft, owner, reviewer, other_reviewer):
    upload(client, draft, "营业执照.pdf", PDF)
    apply_transition(application_id=draft.pk, action="submit", actor=owner)
    url = draft.attachments.get().get_absolute_url()
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(other_reviewer)
    assert client.get(url).status_code == 404
