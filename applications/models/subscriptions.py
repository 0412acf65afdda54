"""Subscriptions to new measures (订阅新措施): who wants to hear of them, what each person has been told of, and the
nightly runs that tell them (applications/subscriptions/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notices import Notice


class MeasureSubscription(models.Model):
    """An enterprise user's wish to hear, in one e-mail a night, of new measures: those the enterprise qualifies or
    might qualify for, and (whatever the match) those of the districts, beneficiary types or kinds of help chosen."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="measure_subscription",
    )
    active = models.BooleanField(_("订阅中"), default=True)
    matching = models.BooleanField(_("本企业符合或可能符合条件的新措施"), default=True)
    # Slugs of measures.District, codes of measures.BeneficiaryType and of measures.topics.RULE_FAMILIES.
    districts = models.JSONField(_("关注的地区"), default=list, blank=True)
    beneficiary_types = models.JSONField(_("关注的支持对象"), default=list, blank=True)
    rule_families = models.JSONField(_("关注的支持方式"), default=list, blank=True)
    created_at = models.DateTimeField(_("订阅时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("新措施订阅")
        verbose_name_plural = _("新措施订阅")
        # The nightly run walks the active subscriptions in the order of their users.
        indexes = [models.Index(fields=["user"], condition=Q(active=True), name="subscription_active")]

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.active else 'off'}"

    @property
    def follows_topics(self) -> bool:
        return bool(self.districts or self.beneficiary_types or self.rule_families)


class MeasureAlert(models.Model):
    """A measure a person has been told of in a digest, or already knew of when subscribing (no digest): each
    measure is told to each person at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="measure_alerts"
    )
    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("政策措施"), on_delete=models.CASCADE, related_name="+"
    )
    # The match when told: qualifies, might, not (a measure of a followed topic), or known (at subscription).
    group = models.CharField(_("匹配结果"), max_length=10)
    notice = models.ForeignKey(
        Notice, verbose_name=_("所在的提醒邮件"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已提醒的措施")
        verbose_name_plural = _("已提醒的措施")
        constraints = [models.UniqueConstraint(fields=["user", "measure"], name="measure_alert_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.measure_id}"


class SubscriptionRun(models.Model):
    """One nightly re-match: when it ran, what it did, and a fingerprint of each measure it saw, by which the next
    run tells the measures added or changed since."""

    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    fingerprints = models.JSONField(_("措施指纹"), default=dict, blank=True)
    counts = models.JSONField(_("统计"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("新措施订阅运行记录")
        verbose_name_plural = _("新措施订阅运行记录")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
