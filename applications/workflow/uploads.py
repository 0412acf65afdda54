"""What an enterprise may keep stored, and what a removed file leaves behind.

A case keeps at most `ATTACHMENTS_PER_APPLICATION` files and an enterprise `ATTACHMENT_QUOTA_BYTES` over all its
cases, both counted from what is stored (issue 23: removing and uploading again gave one draft 60 files, 63 MB).
A file taken off a case before it was ever handed in is deleted, row and stored file; one handed in with an earlier
submission stays stored (marked removed), as everything handed in does, and still counts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Enterprise

from ..models import Application, Attachment


def _human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def storage_problem(application: Application, size: int, name: str) -> str | None:
    """Return why one more file of `size` bytes cannot be stored for the case (a Chinese message), or None."""
    per_case = settings.ATTACHMENTS_PER_APPLICATION
    if Attachment.objects.filter(application=application).count() >= per_case:
        return _(
            "每件申请最多保存 %(n)s 个附件（已提交过的附件移除后仍会保留），文件“%(name)s”未上传。"
            "请先移除不需要的附件。"
        ) % {"n": per_case, "name": name}
    quota = settings.ATTACHMENT_QUOTA_BYTES
    used = (
        Attachment.objects.filter(application__enterprise_id=application.enterprise_id).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    )
    if used + size > quota:
        return _(
            "贵企业各申请保存的附件共 %(used)s，再上传文件“%(name)s”（%(size)s）将超过 %(quota)s 的总容量，未上传。"
            "请移除草稿中不需要的附件，或联系平台管理员。"
        ) % {"used": _human_size(used), "name": name, "size": _human_size(size), "quota": _human_size(quota)}
    return None


def attachment_store(attachment: Attachment, upload: UploadedFile, name: str) -> Attachment:
    """Write the file and its row if the case and the enterprise have room; else raise ValidationError.

    The enterprise's row is locked while counting and writing, so two uploads at once cannot both take the last
    place.
    """
    application = attachment.application
    with transaction.atomic():
        list(Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).values_list("pk"))
        problem = storage_problem(application, upload.size, name)
        if problem:
            raise ValidationError(problem)
        attachment.file.save(name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def handed_in(attachment: Attachment) -> bool:
    """Return whether the file went in with a submission of its case (the last one is the latest of them)."""
    submitted_at = attachment.application.submitted_at
    return submitted_at is not None and attachment.uploaded_at <= submitted_at


def attachment_discard(attachment: Attachment) -> None:
    """Take a file off its case: delete it if it was never handed in, else mark it removed and keep it."""
    if handed_in(attachment):
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        return
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
