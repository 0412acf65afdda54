from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.materials import Material, materials_of
from measures.rules import SEPARATOR
from measures.workdays import add_working_days
from portal.formatting import format_money

from .models import Application, FraudFinding
from .review.materials import to_correct_summary
from .sanctions.findings import default_recovery_due_on, finding_problems
from .workflow import CORRECTION_WORKING_DAYS, Transition
from .workflow.declarations import required_declarations
from .workflow.estimates import parse_inputs, rule_inputs

INPUT_PREFIX = "input_"
DECLARATION_PREFIX = "declare_"
MATERIAL_PREFIX = "material_"


def date_input() -> forms.DateInput:
    """Return an <input type="date">. Its value must be ISO: zh-hans formats dates as 2026/11/22, which the
    browser rejects and shows as an empty field, so a prefilled date (today, a default deadline) was lost."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is checked by services.attachment_add, which says why one is refused."""

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


def _input_field(spec) -> forms.Field:
    label = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
    common = {"label": label, "required": False, "help_text": spec.help or ""}
    if spec.type == "boolean":
        return forms.BooleanField(**common)
    if spec.type == "choice":
        choices = [(c[0], c[1]) if isinstance(c, list | tuple) else (c, c) for c in spec.choices]
        return forms.ChoiceField(choices=[("", "---------"), *choices], **common)
    widgets = {
        "money": forms.TextInput(attrs={"inputmode": "decimal"}),
        "decimal": forms.TextInput(attrs={"inputmode": "decimal"}),
        "integer": forms.TextInput(attrs={"inputmode": "numeric"}),
        "date": date_input(),
    }
    return forms.CharField(widget=widgets.get(spec.type, forms.TextInput()), max_length=100, **common)


def _material_field(material: Material) -> forms.Field:
    need = _("必须提供") if material.required else _("如有请提供")
    help_text = _("%(need)s。接受：%(types)s。") % {"need": need, "types": material.types_label}
    if material.note:
        help_text += material.note
    return MultipleFileField(
        label=material.name,
        required=False,
        widget=MultipleFileInput(attrs={"accept": material.accept}),
        help_text=help_text,
    )


