"""免申即享 (direct awards): staff's verification of a profile, the lists of qualifying enterprises and the offers.

A measure marked `direct_award` (measures.direct) is offered without an application. District staff verify an
enterprise's profile against evidence (ProfileVerification: the figures of one ProfileVersion); a reviewer of the
measure's lead department generates the list of the enterprises whose verified profile qualifies (DirectList, one
DirectEntry per enterprise examined that qualifies on some figures, listed or left out with the reason); a second
person of the department approves it, and each listed enterprise is offered the award, to confirm by a date. Its
answer (confirmed, declined, lapsed) opens a case (Application, entry.application) whose audit chain starts with the
list and its approval (applications.direct.offers).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import optional_amount

from .cases import Application


class ProfileVerification(models.Model):
    """A member of staff's record that an enterprise's profile, as one ProfileVersion froze it, agrees with the
    evidence they saw (tax returns, the statistics office's figures, certificates). Kept, never changed: the
    enterprise's latest verified version is what 免申即享 lists are drawn from."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="profile_verifications"
    )
    version = models.ForeignKey(
        "accounts.ProfileVersion", verbose_name=_("核验的画像版本"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "measures.District", verbose_name=_("核验单位所在行政区"), on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField(
        _("核验依据"),
        help_text=_("如：2025年度企业所得税年度纳税申报表、统计局年报数据、资质证书编号，逐项核对一致。"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核验人"), on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), default=timezone.now)

    class Meta:
        ordering = ["-verified_at", "-pk"]
        verbose_name = _("企业画像核验")
        verbose_name_plural = _("企业画像核验")
        indexes = [models.Index(fields=["enterprise", "-verified_at"], name="verification_latest")]

    def __str__(self) -> str:
        return f"{self.enterprise} v{self.version.number}"


class DirectList(models.Model):
    """A list of the enterprises a 免申即享 measure is offered to, generated from the data on one day and approved as
    a batch by a second person of the lead department."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准，已通知企业确认")
        DISCARDED = "discarded", _("已作废")

    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("政策措施"), on_delete=models.PROTECT, related_name="direct_lists"
    )
    district = models.ForeignKey(
        "measures.District", verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    on = models.DateField(_("判定日期"))
    examined = models.PositiveIntegerField(_("核查企业数"), default=0)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)
    due_on = models.DateField(_("企业确认截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("免申即享名单")
        verbose_name_plural = _("免申即享名单")
        constraints = [
            # One list of a measure waits for approval at a time: a second would offer the same enterprises twice.
            models.UniqueConstraint(fields=["measure"], condition=Q(state="pending"), name="one_pending_direct_list")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self.district_id:
            self.district_id = self.measure.document.district_id
        super().save(*args, **kwargs)


class DirectEntry(models.Model):
    """One enterprise examined for a list: listed with the amount and the reason per condition, or left out and why;
    once the list is approved, the offer and the enterprise's answer."""

    class State(models.TextChoices):
        LEFT_OUT = "left_out", _("未列入名单")
        LISTED = "listed", _("列入名单")
        OFFERED = "offered", _("待企业确认")
        CONFIRMED = "confirmed", _("企业已确认")
        DECLINED = "declined", _("企业放弃")
        LAPSED = "lapsed", _("逾期未确认，视为放弃")

    direct_list = models.ForeignKey(
        DirectList, verbose_name=_("免申即享名单"), on_delete=models.PROTECT, related_name="entries"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="direct_entries"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices)
    reason = models.TextField(_("未列入原因"), blank=True)
    # Each condition as the verified profile meets it: label, outcome, message, quote and the figures it read.
    checks = models.JSONField(_("逐项条件"), default=list, blank=True)
    verification = models.ForeignKey(
        ProfileVerification,
        verbose_name=_("所依据的画像核验"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    profile_version = models.ForeignKey(
        "accounts.ProfileVersion",
        verbose_name=_("所依据的画像版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inputs = models.JSONField(_("测算数据"), default=dict, blank=True)
    amount = optional_amount(max_digits=14, verbose_name=_("测算金额（元）"))
    steps = models.JSONField(_("测算过程"), default=list, blank=True)
    ceiling = optional_amount(max_digits=14, verbose_name=_("金额上限（元）"))
    discretionary = models.BooleanField(_("酌定金额"), default=False)
    rule_version = models.CharField(_("计算规则版本"), max_length=12, blank=True)
    rule_snapshot = models.JSONField(_("测算所依据的计算规则"), default=dict, blank=True)
    note = models.TextField(_("提示"), blank=True)
    # The offer and the answer.
    due_on = models.DateField(_("确认截止日期"), null=True, blank=True)
    offered_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account_name = models.CharField(_("账户名称"), max_length=200, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    declarations = models.JSONField(_("承诺事项"), default=dict, blank=True)
    decline_reason = models.TextField(_("放弃原因"), blank=True)
    application = models.OneToOneField(
        Application,
        verbose_name=_("办理案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="direct_entry",
    )

    class Meta:
        ordering = ["direct_list", "state", "enterprise__name", "pk"]
        verbose_name = _("免申即享名单企业")
        verbose_name_plural = _("免申即享名单企业")
        constraints = [
            models.UniqueConstraint(fields=["direct_list", "enterprise"], name="direct_entry_once_per_list"),
        ]
        indexes = [
            # The deadline sweep's offers past their date.
            models.Index(fields=["state", "due_on"], name="direct_entry_due"),
            models.Index(fields=["enterprise", "state"], name="direct_entry_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.direct_list} {self.enterprise}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OFFERED
