"""An objection to an award under 公示: real-name, written, with its evidence (DOMAIN.md), and what became of it.

The objector's name, phone and e-mail are for the reviewers only (个人信息保护法): the applicant and the public learn
only that an objection is being examined (applications.publicity). While an objection is pending the case stays in
公示; a reviewer dismisses it (the case goes on) or upholds it (back to review).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cases import Application
from .storage import PrivateStorage


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("待核实")
    DISMISSED = "dismissed", _("经核实不成立")
    UPHELD = "upheld", _("经核实成立")
    # The case left 公示 before this objection was examined on its own (another was upheld, the enterprise
    # withdrew, the award was revoked): it is closed with the case, and its objector told so.
    CLOSED = "closed", _("随申请结案")


class ObjectionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(outcome=ObjectionOutcome.PENDING)

    def of_current_publicity(self, application: Application):
        """Return the objections lodged since the case last entered 公示 (an earlier round's are settled)."""
        return self.filter(application=application, created_at__gte=application.status_changed_at)


def objection_attachment_path(instance: "Objection", filename: str) -> str:
    # Never the objector's file name: a random name with the extension of the type read from the content.
    return f"objections/{instance.application_id}/{uuid.uuid4().hex}.{instance.attachment_extension}"


class Objection(models.Model):
    """An objection lodged during the public announcement (公示), by a named person, with the facts and evidence."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("异议人姓名"), max_length=50)
    contact = models.CharField(_("联系电话"), max_length=100)
    # Where the objector is told the outcome; empty only on objections lodged before it was asked for.
    email = models.EmailField(_("电子邮箱"), blank=True)
    text = models.TextField(_("异议事实和理由"))
    attachment = models.FileField(
        _("证据材料"), storage=PrivateStorage(), upload_to=objection_attachment_path, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("证据材料原文件名"), max_length=255, blank=True)
    attachment_type = models.CharField(_("证据材料文件类型"), max_length=120, blank=True)
    attachment_extension = models.CharField(_("证据材料扩展名"), max_length=10, blank=True, editable=False)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    outcome = models.CharField(
        _("核实结果"), max_length=12, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    handling_note = models.TextField(_("核实意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [
            # The reviewers' triage list and the staff home's count: the few pending ones, whatever the history.
            models.Index(fields=["application"], condition=Q(outcome="pending"), name="objection_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == ObjectionOutcome.PENDING
