"""Writes concerning applications: drafts, attachments, submission, objections and the scheduled closings.

Every change of a case's state goes through workflow.apply_transition; these services prepare or wrap it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Enterprise, User
from measures.materials import Material
from measures.models import Measure

from ..models import Application, Attachment, Objection, Status
from . import objections
from .file_checks import structure_problem
from .transitions import TransitionError, apply_transition
from .uploads import attachment_discard, attachment_store, storage_problem

logger = logging.getLogger(__name__)

# Types accepted as attachments, recognised by their content (magic numbers), never by their names.
ALLOWED_CONTENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/bmp",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
SNIFF_BYTES = 8192


def application_start(*, enterprise: Enterprise, measure: Measure, user: User) -> tuple[Application, bool]:
    """Return the enterprise's open case for the measure, or a new draft; and whether it was created."""
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        existing = Application.objects.open().filter(enterprise=enterprise, measure=measure).first()
        if existing:
            return existing, False
        application = Application.objects.create(enterprise=enterprise, measure=measure, created_by=user)
    return application, True


def _editable(application: Application) -> None:
    if not application.is_editable:
        raise ValidationError(
            _("该申请当前状态为“%(status)s”，不能修改。") % {"status": application.get_status_display()}
        )


def application_save_draft(
    *,
    application: Application,
    user: User,
    inputs: dict[str, str],
    declarations: dict[str, bool],
    event_date: datetime.date | None = None,
) -> Application:
    """Keep what the applicant typed, valid or not, so that nothing is lost between visits."""
    _editable(application)
    application.inputs = {name: str(value) for name, value in inputs.items()}
    application.declarations = {key: bool(value) for key, value in declarations.items()}
    fields = ["inputs", "declarations", "updated_at"]
    if event_date is not None:
        application.event_date = event_date
        fields.append("event_date")
    application.save(update_fields=fields)
    return application


REPLY_MAX_LENGTH = 2000


def application_submit(*, application_id: int, user: User, reply: str = "") -> Application:
    """Submit a draft, or resubmit a case returned for correction; the checks run again under the lock.

    `reply`: on a resubmission, the enterprise's note to the reviewer on what it corrected, kept as the comment of
    the resubmit event (the reviewer sees it in the case's record and in the e-mail of its arrival).
    """
    application = Application.objects.get(pk=application_id)
    action = "resubmit" if application.status == Status.RETURNED else "submit"
    comment = reply.strip()[:REPLY_MAX_LENGTH] if action == "resubmit" else ""
    return apply_transition(application_id=application_id, action=action, actor=user, comment=comment)


def _human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:255] or "attachment"


def attachment_add(
    *, application: Application, user: User, upload: UploadedFile, material: Material | None = None
) -> Attachment:
    """Store one uploaded file outside the web root, or refuse it with a Chinese message (ValidationError).

    `material`: the measure's material (measures.materials) the file is handed in as; it must be of a kind the
    material accepts.
    """
    _editable(application)
    name = _clean_name(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限，未上传。")
            % {"name": name, "size": _human_size(upload.size), "limit": _human_size(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件，未上传。") % {"name": name})
    upload.seek(0)
    kind = filetype.guess(upload.read(SNIFF_BYTES))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(
            _("文件“%(name)s”的内容不是 PDF、图片或 Office 文档（系统按文件内容而非扩展名识别），未上传。")
            % {"name": name}
        )
    if material is not None and not material.accepts(kind.mime):
        raise ValidationError(
            _("文件“%(name)s”不是“%(material)s”接受的文件类型（%(types)s），未上传。")
            % {"name": name, "material": material.name, "types": material.types_label}
        )
    problem = structure_problem(upload, kind.mime, name)
    if problem:
        raise ValidationError(problem)
    if problem := storage_problem(application, upload.size, name):  # checked again under the lock when storing
        raise ValidationError(problem)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        application=application,
        original_name=name,
        size=upload.size,
        content_type=kind.mime,
        extension=kind.extension,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        material=material.key if material else "",
    )
    return attachment_store(attachment, upload, name)


def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Take a file off a case being edited: deleted if it was never handed in, kept (marked removed) if it was."""
    _editable(attachment.application)
    attachment_discard(attachment)


def _apply_to_due(ids: list[int], action: str, today: datetime.date) -> list[Application]:
    moved = []
    for application_id in ids:
        try:
            moved.append(apply_transition(application_id=application_id, action=action, actor=None, on=today))
        except TransitionError as error:  # e.g. an objection arrived meanwhile
            logger.info("%s skipped for application %s: %s", action, application_id, error.message)
    return moved


def publicity_close_due(*, today: datetime.date | None = None) -> list[Application]:
    """Move to finance review the cases whose 公示 has ended with no objection left to examine; the event says
    whether objections were lodged and how they were resolved (workflow.objections)."""
    today = today or timezone.localdate()
    pending = Objection.objects.pending().filter(application=OuterRef("pk"))
    due = (
        Application.objects.filter(status=Status.PUBLICITY, publicity_ends_on__lt=today)
        .exclude(Exists(pending))
        .only("pk", "status_changed_at")
    )
    moved = []
    for application in due:
        moved += _apply_to_due([application.pk], objections.end_action(application), today)
    return moved


def correction_lapse_due(*, today: datetime.date | None = None) -> list[Application]:
    """Mark as lapsed the cases not corrected by their deadline ("逾期视为自动放弃")."""
    today = today or timezone.localdate()
    ids = list(
        Application.objects.filter(status=Status.RETURNED, correction_due_on__lt=today).values_list("pk", flat=True)
    )
    return _apply_to_due(ids, "lapse", today)


def inputs_from_form(cleaned: dict[str, Any]) -> dict[str, str]:
    return {name[len("input_") :]: ("" if value is None else str(value)) for name, value in cleaned.items()}
