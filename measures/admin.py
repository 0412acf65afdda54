from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "slug", "order"]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "code"]


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ["order", "clause", "title", "monetary"]
    show_change_link = True
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
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
            {
                "fields": [
                    "general_provisions",
                    "annual_ceiling_quote",
                    "notes",
                    "source_file",
                    "source_line_start",
                    "source_line_end",
                ]
            },
        ),
    ]


class MeasureConditionInline(admin.TabularInline):
    model = MeasureCondition
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

        kinds = [("", "—")] + [(name, f"{kind.label}（{name}）") for name, kind in rules.KINDS.items()]
        self.fields["rule_kind"].widget = forms.Select(choices=kinds)


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    form = MeasureForm
    list_display = ["__str__", "document", "monetary", "rule_kind", "window_closes"]
    list_filter = ["document__district", "monetary", "rule_kind", "beneficiary_types", "sampling"]
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
                    "stacking",
                    "stacking_group",
                    "eligibility",
                ]
            },
        ),
        (_("来源"), {"fields": ["notes", "source_line_start", "source_line_end"]}),
    ]


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
