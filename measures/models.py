import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from portal.formatting import format_money, format_share

# The documents print the brackets of a 文号 in several ways (〔〕, [], 【】, ()); searches compare one form.
_BRACKETS = str.maketrans({"[": "〔", "【": "〔", "(": "〔", "（": "〔", "]": "〕", "】": "〕", ")": "〕", "）": "〕"})


def normalize_number(value: str) -> str:
    """Return a document number with its brackets unified and spaces removed, for matching."""
    return re.sub(r"\s+", "", value or "").translate(_BRACKETS)


class District(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市级")
        DISTRICT = "district", _("区级")
        ZONE = "zone", _("功能区")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    slug = models.SlugField(_("英文标识"), max_length=50, unique=True)
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")

    def __str__(self) -> str:
        return self.local_name

    def get_absolute_url(self) -> str:
        return reverse("measures:library") + f"?district={self.slug}"

    @property
    def local_name(self) -> str:
        """Return the name in the language of the page: "Chaoyang" in English, "朝阳区" otherwise."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class PolicyDocumentQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Return the documents in force on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(status=PolicyDocument.Status.IN_FORCE).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        )

    def not_in_force(self, on: datetime.date | None = None):
        return self.exclude(pk__in=self.in_force(on).values("pk"))


class PolicyDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("征求意见稿")
        IN_FORCE = "in_force", _("现行有效")
        EXPIRED = "expired", _("已失效")
        REPEALED = "repealed", _("已废止")

    key = models.SlugField(_("数据标识"), max_length=80, unique=True, help_text=_("数据文件中的稳定标识，勿改。"))
    number = models.CharField(_("文号"), max_length=80, blank=True, db_index=True)
    number_normalized = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    district = models.ForeignKey(District, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="documents")
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    validity = models.CharField(_("有效期（原文）"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    implements = models.ManyToManyField(
        "self", verbose_name=_("落实的上级文件"), symmetrical=False, blank=True, related_name="implemented_by"
    )
    implements_text = models.CharField(
        _("落实的上级文件（文号）"), max_length=300, blank=True, help_text=_("库中没有的上级文件，按原文记录文号。")
    )
    repeals_text = models.CharField(_("废止的文件"), max_length=300, blank=True)
    interpreting_body = models.CharField(_("解释机关"), max_length=200, blank=True)
    url = models.URLField(_("原文链接"), max_length=500, blank=True)
    general_provisions = models.TextField(_("附则与通用条款"), blank=True)
    annual_ceiling_quote = models.TextField(
        _("年度资金支持上限（原文）"),
        blank=True,
        help_text=_("文件规定每家企业每年获得资金支持不超过其上年度区级财政贡献时，填写原文；留空表示无此限制。"),
    )
    annual_ceiling_covers = models.JSONField(
        _("年度上限计入的文件"),
        default=list,
        blank=True,
        help_text=_("年度资金支持上限计入哪些政策文件的资金支持：文件的数据标识列表。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    source_file = models.CharField(_("来源文件"), max_length=100, blank=True)
    source_line_start = models.PositiveIntegerField(_("来源起始行"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("来源结束行"), null=True, blank=True)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["district__order", "-issued_on", "number"]
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        self.number_normalized = normalize_number(self.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("measures:document", args=[self.pk])

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == self.Status.IN_FORCE
            and (self.valid_from is None or self.valid_from <= on)
            and (self.valid_until is None or self.valid_until >= on)
        )

    def effective_status(self, on: datetime.date | None = None) -> str:
        """Return the status as of the given day: a document past its stated end date has expired."""
        on = on or timezone.localdate()
        if self.status == self.Status.IN_FORCE and self.valid_until and self.valid_until < on:
            return self.Status.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status()).label


# What documents call the departments that lead a measure (Measure.lead_label), for their translations.
LEAD_LABELS = [
    gettext_noop("牵头部门"),
    gettext_noop("主责部门"),
    gettext_noop("主责单位"),
    gettext_noop("牵头单位"),
    gettext_noop("对接部门"),
    gettext_noop("责任单位"),
    gettext_noop("主管部门"),
    gettext_noop("审批部门"),
    gettext_noop("补贴审批部门"),
    gettext_noop("咨询部门"),
    gettext_noop("政策咨询部门"),
    gettext_noop("政策咨询和办理部门"),
    gettext_noop("政策咨询和补贴申请部门"),
]


class BeneficiaryType(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("支持对象类型")
        verbose_name_plural = _("支持对象类型")

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        return self.filter(document__in=PolicyDocument.objects.in_force(on))

    def not_in_force(self, on: datetime.date | None = None):
        return self.exclude(document__in=PolicyDocument.objects.in_force(on))

    def search(self, query: str):
        """Return the measures matching every whitespace-separated term of the query.

        Departments and contacts are tested with one EXISTS each: joining them would repeat a measure once per
        department and contact, and match its clause text again for every repetition.
        """
        from contacts.models import ContactPerson, Department, local_digits

        qs = self
        for term in query.split():
            number = normalize_number(term)
            digits = local_digits(term)
            person = Q(name__icontains=term)
            if len(digits) >= 5:
                person |= Q(phone_digits__contains=digits)
            leads = Department.objects.filter(Q(name__icontains=term) | Q(full_name__icontains=term))
            qs = qs.filter(
                Q(title__icontains=term)
                | Q(text__icontains=term)
                | Q(clause__icontains=term)
                | Q(document__title__icontains=term)
                | Q(document__number_normalized__icontains=number)
                | Q(document__issuer__icontains=term)
                | Exists(leads.filter(led_measures=OuterRef("pk")))
                | Exists(Department.objects.filter(responsible_for_measures=OuterRef("pk"), name__icontains=term))
                | Exists(ContactPerson.objects.filter(person, measures=OuterRef("pk")))
            )
        return qs


class Measure(models.Model):
    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="measures"
    )
    key = models.CharField(_("数据标识"), max_length=40, help_text=_("数据文件中的稳定标识，勿改。"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    clause = models.CharField(_("条款号"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("条款原文"))
    beneficiary_types = models.ManyToManyField(BeneficiaryType, verbose_name=_("支持对象"), blank=True)
    lead_label = models.CharField(
        _("牵头部门的称谓"), max_length=20, blank=True, help_text=_("原文的用语：牵头部门、主责部门、对接部门……")
    )
    lead_departments = models.ManyToManyField(
        "contacts.Department", verbose_name=_("牵头部门"), blank=True, related_name="led_measures"
    )
    responsible_units = models.ManyToManyField(
        "contacts.Department", verbose_name=_("责任单位"), blank=True, related_name="responsible_for_measures"
    )
    contacts = models.ManyToManyField(
        "contacts.ContactPerson", verbose_name=_("联系人"), blank=True, related_name="measures"
    )
    window_opens = models.DateField(_("申报开始日期"), null=True, blank=True)
    window_closes = models.DateField(_("申报截止日期"), null=True, blank=True)
    window_text = models.CharField(_("申报时间（原文）"), max_length=300, blank=True)
    deadline_rule = models.CharField(_("申报期限规则（原文）"), max_length=300, blank=True)
    # A deadline counted from an event of the enterprise's own ("…满一年的企业,可于次月起六个月内提出申请"): the
    # application asks for the event's date and may be submitted up to `apply_by(event_date)`.
    apply_within_event = models.CharField(
        _("申请期限的起算事项"), max_length=100, blank=True, help_text=_("如“社会保险缴费满一年”。")
    )
    apply_within_months = models.PositiveSmallIntegerField(_("申请期限（月）"), null=True, blank=True)
    apply_within_days = models.PositiveSmallIntegerField(_("申请期限（日）"), null=True, blank=True)
    apply_within_from_next_month = models.BooleanField(
        _("次月起算"), default=True, help_text=_("“次月起”：从事项发生的次月1日起算；否则从次日起算。")
    )
    procedure = models.TextField(_("办理流程"), blank=True)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), null=True, blank=True)
    sampling = models.BooleanField(_("随机抽查核实"), default=False)
    monetary = models.BooleanField(_("涉及资金"), default=False)
    rule_kind = models.CharField(_("计算规则类型"), max_length=40, blank=True)
    rule_params = models.JSONField(_("计算规则参数"), default=dict, blank=True)
    rule_quote = models.TextField(_("计算规则原文"), blank=True)
    rule_label = models.CharField(
        _("计算规则名称"), max_length=100, blank=True, help_text=_("条款有多项资金规定时必填。")
    )
    rule_cap_period = models.CharField(
        _("每家上限的计算期间"),
        max_length=10,
        blank=True,
        help_text=_("ever：累计此前各年度；year：只计本年度；once：每家企业只给予一次；none：不设每家上限。"),
    )
    rule_reading = models.TextField(
        _("条款的解读"), blank=True, help_text=_("条款未写明、本平台按某种理解测算时，说明采用的理解（页面上显示）。")
    )
    more_rules = models.JSONField(
        _("同一条款的其他资金规定"),
        default=list,
        blank=True,
        help_text=_("每项：key、label、kind、params、quote、cap_period、reading。"),
    )
    rule_combine = models.CharField(
        _("多项规定的合并方式"), max_length=10, blank=True, help_text=_("sum：各项相加；choice：由申请人选择一项。")
    )
    rule_choice_label = models.CharField(_("选择项的名称"), max_length=100, blank=True)
    eligibility = models.JSONField(
        _("数据文件中的申报条件"),
        default=dict,
        blank=True,
        help_text=_("最近一次导入时数据文件的内容；请在下方“申报条件”中编辑。"),
    )
    # The documents the clause asks applicants to hand in (measures.materials): each an upload of its own on the
    # application form, and a line of the reviewer's checklist.
    materials = models.JSONField(
        _("申报材料"),
        default=list,
        blank=True,
        help_text=_("每项：key、name（原文名称）、types（pdf、image、word、excel）、required、note、quote。"),
    )
    stacking = models.TextField(_("不重复享受规定"), blank=True)
    stacking_group = models.SlugField(
        _("同类政策组"),
        max_length=60,
        blank=True,
        help_text=_("同组措施不重复享受：已获同组奖励的企业只能补差到较高额度。"),
    )
    # 免申即享 (measures.direct): offered, without an application, to the enterprises whose verified data qualifies;
    # only for a measure whose every condition the portal decides from its data (applications.direct).
    direct_award = models.BooleanField(
        _("免申即享"), default=False, help_text=_("全部申报条件都能由平台数据判定时，才可标记免申即享。")
    )
    direct_inputs = models.JSONField(
        _("免申即享的测算数据来源"),
        default=dict,
        blank=True,
        help_text=_(
            "每个测算输入项一个来源：certification（资质→取值，先列高等级）、profile（画像字段）或 value（固定值）。"
        ),
    )
    notes = models.TextField(_("备注"), blank=True)
    source_line_start = models.PositiveIntegerField(_("来源起始行"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("来源结束行"), null=True, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="unique_measure_key_per_document")]
        verbose_name = _("政策措施")
        verbose_name_plural = _("政策措施")

    def __str__(self) -> str:
        return f"{self.clause} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("measures:measure", args=[self.pk])

    def clean(self) -> None:
        from . import rules

        if not self.rule_kind:
            self._clean_direct_award()
            return
        if self.rule_kind not in rules.KINDS:
            raise ValidationError({"rule_kind": _("未知的计算规则类型。")})
        problems = rules.validate_params(self.rule_kind, self.rule_params)
        if problems:
            raise ValidationError({"rule_params": problems})
        if self.rule_cap_period:
            problems = rules.check_cap_period(self.rule_kind, self.rule_params, self.rule_cap_period)
            if problems:
                raise ValidationError({"rule_cap_period": problems})
        if not isinstance(self.more_rules, list) or not all(isinstance(r, dict) for r in self.more_rules):
            raise ValidationError({"more_rules": _("必须是列表，每项为键值映射。")})
        try:
            problems = self.ruleset.problems()
        except (KeyError, TypeError) as error:
            problems = [_("缺少或无法读取“%(name)s”") % {"name": error}]
        if problems:
            raise ValidationError({"more_rules": problems})
        self._clean_direct_award()

    def _clean_direct_award(self) -> None:
        """Refuse the 免申即享 mark on a measure whose amount the portal's data cannot compute (its conditions are
        checked with the conditions' inline, measures.admin)."""
        from . import direct, rules

        if not self.direct_award:
            return
        # Raised for the whole form: district staff see these fields read-only (a measure of the data files).
        if not (self.monetary and self.rule_kind in rules.KINDS):
            raise ValidationError(_("免申即享须有计算规则：平台按规则和数据算出金额。"))
        problems = direct.source_problems(self.ruleset.rule_inputs(), self.direct_inputs)
        if problems:
            raise ValidationError(problems)
        self.direct_inputs = direct.stored_sources(self.direct_inputs)  # the order of levels survives jsonb

    @property
    def ruleset(self):
        """Return the measure's rules as the engine computes them (measures.rules.RuleSet)."""
        from . import rules

        main = rules.Rule(
            self.rule_kind,
            self.rule_params or {},
            self.rule_quote,
            label=self.rule_label,
            cap_period=self.rule_cap_period,
            reading=self.rule_reading,
        )
        more = tuple(
            rules.Rule(
                r["kind"],
                r.get("params") or {},
                r.get("quote", ""),
                key=r["key"],
                label=r.get("label", ""),
                cap_period=r.get("cap_period", ""),
                reading=r.get("reading", ""),
            )
            for r in self.more_rules or []
        )
        return rules.RuleSet((main, *more), self.rule_combine or "sum", self.rule_choice_label)

    @property
    def local_lead_label(self) -> str:
        """Return what the document calls its lead departments (主责部门, 对接部门…), in the language of the page."""
        return gettext(self.lead_label or LEAD_LABELS[0])

    @property
    def citation(self) -> str:
        """Return the document number (or title) and clause this measure comes from."""
        document = self.document.number or f"《{self.document.title}》"
        return f"{document} {self.clause}".strip()

    @property
    def has_relative_deadline(self) -> bool:
        return bool(self.apply_within_event and (self.apply_within_months or self.apply_within_days))

    def apply_by(self, event_date: datetime.date | None) -> datetime.date | None:
        """Return the last day to apply after the event, or None when the measure states no such deadline."""
        if not self.has_relative_deadline or event_date is None:
            return None
        if self.apply_within_from_next_month:
            start = (event_date.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        else:
            start = event_date + datetime.timedelta(days=1)
        if self.apply_within_months:
            month = start.month - 1 + self.apply_within_months
            year, month = start.year + month // 12, month % 12 + 1
            last = calendar.monthrange(year, month)[1]
            end = datetime.date(year, month, min(start.day, last))
        else:
            end = start + datetime.timedelta(days=self.apply_within_days)
        return end - datetime.timedelta(days=1)

    def window_state(self, on: datetime.date | None = None) -> str:
        """Return 'open', 'not_yet', 'closed' or '' when the document states no window."""
        if not (self.window_opens or self.window_closes):
            return ""
        on = on or timezone.localdate()
        if self.window_opens and on < self.window_opens:
            return "not_yet"
        if self.window_closes and on > self.window_closes:
            return "closed"
        return "open"


class MeasureCondition(models.Model):
    """One condition of a measure, as the district administrator maintains it; see measures.conditions."""

    class Kind(models.TextChoices):
        REGISTERED_IN_DISTRICT = "registered_in_district", _("注册地在本区")
        TAX_IN_DISTRICT = "tax_in_district", _("纳税地在本区")
        STATS_IN_DISTRICT = "stats_in_district", _("纳统地在本区")
        SME_SIZES = "sme_sizes", _("企业规模")
        INDUSTRIES = "industries", _("行业")
        OWNERSHIP = "ownership", _("所有制")
        PARKS = "parks", _("所在园区")
        CERTIFICATIONS = "certifications", _("资质认定")
        MAX_AGE_YEARS = "max_age_years", _("成立年限不超过（年）")
        MAX_STAFF = "max_staff", _("从业人员不超过（人）")
        MAX_REVENUE = "max_revenue", _("营业收入不超过（元）")
        MIN_RD_SPEND = "min_rd_spend", _("研发费用不低于（元）")
        MIN_REVENUE_DROP = "min_revenue_drop", _("营业收入同比下降不低于（比例）")
        MAX_LAYOFF_RATE = "max_layoff_rate", _("裁员率不高于（比例）")
        MIN_INSURED_MONTHS = "min_insured_months", _("连续参加失业保险不少于（月）")
        NOT_DISHONEST = "not_dishonest", _("未列入严重违法失信名单")
        NOT_BANNED = "not_banned", _("不在禁止申请期内")
        DECLARATION = "declaration", _("申请时承诺")
        OTHER = "other", _("其他条件（人工核实）")

    measure = models.ForeignKey(
        Measure, verbose_name=_("政策措施"), on_delete=models.CASCADE, related_name="conditions"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    kind = models.CharField(_("条件类型"), max_length=30, choices=Kind.choices)
    value = models.CharField(
        _("取值"),
        max_length=500,
        blank=True,
        help_text=_(
            "规模填“中型、小型、微型”；行业、园区、资质填名称，用顿号分隔；数额填数字（金额以元计，比例写 0.80）；"
            "本区注册/纳税/纳统、失信、禁止申请留空；承诺与其他条件填文字。"
        ),
    )
    quote = models.TextField(_("原文"), blank=True, help_text=_("文件中规定该条件的原话，匹配结果会引用。"))
    from_data = models.BooleanField(_("来自数据文件"), default=False, editable=False)

    class Meta:
        ordering = ["measure", "order", "pk"]
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}".strip()

    @property
    def display_value(self) -> str:
        """Return the value as a page prints it: amounts as money ("10,000,000.00 元"), shares as "80%"."""
        if self.value and self.kind in (self.Kind.MAX_REVENUE, self.Kind.MIN_RD_SPEND):
            return format_money(self.value)
        if self.value and self.kind in (self.Kind.MIN_REVENUE_DROP, self.Kind.MAX_LAYOFF_RATE):
            return format_share(self.value)
        if self.value and self.kind == self.Kind.SME_SIZES:  # 小型、微型: the sizes' own names, translated
            return gettext("、").join(gettext(size) for size in self.value.split("、"))
        return self.value

    def clean(self) -> None:
        from .conditions import ConditionValueError, parse_value

        try:
            self.value = parse_value(self.kind, self.value).canonical
        except ConditionValueError as error:
            raise ValidationError({"value": str(error)}) from error


class PolicyDataLoad(models.Model):
    """A record of a load of the data files, so `make run` reloads only when they changed."""

    fingerprint = models.CharField(_("数据指纹"), max_length=64, unique=True)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("政策数据导入记录")
        verbose_name_plural = _("政策数据导入记录")

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M} {self.fingerprint[:12]}"


class WorkingDayOverride(models.Model):
    """A day whose status the administrators set, ahead of the official calendar (measures.workdays)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("是工作日"), help_text=_("勾选：该日上班（如调休上班的周末）；不勾选：该日放假（如法定节假日）。")
    )
    name = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("如：春节、国庆节调休上班。"))
    note = models.TextField(_("依据"), blank=True, help_text=_("如国务院办公厅放假安排通知的文号和日期。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        status = _("上班") if self.is_working_day else _("放假")
        return f"{self.date:%Y-%m-%d} {status} {self.name}".strip()


class CalendarWarning(models.Model):
    """A year whose holiday calendar was missing, recorded so the administrators are told once."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日日历缺失提醒")
        verbose_name_plural = _("节假日日历缺失提醒")

    def __str__(self) -> str:
        return str(self.year)
