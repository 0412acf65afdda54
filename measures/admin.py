"""The policy library in the admin, kept by each district's administrators.

DOMAIN.md: the district administrator maintains the district's documents, measures, departments and contacts.
As in applications.admin, staff hold no Django model permissions: their role decides (`LibraryAdmin`). The platform's
superuser keeps Django's own permissions and sees every district.
"""

from __future__ import annotations

import datetime
import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import Q
from django.http import Http404
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override

from accounts.models import StaffRole

from . import direct
from .models import (
    BeneficiaryType,
    CalendarWarning,
    District,
    Measure,
    MeasureCondition,
    PolicyDataLoad,
    PolicyDocument,
    WorkingDayOverride,
)

LIBRARY_READERS = {StaffRole.REVIEWER, StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR}


def library_reader(user) -> bool:
    """Return whether a member of staff may read their district's library in the admin."""
    return bool(user.is_active and user.is_staff and getattr(user, "role", "") in LIBRARY_READERS)


def library_maintainer(user) -> bool:
    """Return whether a member of staff keeps their district's library: its district administrators."""
    return bool(user.is_active and user.is_staff and getattr(user, "role", "") == StaffRole.DISTRICT_ADMIN)


def limit_choices(db_field, request, kwargs: dict, choices: dict[str, str], shared: set[str]) -> None:
    """Limit a related field's choices to the staff member's district (`choices` maps the field to the lookup from
    a choice to its district, "" for a district itself); fields in `shared` may also name the city's rows (北京市),
    as a district's measure may be led by a city bureau and its documents implement the city's."""
    path = choices.get(db_field.name)
    if path is None or request.user.is_superuser:
        return
    condition = Q(**{f"{path}pk": request.user.work_district_id})
    if db_field.name in shared:
        condition |= Q(**{f"{path}level": District.Level.CITY})
    kwargs["queryset"] = db_field.remote_field.model._default_manager.filter(condition)


def _shown(field: forms.Field, value) -> str:
    """Return a form value as a person reads it, short, for the change history."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        value = "、".join(str(item) for item in value) or "—"
    elif isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            value = field.queryset.model._default_manager.filter(pk=value).first() or value
    elif isinstance(field, forms.ChoiceField):
        value = dict(field.choices).get(value, value)
    elif isinstance(value, bool):
        value = _("是") if value else _("否")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return Truncator(str(value)).chars(80)


class LibraryPermissions:
    """Who may do what with the library's rows, by role: every member of staff with a role reads them, a district
    administrator adds and changes them (and deletes them where `maintainer_deletes`)."""

    maintainer_deletes = False

    def has_module_permission(self, request):
        return request.user.is_superuser or library_reader(request.user)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return library_reader(request.user)

    def has_add_permission(self, request, *args):
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return library_maintainer(request.user)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return library_maintainer(request.user)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self.maintainer_deletes and library_maintainer(request.user)


class LibraryAdmin(LibraryPermissions, admin.ModelAdmin):
    """A model of the library: the rows of the staff member's own district (an auditor without a district reads them
    all), related choices limited to that district, so nobody moves a row to another district; a row outside it
    answers 404, as one that does not exist.

    The data loader (measures.loading.load_policy_data) rewrites what it knows of every row that comes from the data
    files. What quotes the source document (its number, clauses, amounts) is therefore read-only for district staff:
    changing it here would make the portal quote words the document does not say, and the next load would put them
    back anyway. What the districts keep up to date (phones, contacts, departments, windows) stays editable, and
    the form says which of those fields the next load resets.
    """

    change_form_template = "admin/library_change_form.html"
    district_path = "district__"  # from a row to its district
    district_choices: dict[str, str] = {}  # related field → lookup from a choice to its district ("" for a district)
    shared_choices: set[str] = set()
    loaded_fields: list[str] = []  # the fields load_policy_data rewrites
    document_words: list[str] = []  # of those, what the document itself says: read-only for district staff
    staff_readonly: list[str] = []  # never edited by district staff (sources, the loader's own keys)
    reload_note = ""  # what else the next load does to this row

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return qs
        if not library_reader(user):
            return qs.none()
        if user.work_district_id is None:
            return qs if user.role == StaffRole.AUDITOR else qs.none()
        return qs.filter(**{f"{self.district_path}pk": user.work_district_id})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("没有找到该记录，或不属于您所在的行政区。"))
        return obj

    def get_autocomplete_fields(self, request):
        # The autocomplete lists what the related model's admin shows; district staff choose from the fields' own
        # (district-limited) choices instead.
        return super().get_autocomplete_fields(request) if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs, self.district_choices, self.shared_choices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs, self.district_choices, self.shared_choices)
        if not request.user.is_superuser and db_field.name in self.autocomplete_fields:
            kwargs["widget"] = FilteredSelectMultiple(db_field.verbose_name, is_stacked=False)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not request.user.is_superuser and "district" in self.district_choices:
            initial.setdefault("district", request.user.work_district_id)
        return initial

    def from_data_files(self, obj) -> bool:
        """Return whether the row comes from the data files, i.e. whether the next load rewrites it."""
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.staff_readonly
            if obj is not None and self.from_data_files(obj):
                fields += self.document_words
        return list(dict.fromkeys(fields))

    def reload_warning(self, request, obj) -> str:
        """Return the form's warning: which of the fields one may edit the next load of the data files resets."""
        if obj is None or not self.has_change_permission(request, obj) or not self.from_data_files(obj):
            return ""
        on_form = set(flatten_fieldsets(self.get_fieldsets(request, obj))) - set(self.get_readonly_fields(request, obj))
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in self.loaded_fields if name in on_form]
        if not labels:
            return ""
        warning = _(
            "该记录来自政策数据文件。下次导入数据文件（load_policy_data）时，以下内容会恢复为数据文件中的写法：%(fields)s。"
            "要长期保留更正，请同时修改数据文件。"
        ) % {"fields": _("、").join(labels)}
        return f"{warning}{self.reload_note}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "reload_warning": self.reload_warning(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's record of the change (LogEntry, the page's history), with what each field was and became."""
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        with translation_override(None):
            fields = [
                f"{form[name].label}（{_shown(form.fields[name], form.initial.get(name))} → "
                f"{_shown(form.fields[name], form.cleaned_data.get(name))}）"
                for name in form.changed_data
            ]
        for entry in message:
            if "changed" in entry and "name" not in entry["changed"]:
                entry["changed"]["fields"] = fields
        return message


