"""好差评: the enterprise's rating of the service a decided case received, and the rectification a 差评 opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# A 差评: the two lowest levels open a rectification task.
BAD_LEVELS = frozenset({RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED})
# The levels counted as satisfied in a department's satisfaction rate.
SATISFIED_LEVELS = frozenset({RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.NEUTRAL})


class RatingStage(models.TextChoices):
    DECISION = "decision", _("办理结果")
    RESPONSE = "response", _("差评整改答复")


class ServiceRating(models.Model):
    """One rating of a case's service by its enterprise, once per case and stage."""

    application = models.ForeignKey(
        "Application", verbose_name=_("申请"), on_delete=models.CASCADE, related_name="ratings"
    )
    stage = models.CharField(_("评价环节"), max_length=20, choices=RatingStage.choices)
    level = models.PositiveSmallIntegerField(_("评价"), choices=RatingLevel.choices)
    comment = models.TextField(_("评价内容"), blank=True)
    department = models.ForeignKey(
        "contacts.Department",
        verbose_name=_("被评价部门"),
        on_delete=models.PROTECT,
        null=True,
        related_name="service_ratings",
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价（好差评）")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="service_rating_once_per_stage"),
        ]
        indexes = [models.Index(fields=["department", "stage", "level"], name="rating_department_level_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage} {self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """The task a 差评 opens for the rated department's head: answer within 15 working days."""

    rating = models.OneToOneField(
        ServiceRating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="rectification"
    )
    department = models.ForeignKey(
        "contacts.Department", verbose_name=_("整改部门"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    due_on = models.DateField(_("整改答复期限"))
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    response = models.TextField(_("整改答复"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["responded_at", "due_on"], name="rectification_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.rating.application_id} → {self.due_on}"