class ApplicationForm(forms.Form):
    """The rule inputs and declarations of one application. Values stay as typed; the engine validates them.

    With `strict` (the applicant wants to submit) every required input and declaration must be filled.
    """

    def __init__(self, *args, application: Application, strict: bool = False, **kwargs):
        self.application, self.strict = application, strict
        measure = application.measure
        initial = {f"{INPUT_PREFIX}{k}": v for k, v in application.inputs.items()}
        initial |= {f"{DECLARATION_PREFIX}{k}": v for k, v in application.declarations.items()}
        super().__init__(*args, initial=initial, **kwargs)
        self.specs = rule_inputs(measure)
        for spec in self.specs:
            self.fields[f"{INPUT_PREFIX}{spec.name}"] = _input_field(spec)
        self.declarations = required_declarations(measure)
        for declaration in self.declarations:
            self.fields[f"{DECLARATION_PREFIX}{declaration.key}"] = forms.BooleanField(
                label=declaration.label, required=False
            )
        if measure.has_relative_deadline:
            self.fields["event_date"] = forms.DateField(
                label=_("%(event)s的日期") % {"event": measure.apply_within_event},
                required=False,
                initial=application.event_date,
                widget=date_input(),
                help_text=_("申请期限自该日起算：“%(rule)s”") % {"rule": measure.deadline_rule},
            )
        self.fields["attachments"] = MultipleFileField(
            label=_("上传附件"),
            required=False,
            widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx"}),
            help_text=_("可一次选择多个文件。支持 PDF、图片和 Office 文档，单个文件不超过 10 MB。"),
        )
        self.materials = materials_of(measure)
        for material in self.materials:
            self.fields[f"{MATERIAL_PREFIX}{material.key}"] = _material_field(material)
        if self.materials:
            self.fields["attachments"].label = _("其他附件")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("申报数据"),
                *(["event_date"] if "event_date" in self.fields else []),
                *(f"{INPUT_PREFIX}{s.name}" for s in self.specs),
            ),
            Fieldset(_("承诺事项"), *(f"{DECLARATION_PREFIX}{d.key}" for d in self.declarations)),
            *(
                [Fieldset(_("申报材料"), *(f"{MATERIAL_PREFIX}{m.key}" for m in self.materials))]
                if self.materials
                else []
            ),
            Fieldset(_("附件"), "attachments"),
        )

    def material_uploads(self) -> list[tuple[Material | None, list]]:
        """Return the files of this request, each list with the material it is handed in as (None: other files)."""
        uploads = [(m, self.files.getlist(f"{MATERIAL_PREFIX}{m.key}")) for m in self.materials]
        return [*uploads, (None, self.files.getlist("attachments"))]

    def raw_inputs(self) -> dict[str, str]:
        """Return the inputs as typed (also when the form is invalid), for keeping the draft."""
        values = {}
        for spec in self.specs:
            name = f"{INPUT_PREFIX}{spec.name}"
            if spec.type == "boolean":
                values[spec.name] = "true" if self.data.get(name) in ("on", "true", "1") else ""
            else:
                # PostgreSQL cannot store NUL in JSON; the field itself reports it (ProhibitNullCharactersValidator).
                values[spec.name] = (self.data.get(name) or "").replace("\x00", "").strip()
        # A further rule of the clause left empty is one not applied for (rules.RuleSet): nothing to keep.
        return {name: value for name, value in values.items() if value or SEPARATOR not in name}

    def raw_declarations(self) -> dict[str, bool]:
        return {d.key: self.data.get(f"{DECLARATION_PREFIX}{d.key}") in ("on", "true", "1") for d in self.declarations}

    def clean(self):
        cleaned = super().clean()
        if not self.strict:
            return cleaned
        _values, errors = parse_inputs(self.application.measure, self.raw_inputs())
        for name, message in errors.items():
            field = f"{INPUT_PREFIX}{name}"
            self.add_error(field if field in self.fields else None, message)
        for key, confirmed in self.raw_declarations().items():
            if not confirmed:
                self.add_error(f"{DECLARATION_PREFIX}{key}", _("提交前请确认此项承诺。"))
        if "event_date" in self.fields and not cleaned.get("event_date") and "event_date" not in self.errors:
            self.add_error("event_date", _("请填写此日期，申请期限由它起算。"))
        self._require_materials()
        return cleaned

    def _require_materials(self) -> None:
        """A required material needs a file: one handed in before, or one in this request."""
        handed_in = set(self.application.attachments.filter(removed_at__isnull=True).values_list("material", flat=True))
        for material in self.materials:
            name = f"{MATERIAL_PREFIX}{material.key}"
            if material.required and material.key not in handed_in and not self.files.getlist(name):
                self.add_error(
                    name,
                    _("请上传“%(name)s”（接受 %(types)s），提交时必须提供。")
                    % {"name": material.name, "types": material.types_label},
                )


COMMENT_LABELS = {
    "return_for_correction": gettext_lazy("补正要求（企业可见）"),
    "reject": gettext_lazy("不予支持的理由（企业可见）"),
    "finance_send_back": gettext_lazy("退回理由"),
}
AMOUNT_LABELS = {
    "final_review_pass": gettext_lazy("拟支持金额（元）"),
    "finance_approve": gettext_lazy("批准金额（元）"),
    "record_payment": gettext_lazy("本次拨付金额（元）"),
}


