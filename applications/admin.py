"""The staff's side: one queue per role, the actions of the transition table, payments and the Excel export.

Nothing here edits a case directly: every change goes through workflow.apply_transition, and every queryset is
restricted by permissions.applications_visible_to.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Enterprise, StaffRole
from measures.models import Measure

from . import queue_cache
from .exports import approved_and_paid_workbook, workbook_response
from .forms import INPUT_PREFIX, ApplicationForm, FraudFindingForm, RepaymentForm, TransitionForm
from .models import (
    AWARDED_STATUSES,
    Application,
    Attachment,
    Ban,
    Event,
    FraudFinding,
    Notice,
    Objection,
    Payment,
    Recovery,
    Repayment,
)
from .pagination import CappedPaginator
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


class ScopeMeasureFilter(admin.RelatedFieldListFilter):
    """The measures of the staff member's own district (a reviewer's: those the department leads), read from the
    measures: listing the measures that occur in the queue would scan every case of it on every page view."""

    def field_choices(self, field, request, model_admin):
        user, measures = request.user, Measure.objects.all()
        if not user.is_superuser and user.work_district_id:
            measures = measures.filter(document__district_id=user.work_district_id)
        if not user.is_superuser and user.role == StaffRole.REVIEWER:
            measures = measures.filter(lead_departments=user.department_id)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": measures})


class QueueChangeList(ChangeList):
    """The queue reads only the columns it shows: whole rows of the case, the enterprise, the measure and its
    document (clause texts, JSON inputs and steps) made each page cost several times more."""

    columns = [
        "reference",
        "status",
        "estimate_amount",
        "proposed_amount",
        "approved_amount",
        "submitted_at",
        "correction_due_on",
        "verification_due_on",
        "publicity_ends_on",
        "sampled",
        "enterprise__name",
        "measure__clause",
        "measure__title",
        "measure__document__number",
        "measure__document__title",
        "district__name",
    ]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.columns)


class SubmittedYearFilter(admin.SimpleListFilter):
    """The year of submission, from a fixed list: a date hierarchy would scan the whole queue for its years."""

    title = gettext_lazy("提交年度")
    parameter_name = "submitted_year"
    first_year = 2020  # the earliest policy documents of the library

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in range(timezone.localdate().year, self.first_year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(submitted_at__year=int(value)) if value and value.isdigit() else queryset


class EventInline(admin.TabularInline):
    model = Event
    fields = ["created_at", "actor", "action_label", "from_status", "to_status", "comment", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    # Staff hold no model permissions (their role decides), so an inline would otherwise be hidden from them.
    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

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
    list_filter = [
        ("measure", ScopeMeasureFilter),
        "status",
        "district",
        OverdueFilter,
        "sampled",
        SubmittedYearFilter,
    ]
    search_fields = ["reference", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "measure__document", "district"]
    # The same work per page however large the queue (bench/RESULTS.md): no count of the whole queue, counting and
    # paging stop at CappedPaginator.cap.
    paginator = CappedPaginator
    show_full_result_count = False
    # Newest first, as before (ids are given in order of creation), but along the primary key's index: ordering by
    # created_at sorted the whole queue on every page view.
    ordering = ["-pk"]
    # A page of the admin's change list costs about 1 ms of rendering per row.
    list_per_page = 50
    readonly_fields = [
        "reference",
        "enterprise",
        "measure",
        "district",
        "status",
        "inputs_table",
        "declarations_table",
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

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """The admin's own checkbox, written directly: rendering a form widget's template for every row cost a
        quarter of the page."""
        label = format_html(_("Select this object for an action - {}"), obj)
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            admin.helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

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

    @admin.display(description=gettext_lazy("申报数据"))
    def inputs_table(self, obj):
        """The enterprise's answers under the labels of its application form (applications.forms), not as JSON."""
        form = ApplicationForm(application=obj)
        rows = []
        if "event_date" in form.fields:
            rows.append((form.fields["event_date"].label, obj.event_date or _("（未填写）")))
        for spec in form.specs:
            field = form.fields[f"{INPUT_PREFIX}{spec.name}"]
            rows.append((field.label, self._answer(field, obj.inputs.get(spec.name))))
        # Answers to questions the form no longer asks (the measure's rule changed after the enterprise answered).
        asked = {spec.name for spec in form.specs}
        rows += [(name, value) for name, value in obj.inputs.items() if name not in asked]
        return self._table(rows)

    @admin.display(description=gettext_lazy("承诺事项"))
    def declarations_table(self, obj):
        declarations = ApplicationForm(application=obj).declarations
        rows = [(d.label, _("已承诺") if obj.declarations.get(d.key) else _("未承诺")) for d in declarations]
        return self._table(rows)

    @staticmethod
    def _answer(field, value) -> str:
        from django import forms

        if isinstance(field, forms.BooleanField):
            return _("是") if value in (True, "true", "on", "1") else _("否")
        if value in (None, ""):
            return _("（未填写）")
        if isinstance(field, forms.ChoiceField):
            return dict(field.choices).get(value, value)
        return value

    @staticmethod
    def _table(rows) -> str:
        if not rows:
            return "-"
        body = format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows)
        return format_html('<table class="answers">{}</table>', body)

    @admin.display(description=gettext_lazy("测算过程"))
    def estimate_table(self, obj):
        steps = obj.estimate_steps or []
        if not steps:
            return "-"
        rows = format_html_join(
            "", "<li>{}：{} {}</li>", ((s.get("label", ""), s.get("amount", ""), s.get("detail", "")) for s in steps)
        )
        return format_html("<ul>{}</ul>", rows)

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
        ban = None
        if application is not None and application.is_open:
            # Reviewers see at once that the enterprise is banned in this district.
            ban = (
                Ban.objects.active()
                .filter(enterprise_id=application.enterprise_id, district_id=application.district_id)
                .order_by("-ends_on")
                .first()
            )
        extra_context = {
            **(extra_context or {}),
            "transitions": available_transitions(request.user, application) if application else [],
            "ban": ban,
            "may_record_finding": bool(
                application
                and application.status in AWARDED_STATUSES
                and request.user.role == StaffRole.DISTRICT_ADMIN
                and not FraudFinding.objects.filter(application=application).exists()
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_search_results(self, request, queryset, search_term):
        """Search the reference, and the enterprises by name or credit code first: joining every case of the queue
        to its enterprise to match the name took seconds at a million cases."""
        condition = Q()
        for term in smart_split(search_term):
            term = unescape_string_literal(term) if term[0] in "\"'" else term
            enterprises = Enterprise.objects.filter(Q(name__icontains=term) | Q(credit_code__icontains=term))
            condition &= Q(reference__icontains=term) | Q(enterprise__in=enterprises.values("pk"))
        return queryset.filter(condition), False

    def changelist_view(self, request, extra_context=None):
        # A page rendered since the district's last change is served as it is (applications/queue_cache.py).
        key = queue_cache.page_key(request)
        if (page := queue_cache.cached_page(key)) is not None:
            return page
        extra_context = {**(extra_context or {}), "can_export": self.may_export(request)}
        response = super().changelist_view(request, extra_context)
        queue_cache.keep_page(key, response)
        return response

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


@admin.register(Notice)
class NoticeAdmin(RestrictedAdmin):
    """Every e-mail and reminder the portal wrote about the cases one may see, those addressed to oneself (the daily
    digest) and, for a district's administrators and auditors, the district's ended bans; and whether each went out
    and to whom (`delivered_to`)."""

    list_display = ["created_at", "application", "kind", "audience", "subject", "state", "sent_at", "attempts"]
    list_filter = ["kind", "audience", "state"]
    search_fields = ["application__reference", "application__enterprise__name", "subject"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    show_full_result_count = False

    def get_queryset(self, request):
        user = request.user
        without_case = Notice.objects.filter(application__isnull=True)
        visible = [Notice.objects.filter(application__in=applications_visible_to(user).values("pk"))]
        if user.is_superuser:
            visible.append(without_case)
        else:
            visible.append(without_case.filter(user=user))
            district_id = user.work_district_id
            if user.role == StaffRole.AUDITOR and not district_id:
                visible.append(without_case.filter(ban__isnull=False))
            elif user.role in {StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR} and district_id:
                visible.append(without_case.filter(ban__district_id=district_id))
        # A union of ids, each part read from its own index (case, recipient, ban): with an OR PostgreSQL read every
        # notice instead (0.4 s against 0.06 s for a reviewer at a million notices).
        ids = visible[0].order_by().values("pk").union(*(part.order_by().values("pk") for part in visible[1:]))
        return super(RestrictedAdmin, self).get_queryset(request).filter(pk__in=ids)


class SanctionAdmin(admin.ModelAdmin):
    """Fraud findings and recoveries: seen by the district's administrators, finance officers and auditors (and the
    platform's superuser); nobody changes or deletes one here. `district_path` leads from a row to its district."""

    district_path = "district_id"

    def has_module_permission(self, request):
        return is_workflow_staff(request.user) and (
            request.user.is_superuser
            or request.user.role in {StaffRole.DISTRICT_ADMIN, StaffRole.FINANCE, StaffRole.AUDITOR}
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and not request.user.role:
            return qs
        district_id = request.user.work_district_id
        return qs.filter(**{self.district_path: district_id}) if district_id else qs


@admin.register(FraudFinding)
class FraudFindingAdmin(SanctionAdmin):
    """District administrators record fraud findings here; Celery then revokes, recovers and bans."""

    form = FraudFindingForm
    list_display = [
        "decision_number",
        "decision_date",
        "application",
        "enterprise",
        "referred_to_judiciary",
        "recorded_by",
        "processed_at",
    ]
    list_filter = ["referred_to_judiciary", "decision_date"]
    search_fields = ["decision_number", "application__reference", "application__enterprise__name"]
    list_select_related = ["application__enterprise", "recorded_by"]
    raw_id_fields = ["application"]
    district_path = "application__district_id"

    def has_add_permission(self, request):
        # Only a district administrator records a finding; once recorded and carried out it is not edited.
        return request.user.role == StaffRole.DISTRICT_ADMIN and request.user.is_active and request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in FraudFinding._meta.fields] if obj else []

    @admin.display(description=gettext_lazy("企业"))
    def enterprise(self, obj):
        return obj.application.enterprise

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class BoundForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return BoundForm

    def get_changeform_initial_data(self, request):
        from .sanctions import district_sanction_clause

        initial = super().get_changeform_initial_data(request)
        if request.user.work_district_id:
            initial.setdefault("clause_quote", district_sanction_clause(request.user.work_district_id))
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "application":
            # Only the district limits the choice: a case of the district without an award gets finding_problems'
            # message (its status, why no finding can be recorded), not Django's bare "not one of the choices".
            kwargs["queryset"] = Application.objects.filter(district_id=request.user.work_district_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from .tasks import process_fraud_finding

        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: _queue_finding(process_fraud_finding, obj.pk))
        self.message_user(
            request,
            _(
                "已登记查处记录 %(number)s。系统将撤销该项奖励补贴，对已拨付资金立案全额收缴，并禁止该企业三年内申请本区补贴。"
            )
            % {"number": obj.decision_number},
        )


def _queue_finding(task, finding_id: int) -> None:
    try:
        task.delay(finding_id)
    except Exception:  # the broker is down: the deadline sweep carries out unprocessed findings
        import logging

        logging.getLogger(__name__).warning("Could not queue fraud finding %s; the next sweep will do it", finding_id)


class RepaymentInline(admin.TabularInline):
    model = Repayment
    fields = ["paid_on", "amount", "bank_reference", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    # As EventInline: staff hold no model permissions, so without this finance never saw the repayments it recorded.
    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recovery)
class RecoveryAdmin(SanctionAdmin):
    """Recoveries of revoked awards; the district's finance officers record the repayments."""

    list_display = ["application", "enterprise", "amount_due", "repaid", "due_on", "state", "overdue"]
    list_filter = ["state", "district"]
    search_fields = ["application__reference", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["application", "enterprise"]
    inlines = [RepaymentInline]
    change_form_template = "applications/admin/recovery_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Recovery._meta.fields]

    @admin.display(description=gettext_lazy("已退回（元）"))
    def repaid(self, obj):
        return obj.repaid_total()

    @admin.display(description=gettext_lazy("逾期"), boolean=True)
    def overdue(self, obj):
        return obj.state == Recovery.State.OPEN and obj.due_on < timezone.localdate()

    def may_record(self, request, recovery) -> bool:
        return (
            request.user.role == StaffRole.FINANCE
            and request.user.work_district_id == recovery.district_id
            and recovery.state == Recovery.State.OPEN
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/repay/",
                self.admin_site.admin_view(self.repay_view),
                name="{}_{}_repay".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        recovery = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = {**(extra_context or {}), "may_record": bool(recovery and self.may_record(request, recovery))}
        return super().change_view(request, object_id, form_url, extra_context)

    def repay_view(self, request, object_id: int):
        from django.core.exceptions import ValidationError

        from .sanctions import repayment_record

        recovery = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.may_record(request, recovery):
            raise PermissionDenied
        form = RepaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                repayment_record(recovery_id=recovery.pk, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("已登记退回资金。"))
                return HttpResponseRedirect(reverse("admin:applications_recovery_change", args=[recovery.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("登记退回资金：%(reference)s") % {"reference": recovery.application.reference},
            "form": form,
            "recovery": recovery,
        }
        return TemplateResponse(request, "applications/admin/repayment.html", context)
