"""The staff's side: one queue per role, the actions of the transition table, payments and the Excel export.

Nothing here edits a case directly: every change goes through workflow.apply_transition, and every queryset is
restricted by permissions.applications_visible_to.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import StaffRole

from .exports import approved_and_paid_workbook, workbook_response
from .forms import TransitionForm
from .models import Application, Attachment, Ban, Event, Objection, Payment
from .permissions import Role, applications_visible_to, is_workflow_staff
from .workflow import TRANSITIONS, Transition, TransitionError, apply_transition, available_transitions

ROLE_OF_STAFF = {
    StaffRole.REVIEWER: Role.REVIEWER,
    StaffRole.FINANCE: Role.FINANCE,
    StaffRole.DISTRICT_ADMIN: Role.DISTRICT_ADMIN,
}
EXPORT_ROLES = {StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR}


class RestrictedAdmin(admin.ModelAdmin):
    """Read-only pages over the rows of the cases a staff member may see."""

    application_path = "application"

    def has_module_permission(self, request):
        return is_workflow_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        visible = applications_visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.application_path}__in": visible.values("pk")})


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已逾期"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class EventInline(admin.TabularInline):
    model = Event
    fields = ["created_at", "actor", "action_label", "from_status", "to_status", "comment", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentInline(EventInline):
    model = Payment
    fields = ["paid_on", "amount", "bank_reference", "recorded_by", "recorded_at"]
    readonly_fields = fields
    ordering = ["paid_on", "pk"]


class AttachmentInline(EventInline):
    model = Attachment
    fields = ["download", "content_type", "size", "sha256", "uploaded_at", "removed_at"]
    readonly_fields = fields
    ordering = ["uploaded_at"]

    @admin.display(description=gettext_lazy("文件"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class ObjectionInline(EventInline):
    model = Objection
    fields = ["created_at", "name", "contact", "text", "handled"]
    readonly_fields = fields
    ordering = ["-created_at"]


def _transition_action(transition: Transition):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_selected(request, queryset, transition)

    action.__name__ = f"do_{transition.action}"
    action.short_description = transition.label
    return action


@admin.register(Application)
class ApplicationAdmin(RestrictedAdmin):
    list_display = [
        "reference",
        "enterprise",
        "measure_citation",
        "district",
        "status",
        "estimate_amount",
        "proposed_amount",
        "approved_amount",
        "submitted_at",
        "deadline",
        "sampled",
    ]
    list_filter = [("measure", admin.RelatedOnlyFieldListFilter), "status", "district", OverdueFilter, "sampled"]
    search_fields = ["reference", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "measure__document", "district"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "reference",
        "enterprise",
        "measure",
        "district",
        "status",
        "inputs",
        "declarations",
        "estimate_amount",
        "estimate_table",
        "amount_ceiling",
        "discretionary",
        "proposed_amount",
        "approved_amount",
        "paid",
        "profile_version",
        "submitted_at",
        "correction_request",
        "correction_due_on",
        "sampled",
        "verification_due_on",
        "publicity_starts_on",
        "publicity_ends_on",
        "rejection_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    exclude = ["estimate_steps"]
    inlines = [EventInline, PaymentInline, AttachmentInline, ObjectionInline]
    change_form_template = "applications/admin/application_change_form.html"
    change_list_template = "applications/admin/application_change_list.html"
    actions = [_transition_action(t) for t in TRANSITIONS.values() if t.roles - {Role.ENTERPRISE, Role.SYSTEM}]

    def get_queryset(self, request):
        return applications_visible_to(request.user).select_related("enterprise", "measure__document", "district")

    def get_actions(self, request):
        role = ROLE_OF_STAFF.get(request.user.role)
        actions = super().get_actions(request)
        return {
            name: entry
            for name, entry in actions.items()
            if not name.startswith("do_") or (role and role in TRANSITIONS[name[3:]].roles)
        }

    @admin.display(description=gettext_lazy("政策措施"), ordering="measure")
    def measure_citation(self, obj):
        return f"{obj.measure.citation} {obj.measure.title}"[:60]

    @admin.display(description=gettext_lazy("当前期限"))
    def deadline(self, obj):
        return {
            "returned": obj.correction_due_on,
            "verification": obj.verification_due_on,
            "publicity": obj.publicity_ends_on,
        }.get(obj.status)

    @admin.display(description=gettext_lazy("已拨付（元）"))
    def paid(self, obj):
        return obj.paid_total()

    @admin.display(description=gettext_lazy("测算过程"))
    def estimate_table(self, obj):
        rows = [
            format_html("<li>{}：{} {}</li>", step.get("label", ""), step.get("amount", ""), step.get("detail", ""))
            for step in obj.estimate_steps or []
        ]
        return format_html("<ul>{}</ul>", format_html("".join(rows))) if rows else "-"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = {
            **(extra_context or {}),
            "transitions": available_transitions(request.user, application) if application else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.may_export(request)}
        return super().changelist_view(request, extra_context)

    def transition_selected(self, request, queryset, transition: Transition):
        count = queryset.count()
        if count == 1:
            url = reverse("admin:applications_application_transition", args=[queryset.get().pk, transition.action])
            return HttpResponseRedirect(url)
        if not transition.bulk:
            self.message_user(
                request, _("“%(action)s”须逐件办理，请只选择一件申请。") % {"action": transition.label}, messages.ERROR
            )
            return None
        form = TransitionForm(request.POST if "apply" in request.POST else None, transition=transition)
        if form.is_valid():
            for application in queryset:
                self._apply(request, application, transition, form)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": transition.label,
            "transition": transition,
            "form": form,
            "applications": queryset,
            "action_name": f"do_{transition.action}",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "applications/admin/transition.html", context)

    def _apply(self, request, application: Application, transition: Transition, form: TransitionForm) -> bool:
        data = form.cleaned_data
        extra = {key: data[key] for key in ("due_on", "paid_on", "bank_reference") if data.get(key)}
        try:
            apply_transition(
                application_id=application.pk,
                action=transition.action,
                actor=request.user,
                comment=data.get("comment") or "",
                amount=data.get("amount"),
                **extra,
            )
        except TransitionError as error:
            detail = "；".join(error.problems)
            self.message_user(request, f"{application.reference}：{error.message}{detail}", messages.ERROR)
            return False
        self.message_user(
            request,
            _("%(reference)s：已%(action)s。") % {"reference": application.reference, "action": transition.label},
        )
        return True

    def transition_view(self, request, object_id: int, action: str):
        application = get_object_or_404(self.get_queryset(request), pk=object_id)
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise Http404
        if transition not in available_transitions(request.user, application):
            self.message_user(
                request,
                _("您不能对该申请执行“%(action)s”（当前状态：%(status)s）。")
                % {"action": transition.label, "status": application.get_status_display()},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:applications_application_change", args=[application.pk]))
        form = TransitionForm(request.POST or None, transition=transition, application=application)
        if request.method == "POST" and form.is_valid():
            if self._apply(request, application, transition, form):
                return HttpResponseRedirect(reverse("admin:applications_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{transition.label}：{application.reference}",
            "transition": transition,
            "form": form,
            "application": application,
            "applications": [application],
        }
        return TemplateResponse(request, "applications/admin/transition.html", context)

    def may_export(self, request) -> bool:
        return request.user.is_superuser or request.user.role in EXPORT_ROLES

    def export_view(self, request):
        if not self.may_export(request):
            raise PermissionDenied
        workbook = approved_and_paid_workbook(self.get_queryset(request))
        return workbook_response(workbook, f"approved-and-paid-{timezone.localdate():%Y%m%d}.xlsx")


@admin.register(Event)
class EventAdmin(RestrictedAdmin):
    list_display = ["created_at", "application", "action_label", "from_status", "to_status", "actor", "amount"]
    list_filter = ["action", "to_status"]
    search_fields = ["application__reference", "application__enterprise__name", "comment"]
    list_select_related = ["application", "actor"]


@admin.register(Payment)
class PaymentAdmin(RestrictedAdmin):
    list_display = ["application", "paid_on", "amount", "bank_reference", "recorded_by"]
    list_filter = ["paid_on"]
    search_fields = ["application__reference", "application__enterprise__name", "bank_reference"]
    list_select_related = ["application", "recorded_by"]


@admin.register(Attachment)
class AttachmentAdmin(RestrictedAdmin):
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at", "removed_at"]
    search_fields = ["original_name", "application__reference", "application__enterprise__name", "sha256"]
    exclude = ["file"]


@admin.register(Objection)
class ObjectionAdmin(RestrictedAdmin):
    list_display = ["application", "name", "contact", "created_at", "handled"]
    list_filter = ["handled"]
    search_fields = ["application__reference", "name", "contact", "text"]
    readonly_fields = ["application", "name", "contact", "text", "created_at"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.role in (StaffRole.REVIEWER, StaffRole.DISTRICT_ADMIN)


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "district", "starts_on", "ends_on", "decision_number"]
    list_filter = ["district"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "decision_number", "reason"]
    readonly_fields = ["created_by", "created_at"]

    def _manages(self, request) -> bool:
        return request.user.is_superuser or request.user.role == StaffRole.DISTRICT_ADMIN

    def has_module_permission(self, request):
        return is_workflow_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        district_id = request.user.work_district_id
        return qs if request.user.is_superuser or not district_id else qs.filter(district_id=district_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=request.user.work_district_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
