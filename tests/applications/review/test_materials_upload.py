"""The application form asks for each material the clause lists as an upload of its own, with the accepted types,
and the portal refuses to submit without the required ones: the message names the material, the draft is kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from applications.models import Application, Attachment
from applications.workflow.checks import material_problems
from tests.applications.review.conftest import PDF, upload
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(training, mtg_owner):
    return ApplicationFactory(
        measure=training, created_by=mtg_owner, enterprise=mtg_owner.enterprise, inputs={"persons": "10"}
    )


@pytest.fixture
def signed_in(client, mtg_owner):
    client.force_login(mtg_owner)
    return client


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def post(client, application, intent="save", **files):
    data = {"input_persons": "10", "declare_truthful": "on", "intent": intent, **files}
    return client.post(reverse("applications:edit", args=[application.pk]), data)


def test_the_form_asks_for_each_material_with_its_accepted_types(signed_in, draft):
    page = signed_in.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert 'name="material_trainee-roster"' in page and 'accept=".xls,.xlsx,.ods,.pdf,.jpg,.jpeg,.png"' in page
    assert "学员花名册" in page and "接受：Excel 表格、PDF、图片" in page
    assert "如有请提供" in page.split("委托培训协议")[1]  # only where training was commissioned


def test_review_without_the_required_materials_names_them_and_keeps_the_draft(signed_in, draft):
    roster = SimpleUploadedFile("花名册.pdf", PDF)
    response = post(signed_in, draft, intent="review", **{"material_trainee-roster": roster})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请上传“培训方案”（接受 PDF、Word 文档、图片），提交时必须提供。" in page
    assert "请上传“学员花名册”" not in page  # handed in with this very request
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.inputs["persons"] == "10"
    assert draft.attachments.get().material == "trainee-roster"


def test_a_file_of_a_type_the_material_does_not_accept_is_refused_by_name(signed_in, draft):
    sheet = SimpleUploadedFile("培训方案.xlsx", xlsx())
    response = post(signed_in, draft, **{"material_training-plan": sheet})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "文件“培训方案.xlsx”不是“培训方案”接受的文件类型（PDF、Word 文档、图片），未上传。" in messages
    assert not Attachment.objects.filter(application=draft).exists()


def test_submitting_without_a_required_material_is_refused_naming_it(signed_in, draft):
    for key in ("training-plan", "trainee-roster", "training-results"):
        upload(draft, key)
    response = signed_in.post(reverse("applications:confirm", args=[draft.pk]))
    assert "缺少申报材料“培训课时相关材料”（接受 PDF、图片、Excel 表格）" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_once_every_required_material_is_handed_in_none_is_missing(draft):
    for key in ("training-plan", "trainee-roster", "training-results", "training-hours"):
        upload(draft, key)
    assert material_problems(draft) == []  # 委托培训协议 is asked for only where the training was commissioned
    removed = draft.attachments.get(material="training-hours")
    removed.removed_at = removed.uploaded_at
    removed.save()
    assert material_problems(draft) == [
        "缺少申报材料“培训课时相关材料”（接受 PDF、图片、Excel 表格），请在申请表中上传后再提交，草稿已保存。"
    ]
