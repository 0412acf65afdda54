"""The outbox: one row per e-mail the portal sends, written in the transaction of what it is about."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .cases import Application, Event
from .sanctions import Ban


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
    BAN_CHANGED = "ban_changed", _("禁止申请期变更")
    AUDIT_ANCHOR = "audit_anchor", _("办理记录锚点")
    NOTICE_DIGEST = "notice_digest", _("每日通知汇总")
    OBJECTION = "objection", _("公示异议核实结果")
    MEASURE_DIGEST = "measure_digest", _("新措施订阅提醒")
    DIRECT_LIST = "direct_list", _("免申即享名单待审批")
    DIRECT_OFFER = "direct_offer", _("免申即享确认通知")
    PROPOSAL_APPROVAL = "proposal_approval", _("拟支持金额待负责人同意")
    DIRECT_OFFER_DUE = "direct_offer_due", _("免申即享确认期限将届满")


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
        # Every recipient chose a daily digest (NoticePreference): the notice goes out in their digests instead.
        HELD = "held", _("并入每日汇总")

    class Attachment(models.TextChoices):
        LETTER = "letter", _("决定书")

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
    # The recipients who chose a daily digest: not mailed this notice on its own, but in their next digest (their
    # NoticeReceipt records which one). Decided when the notice is written (notices.digest.hold_for_digests).
    held_for = models.JSONField(_("并入每日汇总的收件人"), default=list, blank=True)
    # What the message carries besides its text, made again at each sending from what is kept here (a decision
    # letter: the facts it states, frozen when the notice is written), so that a retry attaches the same document.
    attachment = models.CharField(_("附件"), max_length=12, choices=Attachment.choices, blank=True, default="")
    attachment_facts = models.JSONField(_("附件所载事项"), default=dict, blank=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    # The same notice in the portal's other languages, {"en": {"subject": ..., "body": ...}}: each recipient is sent
    # the one in the language they last used the portal in (notices.delivery), and pages show their reader's.
    translations = models.JSONField(_("其他语言版本"), default=dict, blank=True)
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
            # Bans of one enterprise in two districts may end on the same day: each is told of by itself. A ban may be
            # amended more than once: each amendment is told of.
            models.UniqueConstraint(
                fields=["ban", "kind"],
                condition=Q(ban__isnull=False) & ~Q(kind="ban_changed"),
                name="notice_once_per_ban",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "due_on"],
                condition=Q(application__isnull=True, user__isnull=False),
                name="notice_once_per_user_kind_due",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """Return the subject and body in the language (the current one by default), or as written where not kept."""
        language = (language or get_language() or "").split("-")[0]
        version = (self.translations or {}).get(language)
        return (version["subject"], version["body"]) if version else (self.subject, self.body)

    @property
    def local_subject(self) -> str:
        """Return the subject in the language of the page."""
        return self.text_in()[0]

    def undelivered(self) -> list[str]:
        """Return the recipients the mail server has not yet accepted a message for (those held for their daily
        digest are not waiting for one)."""
        return [to for to in self.recipients if to not in self.delivered_to and to not in self.held_for]
