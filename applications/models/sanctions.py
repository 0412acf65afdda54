"""Statutory sanctions for fraud: findings, bans, recoveries of the subsidy and the repayments against them."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.money import MoneySum

from .cases import Application


class BanQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)

    def by_district(self, enterprise, on: datetime.date | None = None) -> dict[int, tuple[datetime.date, str]]:
        """Return, for each district that bans the enterprise on the day, the ban's end and the clause it rests on."""
        return {
            ban.district_id: (ban.ends_on, ban.quote or ban.decision_number)
            for ban in self.active(on=on).filter(enterprise=enterprise)
        }


class Ban(models.Model):
    """A ban on applying for a district's subsidies after a fraud finding (e.g. 门政发〔2020〕25号 附则: 三年内不准)."""

    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="bans"
    )
    district = models.ForeignKey(
        "measures.District", verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("禁止申请起始日"))
    ends_on = models.DateField(_("禁止申请截止日"))
    decision_number = models.CharField(_("处理决定文号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    reason = models.TextField(_("事由"))
    clause_quote = models.TextField(_("依据条款原文"))
    finding = models.OneToOneField(
        "FraudFinding",
        verbose_name=_("查处记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ban",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("禁止申请记录")
        verbose_name_plural = _("禁止申请记录")
        indexes = [models.Index(fields=["enterprise", "district", "ends_on"], name="ban_lookup")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="ban_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.district} {self.starts_on}—{self.ends_on}"

    @property
    def quote(self) -> str:
        """The clause the ban rests on (the name measures.matching reads)."""
        return self.clause_quote


class BanAmendment(models.Model):
    """A change to a ban's end (e.g. after a court ruling or an administrative reconsideration): its own act, with
    the reason and the document it rests on, written to the case's audit trail and told to the enterprise."""

    ban = models.ForeignKey(Ban, verbose_name=_("禁止申请记录"), on_delete=models.PROTECT, related_name="amendments")
    previous_ends_on = models.DateField(_("原截止日"))
    ends_on = models.DateField(_("变更后截止日"))
    document_number = models.CharField(_("依据文书编号"), max_length=100, help_text=_("如判决书、复议决定书文号。"))
    reason = models.TextField(_("变更理由"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["ban", "amended_at", "pk"]
        verbose_name = _("禁止申请变更记录")
        verbose_name_plural = _("禁止申请变更记录")

    def __str__(self) -> str:
        return f"{self.ban} {self.previous_ends_on} → {self.ends_on}"


class FraudFinding(models.Model):
    """A district administrator's record that an award was obtained by fraud (弄虚作假骗取奖励补贴).

    Saving one queues `applications.sanctions.tasks.process_fraud_finding`, which revokes the award, opens the recovery of the
    full amount paid (全额收缴) and bans the enterprise from the district's subsidies for three years.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("涉及的申请"), on_delete=models.PROTECT, related_name="fraud_finding"
    )
    evidence = models.TextField(_("查实的事实和证据"))
    decision_number = models.CharField(_("处理决定文号"), max_length=100)
    decision_date = models.DateField(_("处理决定日期"))
    persons_responsible = models.TextField(_("有关责任人员"), help_text=_("姓名、职务，每行一人。"))
    referred_to_judiciary = models.BooleanField(
        _("涉嫌犯罪，已移送司法机关"), default=False, help_text=_("“涉嫌犯罪的，由司法机关处理。”")
    )
    clause_quote = models.TextField(_("依据条款原文"))
    recovery_due_on = models.DateField(_("退回资金截止日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    processed_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("弄虚作假查处记录")
        verbose_name_plural = _("弄虚作假查处记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(recovery_due_on__gte=models.F("decision_date")), name="recovery_due_after_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number}（{self.application}）"


class Recovery(models.Model):
    """The recovery of everything paid under a revoked award (全额收缴), tracked until fully repaid."""

    class State(models.TextChoices):
        OPEN = "open", _("追缴中")
        CLOSED = "closed", _("已全额收缴")

    finding = models.OneToOneField(
        FraudFinding, verbose_name=_("查处记录"), on_delete=models.PROTECT, related_name="recovery"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("涉及的申请"), on_delete=models.PROTECT, related_name="recoveries"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="recoveries"
    )
    district = models.ForeignKey(
        "measures.District", verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="+"
    )
    amount_due = models.DecimalField(_("应收缴金额（元）"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("退回截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        ordering = ["state", "due_on", "pk"]
        verbose_name = _("资金收缴")
        verbose_name_plural = _("资金收缴")
        indexes = [models.Index(fields=["state", "due_on"], name="recovery_due")]
        constraints = [models.CheckConstraint(condition=Q(amount_due__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"{self.application} {self.amount_due}"

    def repaid_total(self) -> Decimal:
        return self.repayments.aggregate(total=MoneySum("amount"))["total"]

    def outstanding(self) -> Decimal:
        return self.amount_due - self.repaid_total()


class Repayment(models.Model):
    """Money returned by the enterprise under a recovery, recorded by the district's finance officer."""

    recovery = models.ForeignKey(
        Recovery, verbose_name=_("资金收缴"), on_delete=models.PROTECT, related_name="repayments"
    )
    paid_on = models.DateField(_("退回日期"))
    amount = models.DecimalField(_("退回金额（元）"), max_digits=14, decimal_places=2)
    bank_reference = models.CharField(_("银行流水号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("退回资金记录")
        verbose_name_plural = _("退回资金记录")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.recovery} {self.paid_on} {self.amount}"
