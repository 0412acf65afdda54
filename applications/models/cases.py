"""The case: its status, attachments, audit trail events and payments (公示 objections: objections.py)."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import optional_amount
from portal.money import MoneySum

from ..audit import event_hash
from .storage import PrivateStorage


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
    # The rules the estimate was computed with, as they were (measures.rules.RuleSet.record): a later correction of
    # the data does not change what the case was based on, and its earlier-award parts count by these.
    rule_version = models.CharField(_("计算规则版本"), max_length=12, blank=True)
    rule_snapshot = models.JSONField(_("测算所依据的计算规则"), default=dict, blank=True)
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
    # The name and code as they stood at submission: what 公示 shows, whatever the enterprise renames itself to.
    enterprise_name = models.CharField(_("提交时的企业名称"), max_length=200, blank=True)
    enterprise_credit_code = models.CharField(_("提交时的统一社会信用代码"), max_length=18, blank=True)
    # A proposal above the engine's figure waits for a second person (the department's head or a district
    # administrator) before 公示; the reason is the final review's comment.
    proposal_needs_approval = models.BooleanField(_("拟支持金额须经负责人同意"), default=False)
    proposal_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟支持金额同意人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The reviewer of the lead department who works the case (applications.review.assignment); unassigned cases
    # stay in the department's queue for any of its reviewers.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A district administrator's recorded decision to continue despite the bans that existed at this moment.
    ban_override_at = models.DateTimeField(_("禁止申请期间继续办理的登记时间"), null=True, blank=True)
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
        return self.payments.aggregate(total=MoneySum("amount"))["total"]

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
    # The key of the measure's material (Measure.materials) this file was handed in as; empty for other files.
    material = models.CharField(_("申报材料"), max_length=40, blank=True, default="", db_default="")
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

    @property
    def download_name(self) -> str:
        """The name the file is served under: the uploader's, with the extension of the type its content was found to
        be (a PDF uploaded as 申报材料.hta is served as 申报材料.pdf), never the uploader's own."""
        stem, dot, extension = self.original_name.rpartition(".")
        if not dot:
            stem = self.original_name
        elif extension.lower() == self.extension:
            return self.original_name
        return f"{stem or 'attachment'}.{self.extension}"


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
    # A hash chain per case: each event's hash (HMAC under AUDIT_HMAC_KEY, applications/audit.py) covers its content
    # and the previous event's hash, so that a changed or removed row shows (`manage.py verify_audit_chain`); the
    # case's row records the last one, and a daily digest outside the database all of them (applications/anchors/).
    # On PostgreSQL a trigger refuses UPDATE and DELETE of events (migration 0012).
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
        # The admin names each row of a case's history with this: the stored Chinese label, read as the history
        # reads it in the reader's language (a workflow action's name has the context "timeline").
        name = pgettext("timeline", self.action_label) if self.action_label else ""
        if name == self.action_label and name:
            name = gettext(name)
        return f"{self.application} {name}"

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
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One bank transfer pays once: the same reference (whatever its case) cannot be recorded twice.
            models.UniqueConstraint(Upper("bank_reference"), name="payment_bank_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.paid_on} {self.amount}"
