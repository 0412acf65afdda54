"""What a reviewer records while examining a case: each material accepted or to be corrected, and the answers to
the measure's review criteria. Kept with the case (one current row per material or criterion); every change is also
an audit event (applications.review)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Application


class MaterialCheck(models.Model):
    """The reviewer's verdict on one material of the measure (Measure.materials) as the enterprise handed it in."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("合格")
        TO_CORRECT = "to_correct", _("需补正")

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="material_checks"
    )
    material = models.CharField(_("申报材料"), max_length=40)
    verdict = models.CharField(_("核验结果"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("说明"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核验人"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("核验时间"), default=timezone.now)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("材料核验")
        verbose_name_plural = _("材料核验")
        constraints = [
            models.UniqueConstraint(fields=["application", "material"], name="one_material_check_per_material")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.material} {self.get_verdict_display()}"


class CriterionAnswer(models.Model):
    """The reviewer's answer to one review criterion of the measure: met or not, with a note."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="criterion_answers"
    )
    criterion = models.CharField(_("审核要点标识"), max_length=40)
    # The criterion as the reviewer saw it: the measure's conditions may be edited later.
    label = models.TextField(_("审核要点"))
    met = models.BooleanField(_("是否符合"), null=True)
    note = models.TextField(_("说明"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("审核要点意见")
        verbose_name_plural = _("审核要点意见")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="one_answer_per_criterion")]

    def __str__(self) -> str:
        return f"{self.application} {self.label[:30]}"
