import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .contact_keys import bank_account_key
from .credit_code import normalize_credit_code, validate_credit_code
from .models import BeneficiaryKind, Certification, ClaimStatus, Enterprise, User
from .services import PROFILE_FIELDS, STAFF_ONLY_FIELDS

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def clean_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not MOBILE.match(value):
        raise forms.ValidationError(_("请输入11位手机号码。"))
    return value


class RegistrationForm(forms.Form):
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, help_text=_("18位，见营业执照。"), validators=[validate_credit_code]
    )
    name = forms.CharField(label=_("企业名称"), max_length=200)
    contact_person = forms.CharField(label=_("联系人"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("用于登录和接收通知，需确认。"))
    mobile = forms.CharField(label=_("手机"), max_length=20)
    password1 = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("注册")))

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        if Enterprise.objects.filter(credit_code=code).exclude(claim_status=ClaimStatus.REMOVED).exists():
            raise forms.ValidationError(
                _(
                    "该统一社会信用代码已注册。如需加入，请联系贵企业的平台管理员邀请您；"
                    "如贵企业从未在本平台注册，请持营业执照联系平台管理员核验并撤销错误的认领。"
                )
            )
        return code

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(username=email).exists():
            raise forms.ValidationError(_("该邮箱已注册，请直接登录或找回密码。"))
        return email

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            probe = User(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    beneficiary_types = forms.TypedMultipleChoiceField(
        label=Enterprise._meta.get_field("beneficiary_types").verbose_name,
        help_text=Enterprise._meta.get_field("beneficiary_types").help_text,
        choices=BeneficiaryKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Enterprise
        # The profile the enterprise edits: every versioned field except those only staff may set.
        fields = [name for name in PROFILE_FIELDS if name not in STAFF_ONLY_FIELDS]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_bank_account(self):
        account = bank_account_key(self.cleaned_data["bank_account"])
        if account and not (account.isdigit() and 8 <= len(account) <= 30):
            raise forms.ValidationError(_("银行账号应为8至30位数字。"))
        return account

    def clean_beneficiary_types(self):
        chosen = set(self.cleaned_data["beneficiary_types"])
        return [code for code in BeneficiaryKind.values if code in chosen]

    def clean_figures_year(self):
        year = self.cleaned_data["figures_year"]
        if year is not None and not 1949 <= year <= 2100:
            raise forms.ValidationError(_("请填写四位年份，如 2025。"))
        return year


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["kind", "level", "certified_on"]
        widgets = {"certified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class BaseCertificationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Refuse the same certification twice, whether both are new or one is already saved."""
        super().clean()
        kept = [f for f in self.forms if f.has_changed() or f.instance.pk]
        kept = [f for f in kept if f.is_valid() and not self._should_delete_form(f) and f.cleaned_data.get("kind")]
        in_forms = {f.instance.pk for f in self.forms if f.instance.pk}
        seen = set()
        if self.instance.pk:
            seen = set(self.instance.certifications.exclude(pk__in=in_forms).values_list("kind", "level"))
        for form in kept:
            key = (form.cleaned_data["kind"], form.cleaned_data.get("level", ""))
            if key in seen:
                form.add_error("kind", _("同一资质和级别只需填写一次。"))
            seen.add(key)


# A firm holds a handful of certifications; the limit also stops a forged TOTAL_FORMS from costing minutes of work.
MAX_CERTIFICATIONS = 30
CertificationFormSet = forms.inlineformset_factory(
    Enterprise,
    Certification,
    form=CertificationForm,
    formset=BaseCertificationFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_CERTIFICATIONS,
    absolute_max=MAX_CERTIFICATIONS,
    validate_max=True,
)


class InviteForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("发送邀请")))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(username=email).exists():
            raise forms.ValidationError(_("该邮箱已有账号。"))
        return email


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=8,
        help_text=_("手机身份验证器（如 Microsoft Authenticator、Google Authenticator、FreeOTP）上显示的6位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_token(self):
        return re.sub(r"\s", "", self.cleaned_data["token"])


class ClaimReviewForm(forms.Form):
    """An administrator's decision on an enterprise's claim to its credit code, with what it rests on."""

    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[
            ("verified", _("核验通过：营业执照与所填信用代码、名称一致")),
            ("removed", _("撤销认领：认领人不是该企业")),
        ],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("核验依据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "如：营业执照副本原件核对（注册号、名称、法定代表人一致），或国家企业信用信息公示系统查询结果及编号；"
            "撤销时写明依据（如真实企业出具的营业执照和情况说明）。"
        ),
    )
