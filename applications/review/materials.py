"""The materials checklist of a case: each document the measure's clause asks for, the files the enterprise handed in
as it, and the reviewer's verdict (accepted, or to be corrected with a note)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from measures.materials import Material, materials_of

from ..models import Application, Attachment, MaterialCheck
from . import events
from .access import may_review

Verdict = MaterialCheck.Verdict


@dataclass
class ChecklistRow:
    material: Material
    attachments: list[Attachment] = field(default_factory=list)
    check: MaterialCheck | None = None

    @property
    def handed_in(self) -> bool:
        return bool(self.attachments)

    @property
    def verdict(self) -> str:
        return self.check.verdict if self.check else ""


def checklist(application: Application) -> tuple[list[ChecklistRow], list[Attachment]]:
    """Return a row per material of the measure, and the files handed in under no material (two queries)."""
    rows = {m.key: ChecklistRow(m) for m in materials_of(application.measure)}
    others = []
    for attachment in application.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk"):
        row = rows.get(attachment.material)
        if row is None:
            others.append(attachment)
        else:
            row.attachments.append(attachment)
    for check in application.material_checks.select_related("checked_by"):
        if check.material in rows:
            rows[check.material].check = check
    return list(rows.values()), others


def to_correct_summary(application: Application) -> str:
    """Return the materials marked to be corrected with their notes, as a correction request would list them."""
    names = {m.key: m.name for m in materials_of(application.measure)}
    lines = [
        f"{names[check.material]}：{check.note}" if check.note else names[check.material]
        for check in application.material_checks.filter(verdict=Verdict.TO_CORRECT)
        if check.material in names
    ]
    return "；".join(lines)


def material_mark(
    *, application: Application, user: User, material_key: str, verdict: str, note: str = ""
) -> MaterialCheck | None:
    """Record the reviewer's verdict on one material; return None when nothing changed.

    A material to be corrected needs a note saying what is wrong. Each change is an audit event of the case.
    """
    materials = {m.key: m for m in materials_of(application.measure)}
    material = materials.get(material_key)
    if material is None:
        raise ValidationError(_("本措施没有该申报材料。"))
    if verdict not in Verdict.values:
        raise ValidationError(_("请选择“合格”或“需补正”。"))
    note = note.strip()
    if verdict == Verdict.TO_CORRECT and not note:
        raise ValidationError(_("“%(name)s”标记为需补正时，请说明需要补正的内容。") % {"name": material.name})
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("measure").get(pk=application.pk)
        if not may_review(user, locked):
            raise PermissionDenied(
                _("您不能核验该申请的材料（当前状态：%(status)s）。") % {"status": locked.get_status_display()}
            )
        current = locked.material_checks.filter(material=material_key).first()
        if current and current.verdict == verdict and current.note == note:
            return None
        check, _created = MaterialCheck.objects.update_or_create(
            application=locked,
            material=material_key,
            defaults={"verdict": verdict, "note": note, "checked_by": user, "checked_at": timezone.now()},
        )
        with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
            comment = f"{material.name}：{Verdict(verdict).label}" + (f"（{note}）" if note else "")
            events.record(locked, user, events.CHECK_MATERIAL, comment)
    return check
