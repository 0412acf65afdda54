"""The inbox: each person's copy of the notices sent to them, read or not, and how they want their e-mail.

E-mail stays the channel and the `Notice` the record of what was sent; a `NoticeReceipt` links one notice to one
person who was told, so that a person's inbox, and its unread count, are read through their own index whatever the
size of the outbox (a million notices are a few rows per person, not a scan).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notices import Notice


class NoticeReceiptQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class NoticeReceipt(models.Model):
    """One person's copy of a notice: in their inbox, read or not, and whether its e-mail waits for their digest."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notice_receipts"
    )
    # The notice's own time, kept here so that the inbox is ordered by this table's index alone.
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The person chose a daily digest: the notice is mailed to them in `digest`, once that is written.
    held = models.BooleanField(_("并入每日汇总"), default=False)
    digest = models.ForeignKey(
        Notice,
        verbose_name=_("所在的每日汇总"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
    )

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="receipt_once_per_user")]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="receipt_inbox"),
            # The header's unread count: the person's unread receipts only.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="receipt_unread"),
            # The daily digest's work: the receipts still waiting for one.
            models.Index(
                fields=["user", "created_at"], condition=Q(held=True, digest__isnull=True), name="receipt_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.notice_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticePreference(models.Model):
    """How a person wants the portal's e-mails: each one as it happens (the default), or one digest a day."""

    class Delivery(models.TextChoices):
        NOW = "now", _("每条通知即时发送邮件")
        DIGEST = "digest", _("每天汇总发送一封邮件")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_preference",
    )
    delivery = models.CharField(_("邮件发送方式"), max_length=10, choices=Delivery.choices, default=Delivery.NOW)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        indexes = [models.Index(fields=["delivery"], condition=Q(delivery="digest"), name="preference_digest")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"
