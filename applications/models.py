import datetime
import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from accounts.models import optional_amount


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read at each use so that tests can point it elsewhere."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待预审")
    RETURNED = "returned", _("退回补正")
    RESUBMITTED = "resubmitted", _("补正后重新提交")
    UNDER_REVIEW = "under_review", _("预审通过，终审中")
    VERIFICATION = "verification", _("抽查核实中")
    REVIEWED = "reviewed", _("审核通过，待公示")
    PUBLICITY = "publicity", _("公示中")
    FINANCE_REVIEW = "finance_review", _("财政审批中")
    APPROVED = "approved", _("已批准，待拨付")
    DISBURSING = "disbursing", _("部分拨付")
    DISBURSED = "disbursed", _("已全额拨付")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    LAPSED = "lapsed", _("逾期视为放弃")


TERMINAL_STATUSES = [Status.CLOSED, Status.REJECTED, Status.WITHDRAWN, Status.LAPSED]
EDITABLE_STATUSES = [Status.DRAFT, Status.RETURNED]
FINANCE_STATUSES = [Status.FINANCE_REVIEW, Status.APPROVED, Status.DISBURSING, Status.DISBURSED, Status.CLOSED]
PAYABLE_STATUSES = [Status.APPROVED, Status.DISBURSING]


class ReferenceSequence(models.Model):
    """The last reference number given out in a year; its row is locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("已用编号"), default=0)

    class Meta:
        verbose_name = _("申请编号序列")
        verbose_name_plural = _("申请编号序列")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(year=year)
            sequence.last += 1
            sequence.save(update_fields=["last"])
        return f"SQ-{year}-{sequence.last:06d}"


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=TERMINAL_STATUSES)

    def overdue(self, on: datetime.date | None = None):
        """Return the cases whose current step has passed its deadline."""
        on = on or timezone.localdate()
        return self.filter(
            Q(status=Status.RETURNED, correction_due_on__lt=on)
            | Q(status=Status.VERIFICATION, verification_due_on__lt=on)
            | Q(status=Status.PUBLICITY, publicity_ends_on__lt=on)
        )


class Application(models.Model):
    """An enterprise's application for one measure, from draft to money in its account."""

    reference = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name=_("申请企业"), on_delete=models.PROTECT, related_name="applications"
    )
    measure = models.ForeignKey(
        "measures.Measure", verbose_name=_("政策措施"), on_delete=models.PROTECT, related_name="applications"
    )
    # The measure's district, kept on the row so that every queue filters and indexes on it.
    district = models.ForeignKey(
        "measures.District", verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    inputs = models.JSONField(_("申报数据"), default=dict, blank=True)
    declarations = models.JSONField(_("承诺事项"), default=dict, blank=True)
    estimate_amount = optional_amount(max_digits=14, verbose_name=_("测算金额（元）"))
    estimate_steps = models.JSONField(_("测算过程"), default=list, blank=True)
    amount_ceiling = optional_amount(max_digits=14, verbose_name=_("金额上限（元）"))
    discretionary = models.BooleanField(_("酌定金额"), default=False)
    proposed_amount = optional_amount(max_digits=14, verbose_name=_("拟支持金额（元）"))
    approved_amount = optional_amount(max_digits=14, verbose_name=_("批准金额（元）"))
    profile_version = models.ForeignKey(
        "accounts.ProfileVersion",
        verbose_name=_("提交时的企业画像版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    correction_request = models.TextField(_("补正要求"), blank=True)
    correction_due_on = models.DateField(_("补正截止日期"), null=True, blank=True)
    verification_due_on = models.DateField(_("核实截止日期"), null=True, blank=True)
    sampled = models.BooleanField(_("抽中核实"), default=False)
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    rejection_reason = models.TextField(_("不予支持的理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        indexes = [
            models.Index(fields=["district", "status"], name="application_district_queue"),
            models.Index(fields=["measure", "status"], name="application_measure_queue"),
            models.Index(fields=["enterprise", "status"], name="application_enterprise"),
            models.Index(fields=["status", "publicity_ends_on"], name="application_publicity"),
        ]
        constraints = [
            # One case per enterprise and measure until it ends; reapplying after a rejection is allowed.
            models.UniqueConstraint(
                fields=["enterprise", "measure"],
                condition=~Q(status__in=TERMINAL_STATUSES),
                name="one_open_application_per_measure",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="approved_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = ReferenceSequence.next_reference(timezone.localdate().year)
        if not self.district_id:
            self.district_id = self.measure.document.district_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATUSES

    def paid_total(self) -> Decimal:
        return self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")

    def outstanding(self) -> Decimal | None:
        """Return what remains to be paid of the approved amount."""
        if self.approved_amount is None:
            return None
        return self.approved_amount - self.paid_total()


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the uploader: a random name with the extension of the sniffed type.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), storage=PrivateStorage(), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=120)
    extension = models.CharField(_("扩展名"), max_length=10)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("applications:attachment", args=[self.application_id, self.pk])


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Events are append-only.")

    def delete(self):
        raise PermissionError("Events are append-only.")


class Event(models.Model):
    """One line of a case's audit trail: who did what, when, from which state to which, with which amounts."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示系统自动处理。"),
    )
    action = models.CharField(_("操作"), max_length=40)
    action_label = models.CharField(_("操作名称"), max_length=60)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("意见"), blank=True)
    amount = optional_amount(max_digits=14, verbose_name=_("金额（元）"))
    amount_field = models.CharField(_("金额类型"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.application} {self.action_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Events are append-only: an event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Events are append-only: an event cannot be deleted.")

    @property
    def actor_display(self) -> str:
        if self.actor is None:
            return str(_("系统"))
        return self.actor.get_full_name() or self.actor.username


class Payment(models.Model):
    """One disbursement; all of a case's payments together never exceed its approved amount."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("拨付日期"))
    amount = models.DecimalField(_("拨付金额（元）"), max_digits=14, decimal_places=2)
    bank_reference = models.CharField(_("银行流水号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.application} {self.paid_on} {self.amount}"


class Objection(models.Model):
    """An objection lodged by anyone during the public announcement (公示)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("异议人"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"))
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    handled = models.BooleanField(_("已处理"), default=False)
    handling_note = models.TextField(_("处理情况"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.application} {self.name}"


class BanQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


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