class LibraryInline(LibraryPermissions):
    """Rows edited on their parent's page follow the parent: staff read them, the district administrator edits."""

    maintainer_deletes = True
    district_choices: dict[str, str] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(db_field, request, kwargs, self.district_choices, set())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "slug", "order"]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "code"]


class MeasureInline(LibraryInline, admin.TabularInline):
    """The document's measures; district staff change a measure on its own page (its clause and title are read-only
    there)."""

    model = Measure
    fields = ["order", "clause", "title", "monetary"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(LibraryAdmin):
    list_display = ["number", "title", "district", "issued_on", "status", "valid_until"]
    list_filter = ["district", "status", "issued_on"]
    search_fields = ["number", "number_normalized", "title", "issuer", "key"]
    date_hierarchy = "issued_on"
    filter_horizontal = ["implements"]
    inlines = [MeasureInline]
    fieldsets = [
        (None, {"fields": ["key", "number", "title", "issuer", "district", "issued_on"]}),
        (_("有效性"), {"fields": ["status", "validity", "valid_from", "valid_until", "repeals_text"]}),
        (_("关联与解释"), {"fields": ["implements", "implements_text", "interpreting_body", "url"]}),
        (
            _("正文与来源"),
            {"fields": ["general_provisions", "annual_ceiling_quote", "annual_ceiling_covers", "source_file"]},
        ),
        (
            _("数据整理说明"),
            {
                "fields": ["notes", "source_line_start", "source_line_end"],
                "description": _("整理数据文件时的内部说明（英文），不在公开页面显示。"),
            },
        ),
    ]
    district_choices = {"district": "", "implements": "district__"}
    shared_choices = {"implements"}
    loaded_fields = [
        "number",
        "title",
        "issuer",
        "district",
        "issued_on",
        "status",
        "validity",
        "valid_from",
        "valid_until",
        "repeals_text",
        "implements",
        "implements_text",
        "interpreting_body",
        "url",
        "general_provisions",
        "annual_ceiling_quote",
        "annual_ceiling_covers",
        "notes",
        "source_file",
        "source_line_start",
        "source_line_end",
    ]
    document_words = [
        "key",
        "number",
        "title",
        "issuer",
        "district",
        "issued_on",
        "validity",
        "repeals_text",
        "implements",
        "implements_text",
        "interpreting_body",
        "general_provisions",
        "annual_ceiling_quote",
        "annual_ceiling_covers",
    ]
    staff_readonly = ["notes", "source_file", "source_line_start", "source_line_end"]

    def from_data_files(self, obj) -> bool:
        return bool(obj.source_file)


class MeasureConditionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Refuse, on a measure marked 免申即享, a condition the portal cannot decide from its data (measures.direct)."""
        super().clean()
        if not getattr(self.instance, "direct_award", False):
            return
        shown = {form.instance.pk for form in self.initial_forms}
        saved = self.instance.conditions.exclude(pk__in=shown) if self.instance.pk else MeasureCondition.objects.none()
        kinds = list(saved.values_list("kind", flat=True))
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("DELETE") and (form.instance.pk or data.get("kind")):
                kinds.append(data.get("kind") or form.instance.kind)
        names = dict(MeasureCondition.Kind.choices)
        refused = [str(names.get(kind, kind)) for kind in direct.undecidable(kinds)]
        if refused:
            raise forms.ValidationError(
                _(
                    "本措施标记为免申即享，其条件须都能由平台数据判定；“%(kinds)s”须人工判断。请删除该条件或取消免申即享。"
                )
                % {"kinds": "、".join(refused)}
            )


class MeasureConditionInline(LibraryInline, admin.TabularInline):
    model = MeasureCondition
    formset = MeasureConditionFormSet
    fields = ["order", "kind", "value", "quote", "from_data"]
    readonly_fields = ["from_data"]
    extra = 0


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from . import rules

        if "rule_kind" in self.fields:  # read-only for district staff on a measure of the data files
            kinds = [("", "—")] + [(name, f"{kind.label}（{name}）") for name, kind in rules.KINDS.items()]
            self.fields["rule_kind"].widget = forms.Select(choices=kinds)


MEASURE_STAFF_READONLY = ["notes", "source_line_start", "source_line_end"]
MEASURE_KEPT_BY_STAFF = {
    "lead_departments",
    "responsible_units",
    "contacts",
    "window_opens",
    "window_closes",
    *MEASURE_STAFF_READONLY,
}


@admin.register(Measure)
class MeasureAdmin(LibraryAdmin):
    form = MeasureForm
    list_display = ["__str__", "document", "monetary", "rule_kind", "window_closes"]
    list_filter = ["document__district", "monetary", "direct_award", "rule_kind", "beneficiary_types", "sampling"]
    search_fields = ["title", "text", "clause", "document__number", "document__title", "lead_departments__name"]
    list_select_related = ["document"]
    autocomplete_fields = ["document", "lead_departments", "responsible_units", "contacts"]
    filter_horizontal = ["beneficiary_types"]
    inlines = [MeasureConditionInline]
    readonly_fields = ["eligibility"]
    fieldsets = [
        (None, {"fields": ["document", "key", "order", "clause", "title", "text", "beneficiary_types"]}),
        (_("部门与联系人"), {"fields": ["lead_label", "lead_departments", "responsible_units", "contacts"]}),
        (
            _("申报与办理"),
            {
                "fields": [
                    "window_opens",
                    "window_closes",
                    "window_text",
                    "deadline_rule",
                    "procedure",
                    "publicity_working_days",
                    "sampling",
                ]
            },
        ),
        (
            _("资金规则与条件"),
            {
                "fields": [
                    "monetary",
                    "rule_kind",
                    "rule_params",
                    "rule_quote",
                    "rule_label",
                    "rule_cap_period",
                    "rule_reading",
                    "more_rules",
                    "rule_combine",
                    "rule_choice_label",
                    "stacking",
                    "stacking_group",
                    "direct_award",
                    "direct_inputs",
                    "eligibility",
                ]
            },
        ),
        (
            _("数据整理说明"),
            {
                "fields": ["notes", "source_line_start", "source_line_end"],
                "description": _("整理数据文件时的内部说明（英文），不在公开页面显示。"),
            },
        ),
    ]
    district_path = "document__district__"
    district_choices = {
        "document": "district__",
        "lead_departments": "district__",
        "responsible_units": "district__",
        "contacts": "department__district__",
    }
    shared_choices = {"lead_departments", "responsible_units", "contacts"}
    # What load_policy_data writes for a measure; its conditions too, when the file's conditions change.
    loaded_fields = [
        "order",
        "clause",
        "title",
        "text",
        "beneficiary_types",
        "lead_label",
        "lead_departments",
        "responsible_units",
        "contacts",
        "window_opens",
        "window_closes",
        "window_text",
        "deadline_rule",
        "procedure",
        "publicity_working_days",
        "sampling",
        "monetary",
        "rule_kind",
        "rule_params",
        "rule_quote",
        "rule_label",
        "rule_cap_period",
        "rule_reading",
        "more_rules",
        "rule_combine",
        "rule_choice_label",
        "stacking",
        "stacking_group",
        "direct_award",
        "direct_inputs",
        "notes",
        "source_line_start",
        "source_line_end",
    ]
    # The clause, its amounts and its procedure as the document states them (what the loader writes, less what
    # district staff keep: the departments, contacts, the application window, the notes and the source lines).
    staff_readonly = MEASURE_STAFF_READONLY
    document_words = ["document", "key", *(f for f in loaded_fields if f not in MEASURE_KEPT_BY_STAFF)]
    reload_note = _("来自数据文件的申报条件，在数据文件中的条件改动后导入时整体替换；您添加的条件保留。")

    def from_data_files(self, obj) -> bool:
        return obj.source_line_start is not None


@admin.register(BeneficiaryType)
class BeneficiaryTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(PolicyDataLoad)
class PolicyDataLoadAdmin(admin.ModelAdmin):
    list_display = ["loaded_at", "fingerprint"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The official calendar counts every district's deadlines: the platform's administrators keep it, not a district.
@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "name", "note", "created_at"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"


@admin.register(CalendarWarning)
class CalendarWarningAdmin(admin.ModelAdmin):
    list_display = ["year", "created_at", "sent_at"]
    search_fields = ["year"]


from . import schedule_admin  # noqa: E402, F401  (the periodic tasks' admin, in the page's language)
