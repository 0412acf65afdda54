import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.sme import Industry, Size, classify

from .contact_keys import address_key, bank_account_key
from .credit_code import normalize_credit_code, validate_credit_code


def optional_amount(verbose_name, *, max_digits: int = 16, **kwargs) -> models.DecimalField:
    """Return an optional, non-negative figure with two decimal places (yuan, 万元 or a percentage)."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **kwargs,
    )


class StaffRole(models.TextChoices):
    REVIEWER = "reviewer", _("主管部门审核人")
    FINANCE = "finance", _("区财政局经办人")
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    AUDITOR = "auditor", _("审计人员（只读）")


class User(AbstractUser):
    """A person who signs in: an enterprise's user, or staff (reviewer, finance, administrator), never both."""

    email = models.EmailField(_("电子邮箱"), blank=True)
    mobile = models.CharField(_("手机"), max_length=20, blank=True)
    enterprise = models.ForeignKey(
        "Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    email_confirmed = models.BooleanField(_("邮箱已确认"), default=False)
    # The language the person last used the portal in (accounts.language): their e-mails are written in it.
    language = models.CharField(_("使用语言"), max_length=10, blank=True, default="")
    # Who invited this colleague (the enterprise's owner); counts against the owner's invitations of the day.
    invited_by = models.ForeignKey(
        "self", verbose_name=_("邀请人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Staff only: what the person does in the workflow, and where.
    role = models.CharField(_("工作人员角色"), max_length=20, choices=StaffRole.choices, blank=True)
    staff_district = models.ForeignKey(
        "measures.District",
        verbose_name=_("所属行政区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("财政、区级管理员必填；审计人员不填则可查看全市。"),
    )
    department = models.ForeignKey(
        "contacts.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_users",
        help_text=_("审核人必填：审核本部门牵头的政策措施的申请。"),
    )
    is_head = models.BooleanField(
        _("负责人"),
        default=False,
        help_text=_("部门（财政为本区财政）的负责人：申请超过办理时限未处理时，向其上报。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=True) | models.Q(is_staff=False),
                name="enterprise_users_are_not_staff",
            ),
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(is_staff=True, enterprise__isnull=True),
                name="staff_roles_belong_to_staff",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=StaffRole.REVIEWER) | models.Q(department__isnull=False),
                name="reviewers_have_a_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=[StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN])
                | models.Q(staff_district__isnull=False),
                name="finance_and_district_admins_have_a_district",
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == StaffRole.REVIEWER and self.department_id and not self.staff_district_id:
            self.staff_district_id = self.department.district_id
        if self.role and not self.is_staff:
            raise ValidationError({"role": _("只有工作人员账号可以设置角色。")})
        if self.role == StaffRole.REVIEWER and not self.department_id:
            raise ValidationError({"department": _("审核人须指定所属部门。")})
        if self.role in (StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN) and not self.staff_district_id:
            raise ValidationError({"staff_district": _("请指定所属行政区。")})
        if self.department_id and self.staff_district_id and self.department.district_id != self.staff_district_id:
            raise ValidationError({"department": _("所属部门不在所属行政区内。")})

    @property
    def is_enterprise_user(self) -> bool:
        return self.enterprise_id is not None

    @property
    def work_district_id(self) -> int | None:
        """Return the district a staff member works for: their own, or their department's."""
        if self.staff_district_id:
            return self.staff_district_id
        return self.department.district_id if self.department_id else None


class Ownership(models.TextChoices):
    STATE = "state", _("国有或国有控股")
    NON_STATE = "non_state", _("非国有（民营、外资、混合所有制等）")


class BeneficiaryKind(models.TextChoices):
    """The kinds of body besides an ordinary enterprise that measures are for (measures.BeneficiaryType's codes)."""

    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    LANDLORD = "landlord", _("出租经营用房的业主（房东）")
    CARRIER = "carrier", _("孵化器、园区、楼宇等载体的运营方")
    BANK = "bank", _("银行等金融机构")
    GUARANTEE_AGENCY = "guarantee_agency", _("融资担保机构")
    VC_INSTITUTION = "vc_institution", _("创业投资机构")
    HR_AGENCY = "hr_agency", _("人力资源服务机构")
    KINDERGARTEN = "kindergarten", _("民办幼儿园")
    SCHOOL = "school", _("民办教育培训机构")


class ClaimStatus(models.TextChoices):
    """Whether the portal has checked that the account belongs to the enterprise whose credit code it claims."""

    UNVERIFIED = "unverified", _("待核验")
    VERIFIED = "verified", _("已核验")
    REMOVED = "removed", _("认领已撤销")


class Enterprise(models.Model):
    """An enterprise and its current profile. Every change of the profile is kept as a ProfileVersion.

    Registering claims the credit code; the claim stays unverified until an administrator has seen the business
    licence (ClaimReview). A claim removed as wrong frees the code for the real enterprise to register.
    """

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, db_index=True, validators=[validate_credit_code]
    )
    claim_status = models.CharField(
        _("信用代码认领"),
        max_length=12,
        choices=ClaimStatus.choices,
        default=ClaimStatus.UNVERIFIED,
        db_default=ClaimStatus.UNVERIFIED,
    )
    name = models.CharField(_("企业名称"), max_length=200)
    contact_person = models.CharField(_("联系人"), max_length=50)
    email = models.EmailField(_("联系邮箱"))
    mobile = models.CharField(_("联系手机"), max_length=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("管理员账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    # Profile (企业画像)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, blank=True)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    revenue = optional_amount(_("营业收入（万元）"), max_digits=14)
    total_assets = optional_amount(_("资产总额（万元）"), max_digits=14)
    figures_year = models.PositiveSmallIntegerField(_("上述数据所属年度"), null=True, blank=True)
    registered_district = models.ForeignKey(
        "measures.District", verbose_name=_("注册地"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tax_district = models.ForeignKey(
        "measures.District", verbose_name=_("纳税地"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stats_district = models.ForeignKey(
        "measures.District", verbose_name=_("纳统地"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    park = models.CharField(_("所在园区"), max_length=100, blank=True)
    registered_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    # The address as compared between enterprises (accounts.contact_keys), kept by save().
    address_key = models.CharField(_("注册地址（比对用）"), max_length=200, blank=True, editable=False, db_index=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(
        _("对公银行账号"), max_length=40, blank=True, db_index=True, help_text=_("基本存款账户账号，仅填数字。")
    )
    ownership = models.CharField(_("所有制"), max_length=20, choices=Ownership.choices, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    prior_year_district_contribution = optional_amount(_("上年度区级财政贡献（元）"))
    revenue_change = models.DecimalField(
        _("2020年2-4月营业收入同比变化（%）"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("下降80%填 -80。"),
    )
    rd_spend = optional_amount(_("上年度研发费用（元）"))
    layoff_rate = optional_amount(_("裁员率（%）"), max_digits=5)
    insured_months = models.PositiveSmallIntegerField(_("连续参加失业保险月数"), null=True, blank=True)
    # Codes of BeneficiaryKind: matching tells the measures for landlords, carriers, banks… by them.
    beneficiary_types = models.JSONField(
        _("本单位同时属于"),
        default=list,
        blank=True,
        help_text=_("面向出租方、载体、金融机构等主体的政策措施，按此判断是否适用；一般企业不必勾选。"),
    )

    # Set by staff only (the enterprise sees them).
    on_dishonesty_list = models.BooleanField(
        _("列入严重违法失信名单"), default=False, help_text=_("仅工作人员可修改。")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            # One claim per credit code, except claims removed as wrong (kept with their history).
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(claim_status="removed"), name="one_claim_per_credit_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalize_credit_code(self.credit_code)
        self.address_key = address_key(self.registered_address)
        self.bank_account = bank_account_key(self.bank_account)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "registered_address" in update_fields:
            kwargs["update_fields"] = {*update_fields, "address_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    def sme_classification(self):
        """Return the size under 工信部联企业〔2011〕300号, with its explanation (None size if figures are missing)."""
        if not self.industry:
            return None
        return classify(
            industry=self.industry, employees=self.employees, revenue=self.revenue, assets=self.total_assets
        )

    @property
    def is_verified(self) -> bool:
        return self.claim_status == ClaimStatus.VERIFIED

    def get_beneficiary_types_display(self) -> str:
        kinds = dict(BeneficiaryKind.choices)
        return "、".join(str(kinds.get(code, code)) for code in self.beneficiary_types or [])

    @property
    def sme_size(self) -> Size | None:
        result = self.sme_classification()
        return result.size if result else None

    def age_in_years(self, on: datetime.date | None = None) -> int | None:
        if not self.founded_on:
            return None
        on = on or timezone.localdate()
        years = on.year - self.founded_on.year
        return years - ((on.month, on.day) < (self.founded_on.month, self.founded_on.day))


class Certification(models.Model):
    class Kind(models.TextChoices):
        NATIONAL_LITTLE_GIANT = "national_little_giant", _("国家级专精特新“小巨人”企业")
        BEIJING_SPECIALIZED = "beijing_specialized", _("北京市专精特新中小企业")
        INNOVATIVE_SME = "innovative_sme", _("创新型中小企业")
        HIGH_TECH = "high_tech", _("国家高新技术企业")
        ZGC_HIGH_TECH = "zgc_high_tech", _("中关村高新技术企业")
        TECH_SME = "tech_sme", _("科技型中小企业")
        DEMO_PLATFORM = "demo_platform", _("示范平台或基地")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("资质"), max_length=40, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=20, blank=True, help_text=_("如国家级、市级。"))
    certified_on = models.DateField(_("认定日期"))

    class Meta:
        ordering = ["-certified_on"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "level"], name="unique_certification_per_level")
        ]
        verbose_name = _("资质认定")
        verbose_name_plural = _("资质认定")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level}".strip()


class ProfileVersion(models.Model):
    """A frozen copy of an enterprise's profile: an application records the version it was submitted with."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="profile_versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    data = models.JSONField(_("画像数据"))
    changed_fields = models.JSONField(_("变更字段"), default=list)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["enterprise", "-number"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "number"], name="unique_profile_version")]
        verbose_name = _("画像版本")
        verbose_name_plural = _("画像版本")

    def __str__(self) -> str:
        return f"{self.enterprise} v{self.number}"


class ClaimReview(models.Model):
    """An administrator's decision on an enterprise's claim to its credit code: verified against the business
    licence, or removed as wrong (the claimant's accounts are deactivated). Kept, never changed."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("核验通过")
        REMOVED = "removed", _("撤销认领")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="claim_reviews"
    )
    decision = models.CharField(_("决定"), max_length=12, choices=Decision.choices)
    evidence = models.TextField(
        _("核验依据"),
        help_text=_(
            "如：营业执照副本原件核对（注册号、名称、法定代表人一致），或国家企业信用信息公示系统查询结果及编号。"
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核验人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("核验时间"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("信用代码认领核验")
        verbose_name_plural = _("信用代码认领核验")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_decision_display()}"
