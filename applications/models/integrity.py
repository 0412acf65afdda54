"""Integrity signals: another enterprise that shares a contact detail with the applicant, found at submission."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrityLinkKind(models.TextChoices):
    # The Enterprise model holds no legal representative: the same contact person on the same mobile stands for one.
    REPRESENTATIVE = "representative", _("同一联系人（法定代表人）及手机")
    PHONE = "phone", _("同一联系手机")
    EMAIL = "email", _("同一联系邮箱")
    ADDRESS = "address", _("同一注册地址")
    BANK_ACCOUNT = "bank_account", _("同一银行账号")
    BANNED = "banned", _("关联企业处于禁止申请期")


class IntegrityLink(models.Model):
    """A link from a submitted case's enterprise to another enterprise, for the reviewers to look at."""

    application = models.ForeignKey(
        "Application", verbose_name=_("申请"), on_delete=models.CASCADE, related_name="integrity_links"
    )
    other = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("关联企业"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("关联类型"), max_length=20, choices=IntegrityLinkKind.choices)
    value = models.CharField(_("相同信息"), max_length=200, blank=True)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("关联企业线索")
        verbose_name_plural = _("关联企业线索")
        ordering = ["application", "kind", "other"]
        constraints = [
            models.UniqueConstraint(fields=["application", "other", "kind"], name="integrity_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.other_id} ({self.kind})"
