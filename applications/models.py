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

from .audit import event_hash


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
    REVOKED = "revoked", _("已撤销（弄虚作假，全额收缴）")


TERMINAL_STATUSES = [Status.CLOSED, Status.REJECTED, Status.WITHDRAWN, Status.LAPSED, Status.REVOKED]
EDITABLE_STATUSES = [Status.DRAFT, Status.RETURNED]
FINANCE_STATUSES = [
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSING,
    Status.DISBURSED,
    Status.CLOSED,
    Status.REVOKED,
]
# The states in which a case holds an award that a fraud finding can revoke.
AWARDED_STATUSES = [
    Status.PUBLICITY,
    Status.FINANCE_REVIEW,
    Status.APPROVED,
    Status.DISBURSING,
    Status.DISBURSED,
    Status.CLOSED,
]
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


# Written only by Event.save (see Application.audit_sequence).
AUDIT_HEAD_FIELDS = ("audit_sequence", "audit_hash")


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
    # When the case entered its present state: the start of the working-day limit of whoever it waits for.
    status_changed_at = models.DateTimeField(_("进入当前状态的时间"), default=timezone.now)
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
    # For a measure whose deadline runs from the enterprise's own event (Measure.apply_within_*).
    event_date = models.DateField(_("起算事项发生日期"), null=True, blank=True)
    apply_by = models.DateField(_("申请截止日期"), null=True, blank=True)
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
    # The head of the case's audit chain, written by Event.save in the transaction that appends an event: without it
    # a case's last events, or all of them, could be deleted and the chain that is left would still verify.
    audit_sequence = models.PositiveIntegerField(_("办理记录末条序号"), default=0, editable=False)
    audit_hash = models.CharField(_("办理记录末条哈希"), max_length=64, blank=True, editable=False)

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
            # The deadline sweep's "waiting too long" cases (reminders.waiting_reminders): with the id in the index,
            # PostgreSQL reads them from the index alone (bench/FINDINGS.md).
            models.Index(fields=["status", "status_changed_at", "id"], name="application_waiting"),
            models.Index(fields=["status", "correction_due_on"], name="application_correction"),
            models.Index(fields=["status", "apply_by"], name="application_apply_by"),
            # The queue page's cache version (applications.queue_cache): the latest change in a district.
            models.Index(fields=["district", "updated_at"], name="application_district_updated"),
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
        self.apply_by = self.measure.apply_by(self.event_date)
        if (
            "update_fields" in kwargs
            and kwargs["update_fields"] is not None
            and "event_date" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "apply_by"}
        if (
            not self._state.adding
            and not args
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            # A copy loaded before the case's last event would otherwise write back an older head of the chain.
            skip = {*AUDIT_HEAD_FIELDS, *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skip
            ]
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
    # A hash chain per case: each event's hash covers its content and the previous event's hash, so that a changed
    # or removed row shows (`manage.py verify_audit_chain`); the case's row records the last one (its anchor).
    sequence = models.PositiveIntegerField(_("序号"), default=0, editable=False)
    prev_hash = models.CharField(_("上一条记录的哈希"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="event_sequence_per_application")
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.action_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Events are append-only: an event cannot be changed.")
        with transaction.atomic(savepoint=False):
            # The case's row, locked, says where its chain ends: a second append waits here for the first to commit,
            # and an event deleted from the end cannot be papered over by the next one.
            head = (
                Application.objects.select_for_update(no_key=True)
                .filter(pk=self.application_id)
                .values_list("audit_sequence", "audit_hash")
                .get()
            )
            self.sequence, self.prev_hash = head[0] + 1, head[1]
            self.hash = self.compute_hash()
            super().save(*args, **kwargs)
            Application.objects.filter(pk=self.application_id).update(
                audit_sequence=self.sequence, audit_hash=self.hash
            )
        if Event.application.is_cached(self):
            self.application.audit_sequence, self.application.audit_hash = self.sequence, self.hash

    def delete(self, *args, **kwargs):
        raise PermissionError("Events are append-only: an event cannot be deleted.")

    def compute_hash(self) -> str:
        return event_hash(self)

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


class FraudFinding(models.Model):
    """A district administrator's record that an award was obtained by fraud (弄虚作假骗取奖励补贴).

    Saving one queues `applications.tasks.process_fraud_finding`, which revokes the award, opens the recovery of the
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
        return self.repayments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")

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


class NoticeKind(models.TextChoices):
    EVENT = "event", _("办理进度")
    DRAFT_CLOSING_7 = "draft_closing_7", _("草稿：申报期7天后截止")
    DRAFT_CLOSING_3 = "draft_closing_3", _("草稿：申报期3天后截止")
    DRAFT_CLOSING_1 = "draft_closing_1", _("草稿：申报期明天截止")
    CORRECTION_DUE_3 = "correction_due_3", _("补正期限3天后届满")
    CORRECTION_DUE_1 = "correction_due_1", _("补正期限明天届满")
    WAITING_OVERDUE = "waiting_overdue", _("超过办理时限")
    ESCALATION = "escalation", _("超时上报部门负责人")
    DIGEST = "digest", _("每日待办汇总")
    RECOVERY_DUE_7 = "recovery_due_7", _("退回资金7天后到期")
    RECOVERY_DUE_1 = "recovery_due_1", _("退回资金明天到期")
    RECOVERY_OVERDUE = "recovery_overdue", _("退回资金逾期")
    RECOVERY_ESCALATION = "recovery_escalation", _("退回资金逾期上报")
    SANCTION = "sanction", _("查处决定")
    BAN_ENDED = "ban_ended", _("禁止申请期届满")


class NoticeQuerySet(models.QuerySet):
    def for_enterprise(self):
        return self.filter(audience=Notice.Audience.ENTERPRISE)


class Notice(models.Model):
    """One e-mail the portal sends: written, with its recipients and text, in the transaction of what it is about,
    then sent by a Celery task (`send_notice`). The partial unique keys make every reminder happen at most once."""

    class Audience(models.TextChoices):
        ENTERPRISE = "enterprise", _("申请企业")
        STAFF = "staff", _("经办人员")
        HEAD = "head", _("部门负责人")
        USER = "user", _("个人")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        NO_RECIPIENT = "no_recipient", _("无收件地址")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("类型"), max_length=30, choices=NoticeKind.choices)
    audience = models.CharField(_("对象"), max_length=12, choices=Audience.choices)
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("办理记录"), on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    ban = models.ForeignKey(
        Ban, verbose_name=_("禁止申请记录"), on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    due_on = models.DateField(_("所涉期限"), null=True, blank=True)
    recipients = models.JSONField(_("收件人"), default=list)
    # Each address is added as soon as the mail server accepts its message, so a retry sends only to the rest.
    delivered_to = models.JSONField(_("已送达"), default=list, blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    state = models.CharField(_("发送状态"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("通知和提醒")
        verbose_name_plural = _("通知和提醒")
        indexes = [
            models.Index(fields=["state", "created_at"], name="notice_outbox"),
            models.Index(fields=["application", "created_at"], name="notice_timeline"),
            # "Already reminded?" for every case a sweep looks at (reminders.reminded): read from the index alone,
            # instead of scanning every notice of the district for one kind (bench/FINDINGS.md).
            models.Index(
                fields=["kind", "audience", "application", "created_at"],
                condition=Q(application__isnull=False),
                name="notice_reminded",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "audience"], condition=Q(event__isnull=False), name="notice_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["application", "kind", "audience", "due_on"],
                condition=Q(event__isnull=True, application__isnull=False),
                name="notice_once_per_case_kind_due",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "kind", "due_on"],
                condition=Q(application__isnull=True, ban__isnull=True, enterprise__isnull=False),
                name="notice_once_per_enterprise_kind_due",
            ),
            # Bans of one enterprise in two districts may end on the same day: each is told of by itself.
            models.UniqueConstraint(fields=["ban", "kind"], condition=Q(ban__isnull=False), name="notice_once_per_ban"),
            models.UniqueConstraint(
                fields=["user", "kind", "due_on"],
                condition=Q(application__isnull=True, user__isnull=False),
                name="notice_once_per_user_kind_due",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def undelivered(self) -> list[str]:
        """Return the recipients the mail server has not yet accepted a message for."""
        return [to for to in self.recipients if to not in self.delivered_to]
