"""Receiving an objection: kept whenever the case is in 公示, however many arrive at once.

The case's row is locked only to read its state and append to its audit trail: an objection does not move the case,
so ten objectors writing at the same moment each get their objection recorded (issue 23), and the case stays in 公示
until a reviewer has examined every one (triage.py).
"""

from __future__ import annotations

import datetime
import os
import re

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Application, Objection, Status
from ..workflow.file_checks import structure_problem
from ..workflow.services import ALLOWED_CONTENT_TYPES, SNIFF_BYTES
from . import events, notify


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:255] or "evidence"


def evidence_problem(upload: UploadedFile) -> str | None:
    """Return why an evidence file is refused (size, content type read from the content, structure), or None."""
    name = _clean_name(upload.name)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return _("证据材料“%(name)s”超过 %(limit)s MB 的上限。") % {
            "name": name,
            "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        }
    if upload.size == 0:
        return _("证据材料“%(name)s”是空文件。") % {"name": name}
    upload.seek(0)
    kind = filetype.guess(upload.read(SNIFF_BYTES))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        return _("证据材料“%(name)s”的内容不是 PDF、图片或 Office 文档（按文件内容而非扩展名识别）。") % {"name": name}
    return structure_problem(upload, kind.mime, name)


def _keep_evidence(objection: Objection, upload: UploadedFile) -> None:
    kind = filetype.guess(upload.read(SNIFF_BYTES))
    upload.seek(0)
    objection.attachment_name = _clean_name(upload.name)
    objection.attachment_type = kind.mime
    objection.attachment_extension = kind.extension
    objection.attachment.save(objection.attachment_name, upload, save=False)


def objection_lodge(
    *,
    application_id: int,
    name: str,
    contact: str,
    email: str,
    text: str,
    attachment: UploadedFile | None = None,
    on: datetime.date | None = None,
) -> Objection:
    """Record a real-name objection to a case in 公示 and open its examination by the reviewers.

    Raises ValidationError (Chinese) when the case is no longer in its 公示 period or the evidence is refused. The
    applicant is told, once, that an objection is being examined; the reviewers are told of each objection.
    """
    today = on or timezone.localdate()
    if attachment is not None and (problem := evidence_problem(attachment)):
        raise ValidationError(problem)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("measure__document", "enterprise")
            .get(pk=application_id)
        )
        if application.status != Status.PUBLICITY or (
            application.publicity_ends_on is not None and application.publicity_ends_on < today
        ):
            raise ValidationError(_("该项目的公示已结束，异议未能提交。"))
        first = not Objection.objects.of_current_publicity(application).pending().exists()
        objection = Objection(application=application, name=name, contact=contact, email=email, text=text)
        if attachment is not None:
            _keep_evidence(objection, attachment)
        try:
            objection.save()
            with translation.override(None):  # the audit trail is kept in Chinese, whoever lodges in English
                received = events.record(
                    application, None, events.RECEIVED, _("异议编号 %(id)s，待核实。") % {"id": objection.pk}
                )
                examining = first and events.record(
                    application, None, events.EXAMINING, _("核实期间公示暂不结束，核实结果将另行告知。")
                )
            if examining:
                notify.tell_applicant(examining)
            pending = Objection.objects.of_current_publicity(application).pending().count()
            notify.tell_reviewers(objection, received, pending)
        except Exception:
            if objection.attachment:  # the row is rolled back: the file it named goes too
                objection.attachment.delete(save=False)
            raise
    return objection
