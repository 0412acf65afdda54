"""Structural checks of an uploaded attachment, after its type was recognised by its first bytes.

A file can start like a PDF or an Office document and still be unusable or hostile: cut off in transfer, or a
"zip bomb" that unpacks to gigabytes on a reviewer's machine. These checks read only what they need: the end of
a PDF, and the directory of a ZIP container (never its contents).
"""

from __future__ import annotations

import zipfile

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PDF_TAIL_BYTES = 1024  # readers accept an end-of-file marker this far from the end
ZIP_CONTAINERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_RATIO = 200  # unpacked / packed size of one entry; Office XML packs about 10:1, zip bombs over 1000:1
RATIO_CHECKED_FROM = 1024 * 1024  # small entries may pack tighter without harm


def structure_problem(upload: UploadedFile, mime: str, name: str) -> str | None:
    """Return why the file cannot be accepted (a Chinese message naming it), or None if it is sound."""
    if mime == "application/pdf":
        return _pdf_problem(upload, name)
    if mime in ZIP_CONTAINERS:
        return _zip_problem(upload, name)
    return None


def _pdf_problem(upload: UploadedFile, name: str) -> str | None:
    upload.seek(max(upload.size - PDF_TAIL_BYTES, 0))
    tail = upload.read(PDF_TAIL_BYTES)
    upload.seek(0)
    if b"%%EOF" not in tail:
        return _("文件“%(name)s”不是完整的 PDF 文件（可能在下载或扫描时被截断），未上传。请重新导出后再上传。") % {
            "name": name
        }
    return None


def _zip_problem(upload: UploadedFile, name: str) -> str | None:
    broken = _("文件“%(name)s”已损坏，无法作为 Office 文档打开，未上传。") % {"name": name}
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return broken
    finally:
        upload.seek(0)
    unpacked = sum(entry.file_size for entry in entries)
    oversized = any(
        entry.file_size > RATIO_CHECKED_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES or oversized:
        return _("文件“%(name)s”解压后异常庞大（疑似压缩炸弹），未上传。") % {"name": name}
    return None