class TransitionForm(forms.Form):
    """The comment, amount and dates a staff action needs, as the transition table says."""

    comment = forms.CharField(label=gettext_lazy("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    amount = forms.DecimalField(label=gettext_lazy("金额（元）"), max_digits=14, decimal_places=2, required=False)
    due_on = forms.DateField(label=gettext_lazy("补正截止日期"), required=False, widget=date_input())
    paid_on = forms.DateField(label=gettext_lazy("拨付日期"), required=False, widget=date_input())
    bank_reference = forms.CharField(label=gettext_lazy("银行流水号"), max_length=64, required=False)
    # The case's audit sequence as the page showed it: the action is refused if anything happened since.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args,
        transition: Transition,
        application: Application | None = None,
        seen: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.transition = transition
        action = transition.action
        if application is None:
            del self.fields["seen"]  # bulk: one seen_<pk> per case, in the page itself
        else:
            self.fields["seen"].required = True
            self.fields["seen"].initial = application.audit_sequence if seen is None else seen
            self.fields["seen"].error_messages["required"] = _("页面已过期，请重新打开该申请后再办理。")
        self.fields["comment"].required = transition.needs_comment
        self.fields["comment"].label = COMMENT_LABELS.get(action, self.fields["comment"].label)
        if transition.amount:
            self.fields["amount"].required = transition.amount == "required"
            self.fields["amount"].label = AMOUNT_LABELS.get(action, self.fields["amount"].label)
            self.fields["amount"].min_value = 0
            if application is not None:
                self._amount_hint(application)
        else:
            del self.fields["amount"]
        if action == "return_for_correction":
            self.fields["due_on"].initial = add_working_days(timezone.localdate(), CORRECTION_WORKING_DAYS)
            if application is not None:
                # The materials the reviewer marked to be corrected, with their notes, as the request's first draft.
                self.fields["comment"].initial = to_correct_summary(application)
        else:
            del self.fields["due_on"]
        if action == "record_payment":
            self.fields["paid_on"].required = self.fields["bank_reference"].required = True
            self.fields["paid_on"].initial = timezone.localdate()
        else:
            del self.fields["paid_on"], self.fields["bank_reference"]

    def _amount_hint(self, application: Application) -> None:
        field, action = self.fields["amount"], self.transition.action
        hints = []
        if action == "final_review_pass":
            field.initial = application.estimate_amount
            if application.estimate_amount is not None:
                hints.append(_("系统测算金额 %(amount)s。") % {"amount": format_money(application.estimate_amount)})
            if application.amount_ceiling is not None:
                field.max_value = application.amount_ceiling
                hints.append(_("条款规定上限 %(amount)s。") % {"amount": format_money(application.amount_ceiling)})
            if application.discretionary:
                hints.append(_("本措施为酌定金额，请在上限内确定。"))
            self.fields["comment"].help_text = _(
                "拟支持金额与系统测算金额不同时，请在此说明理由；高于测算金额的，公示前须经部门负责人或区级管理员同意。"
            )
        elif action == "finance_approve":
            field.initial = application.proposed_amount
            field.max_value = application.proposed_amount
            hints.append(
                _("主管部门拟支持金额 %(amount)s；留空即按此金额批准。")
                % {"amount": format_money(application.proposed_amount)}
            )
        elif action == "record_payment":
            field.initial = application.outstanding()
            hints.append(
                _("批准金额 %(approved)s，已拨付 %(paid)s。")
                % {
                    "approved": format_money(application.approved_amount),
                    "paid": format_money(application.paid_total()),
                }
            )
        field.help_text = " ".join(hints)
        field.widget.attrs.update({k: v for k, v in (("max", field.max_value),) if v is not None})


# Names that are not a person's or an organisation's: an objection is real-name (DOMAIN.md, 公示 practice).
PLACEHOLDER_NAMES = frozenset("匿名 无名 无名氏 市民 群众 热心群众 热心市民 知情人 某某 不详 anonymous".split())
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


class ObjectionForm(forms.Form):
    """A real-name, written objection with its facts and, if any, its evidence; for the reviewers' eyes only."""

    name = forms.CharField(
        label=gettext_lazy("姓名（或单位名称）"),
        max_length=50,
        help_text=gettext_lazy("请使用真实姓名或单位全称，匿名异议不予受理。"),
    )
    contact = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=30,
        help_text=gettext_lazy("手机号码或带区号的固定电话，供主管部门核实时联系您。"),
    )
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"), max_length=254, help_text=gettext_lazy("核实结果将发送到此邮箱。")
    )
    text = forms.CharField(
        label=gettext_lazy("异议事实和理由"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("请写明您所知的具体事实（时间、人员、数量等）。"),
    )
    attachment = forms.FileField(
        label=gettext_lazy("证据材料（可选）"),
        required=False,
        help_text=gettext_lazy("PDF、图片或 Office 文档，一个文件。"),
    )
    pledge = forms.BooleanField(
        label=gettext_lazy("本人承诺以真实身份提出异议，所反映的情况属实。"),
        error_messages={"required": gettext_lazy("请确认以真实身份提出异议。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2 or name.lower() in PLACEHOLDER_NAMES or set(name) <= set("*＊某xX×"):
            raise forms.ValidationError(_("请填写真实姓名或单位全称，匿名异议不予受理。"))
        return name

    def clean_contact(self) -> str:
        phone = re.sub(r"[\s()（）]", "", self.cleaned_data["contact"]).replace("—", "-")
        if not PHONE.match(phone):
            raise forms.ValidationError(_("请填写有效的手机号码或带区号的固定电话。"))
        return phone


class FraudFindingForm(forms.ModelForm):
    """A district administrator's record of a fraud finding; the clause and the repayment date are prefilled."""

    class Meta:
        model = FraudFinding
        fields = [
            "application",
            "evidence",
            "decision_number",
            "decision_date",
            "persons_responsible",
            "referred_to_judiciary",
            "clause_quote",
            "recovery_due_on",
        ]
        widgets = {
            "decision_date": date_input(),
            "recovery_due_on": date_input(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "recovery_due_on" in self.fields:
            self.fields["recovery_due_on"].required = False
            self.fields["recovery_due_on"].help_text = gettext_lazy("不填则为处理决定日期后 %(days)s 天。") % {
                "days": settings.RECOVERY_DUE_DAYS
            }
        if "clause_quote" in self.fields:
            self.fields["clause_quote"].help_text = gettext_lazy(
                "已按本区政策文件的附则预填；本区文件未规定的，请填写处理决定所依据的条款原文。"
            )

    def clean(self):

        cleaned = super().clean()
        application = cleaned.get("application")
        if application is not None and self.user is not None:
            for problem in finding_problems(application, self.user):
                self.add_error("application", problem)
        decision_date = cleaned.get("decision_date")
        if decision_date:
            if decision_date > timezone.localdate():
                self.add_error("decision_date", _("处理决定日期不能晚于今天。"))
            if not cleaned.get("recovery_due_on"):
                cleaned["recovery_due_on"] = default_recovery_due_on(decision_date)
                self.instance.recovery_due_on = cleaned["recovery_due_on"]
            elif cleaned["recovery_due_on"] < decision_date:
                self.add_error("recovery_due_on", _("退回资金截止日期不能早于处理决定日期。"))
        return cleaned


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("退回金额（元）"), max_digits=14, decimal_places=2, min_value=0.01)
    paid_on = forms.DateField(label=gettext_lazy("退回日期"), widget=date_input())
    bank_reference = forms.CharField(label=gettext_lazy("银行流水号"), max_length=64)


class BanAmendmentForm(forms.Form):
    """A change to a ban's last day, with the document it rests on (e.g. a court ruling) and the reason."""

    ends_on = forms.DateField(label=gettext_lazy("变更后截止日"), widget=date_input())
    document_number = forms.CharField(
        label=gettext_lazy("依据文书编号"), max_length=100, help_text=gettext_lazy("如判决书、复议决定书文号。")
    )
    reason = forms.CharField(label=gettext_lazy("变更理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
