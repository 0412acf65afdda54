"""Hostile uploads: path tricks in names, oversized files and requests, files that only look like documents.

Each is refused with a Chinese message (or stored safely under a name of the portal's choosing), and what the
applicant typed in the same request is kept in the draft.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BOUNDARY = "PortalTestBoundary"


@pytest.fixture
def draft(client, owner, make_application):
    client.force_login(owner)
    return make_application(inputs={"persons": "12"})


def fields(**data) -> dict:
    return {"input_persons": "30", "declare_truthful": "on", "intent": "save", **data}


def upload(client, application, name, content, **data):
    payload = {**fields(**data), "attachments": SimpleUploadedFile(name, content)}
    return client.post(reverse("applications:edit", args=[application.pk]), payload, follow=True)


def raw_upload(client, application, filename: str, content: bytes):
    """Post a multipart body by hand, so that the file name reaches the server exactly as given."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields().items()
    ]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    url = reverse("applications:edit", args=[application.pk])
    return client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", follow=True)


def docx(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_inside(attachment, root) -> bool:
    return Path(attachment.file.path).resolve().is_relative_to(Path(root).resolve())


@pytest.mark.parametrize(
    ("filename", "kept_as"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/etc/cron.d/evil.pdf", "evil.pdf"),
        ("营业执照\x00.exe.pdf", "营业执照.exe.pdf"),
    ],
    ids=["parent-dirs", "backslashes", "absolute", "nul-byte"],
)
def test_a_path_in_the_file_name_goes_nowhere(client, draft, private_media, filename, kept_as):
    raw_upload(client, draft, filename, PDF)
    attachment = draft.attachments.get()
    assert attachment.original_name == kept_as and stored_inside(attachment, private_media)
    assert Path(attachment.file.name).name.endswith(".pdf") and kept_as not in attachment.file.name


def test_a_very_long_name_is_shortened_keeping_its_extension(client, draft):
    upload(client, draft, "申" * 400 + ".pdf", PDF)
    attachment = draft.attachments.get()
    assert len(attachment.original_name) <= 255 and attachment.original_name.endswith(".pdf")


def test_a_file_over_the_limit_is_refused_and_the_inputs_kept(client, draft, settings):
    content = PDF[:-6] + b"\0" * (settings.ATTACHMENT_MAX_BYTES - len(PDF) + 1) + b"%%EOF\n"
    response = upload(client, draft, "扫描件.pdf", content)
    draft.refresh_from_db()
    assert "扫描件.pdf" in response.content.decode() and "10.0 MB 的上限" in response.content.decode()
    assert not draft.attachments.exists() and draft.inputs["persons"] == "30"


def test_a_file_larger_than_memory_uploads_is_still_accepted(client, draft, settings):
    content = PDF[:-6] + b"\n" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1) + b"%%EOF\n"
    upload(client, draft, "大图纸.pdf", content)
    assert draft.attachments.get().size == len(content)


def test_a_request_with_oversized_fields_gets_a_chinese_400_and_the_saved_draft_survives(client, draft, settings):
    response = client.post(
        reverse("applications:edit", args=[draft.pk]),
        fields(input_persons="9" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)),
    )
    draft.refresh_from_db()
    assert response.status_code == 400 and "请求无法处理" in response.content.decode()
    assert draft.inputs == {"persons": "12"}


def test_too_many_files_in_one_request_get_a_chinese_400(client, draft, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"附件{n}.pdf", PDF) for n in range(4)]
    response = client.post(reverse("applications:edit", args=[draft.pk]), {**fields(), "attachments": files})
    assert response.status_code == 400 and "请求无法处理" in response.content.decode()
    assert not draft.attachments.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("发票.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "按文件内容而非扩展名识别"),
        ("发票.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "按文件内容而非扩展名识别"),
        ("图片.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "按文件内容"),
        ("合同.pdf", PDF[:40], "不是完整的 PDF"),
        ("报告.docx", docx({"word/document.xml": b"<w:document/>"})[:-30], "已损坏"),
        ("报告.docx", docx({"word/document.xml": b" " * (60 * 1024 * 1024)}), "压缩炸弹"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 100, "按文件内容"),
    ],
    ids=["html", "program", "svg", "truncated-pdf", "truncated-docx", "zip-bomb-docx", "fake-zip"],
)
def test_a_file_that_only_looks_like_a_document_is_refused(client, draft, name, content, message):
    response = upload(client, draft, name, content)
    draft.refresh_from_db()
    assert name in response.content.decode() and message in response.content.decode()
    assert not draft.attachments.exists() and draft.inputs["persons"] == "30"


def test_a_sound_docx_is_accepted(client, draft):
    upload(client, draft, "报告.docx", docx({"word/document.xml": b"<w:document>" + b"x" * 5000 + b"</w:document>"}))
    assert draft.attachments.get().extension == "docx"


def test_attachments_live_outside_every_folder_the_web_server_serves():
    private = Path(django_settings.PRIVATE_MEDIA_ROOT).resolve()
    served = [django_settings.STATIC_ROOT, django_settings.MEDIA_ROOT, *django_settings.STATICFILES_DIRS]
    assert not any(private.is_relative_to(Path(root).resolve()) for root in served)


def test_a_download_is_never_rendered_by_the_browser(client, draft):
    upload(client, draft, "营业执照.pdf", PDF)
    response = client.get(draft.attachments.get().get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_stored_file_is_not_reachable_by_its_path(client, draft):
    upload(client, draft, "营业执照.pdf", PDF)
    relative = draft.attachments.get().file.name
    for prefix in ("/static/", "/media/", "/private/", "/"):
        assert client.get(prefix + relative).status_code == 404
