"""What is stored for a case and an enterprise, and under which name it is served (issue 23: a PDF uploaded as
申报材料.hta was served as .hta; removing and uploading again gave one draft 60 files, 63 MB)."""

import os
from urllib.parse import quote

import pytest
from django.urls import reverse

from applications.models import Attachment
from applications.workflow import apply_transition
from measures.models import Measure
from tests.applications.workflow.test_attachments import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, owner, make_application):
    client.force_login(owner)
    return make_application()


def stored_files(root) -> list[str]:
    return [name for _folder, _dirs, names in os.walk(root) for name in names]


@pytest.fixture
def remove(client, django_capture_on_commit_callbacks):
    """Remove a file through the edit page, running what waits for the commit (the stored file's deletion)."""

    def post(attachment):
        with django_capture_on_commit_callbacks(execute=True):
            url = reverse("applications:attachment_remove", args=[attachment.application_id, attachment.pk])
            return client.post(url, follow=True)

    return post


@pytest.mark.parametrize(
    ("name", "served_as"),
    [
        ("申报材料.hta", "申报材料.pdf"),
        ("营业执照", "营业执照.pdf"),
        ("营业执照.PDF", "营业执照.PDF"),
        (".hta", "attachment.pdf"),
    ],
)
def test_a_download_carries_the_extension_of_the_type_found_in_its_content(client, draft, name, served_as):
    upload(client, draft, name, PDF)
    response = client.get(draft.attachments.get().get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.endswith((f"filename*=utf-8''{quote(served_as)}", f'filename="{served_as}"'))


def test_a_file_removed_from_a_draft_is_deleted_and_no_longer_counts(client, remove, draft, settings, private_media):
    settings.ATTACHMENTS_PER_APPLICATION = 2
    upload(client, draft, "名单一.pdf", PDF)
    upload(client, draft, "名单二.pdf", PDF)
    first = draft.attachments.first()
    remove(first)
    response = upload(client, draft, "名单三.pdf", PDF)
    assert "已上传附件“名单三.pdf”" in response.content.decode()
    assert sorted(a.original_name for a in draft.attachments.all()) == ["名单三.pdf", "名单二.pdf"]
    assert len(stored_files(private_media)) == 2 and not Attachment.objects.filter(pk=first.pk).exists()


def test_removing_and_uploading_again_cannot_go_past_the_limit(client, remove, draft, settings, private_media):
    settings.ATTACHMENTS_PER_APPLICATION = 3
    for round_ in range(4):
        for n in range(3):
            upload(client, draft, f"第{round_}轮{n}.pdf", PDF)
        if round_ < 3:
            for attachment in draft.attachments.all():
                remove(attachment)
    response = upload(client, draft, "多余.pdf", PDF)
    assert "每件申请最多保存 3 个附件" in response.content.decode()
    assert draft.attachments.count() == 3 and len(stored_files(private_media)) == 3


def test_a_file_handed_in_stays_stored_when_removed_and_still_counts(client, remove, draft, settings, owner, reviewer):
    settings.ATTACHMENTS_PER_APPLICATION = 2
    upload(client, draft, "名单.pdf", PDF)
    upload(client, draft, "发票.pdf", PDF)
    apply_transition(application_id=draft.pk, action="submit", actor=owner)
    apply_transition(application_id=draft.pk, action="return_for_correction", actor=reviewer, comment="请重新上传名单")
    handed_in = draft.attachments.get(original_name="名单.pdf")
    remove(handed_in)
    handed_in.refresh_from_db()
    assert handed_in.removed_at is not None and handed_in.file.storage.exists(handed_in.file.name)
    response = upload(client, draft, "名单（更正）.pdf", PDF)
    assert "每件申请最多保存 2 个附件" in response.content.decode()


def test_an_enterprise_has_a_quota_over_all_its_cases(client, draft, settings, make_application, measure):
    settings.ATTACHMENT_QUOTA_BYTES = 2 * len(PDF) + 10
    other = make_application(measure=Measure.objects.filter(monetary=True).exclude(pk=measure.pk).first())
    upload(client, draft, "名单.pdf", PDF)
    upload(client, other, "发票.pdf", PDF)
    response = upload(client, other, "合同.pdf", PDF)
    assert "将超过" in response.content.decode() and "总容量" in response.content.decode()
    assert Attachment.objects.filter(application__enterprise=draft.enterprise).count() == 2
