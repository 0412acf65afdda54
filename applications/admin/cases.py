"""The staff's case pages: one queue per role, the actions of the transition table, payments and the Excel export.

Nothing here edits a case directly: every change goes through workflow.apply_transition, and every queryset is
restricted by permissions.applications_visible_to.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
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
from portal.formatting import format_money

from ..forms import INPUT_PREFIX, ApplicationForm, TransitionForm
from ..models import (
    AWARDED_STATUSES,
    Application,
    Attachment,
    Ban,
    Event,
    FraudFinding,
    Payment,
)
from ..workflow import (
    TRANSITIONS,
    Stale,
    Transition,
    TransitionError,
    apply_transition,
    available_transitions,
    history_name,
)
from ..workflow.permissions import Role, applications_visible_to, is_workflow_staff
from . import case_page, queue_cache
from .base import EXPORT_ROLES, ROLE_OF_STAFF, RestrictedAdmin, money_display
from .case_review import AssignedFilter, CaseReviewMixin, person_display
from .exports import approved_and_paid_workbook, workbook_response
from .home import WaitingFilter
from .objections import ObjectionInline
from .pagination import CappedPaginator
from .queue_filters import (
    ApprovalFilter,
    OverdueFilter,
    ScopeDistrictFilter,
    ScopeMeasureFilter,
    SubmittedYearFilter,
)


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
        "district__name_en",  # the district shows in the reader's language (District.local_name)
    ]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*self.columns)

    def get_results(self, request):
        super().get_results(request)
        # A page past the end is shown as the last page (CappedPaginator.validate_number): the pagination marks it.
        self.page_num = min(self.page_num, max(self.paginator.num_pages, 1))


class OfTheCaseFormSet(BaseInlineFormSet):
    """Each row of a case's inline knows its case: the admin names every row (Event.__str__ is "<reference> <action>")
    and read the case again for each one."""

    def get_queryset(self):
        if not hasattr(self, "_rows"):
            self._rows = list(super().get_queryset())
            for row in self._rows:
                setattr(row, self.fk.name, self.instance)
        return self._rows


class EventInline(admin.TabularInline):
    model = Event
    formset = OfTheCaseFormSet
    related = ["actor"]  # the people the rows name, read with the rows
    fields = ["created_at", "actor_name", "name", "from_status", "to_status", "comment", "amount_shown"]
    readonly_fields = fields
    actor_name = person_display("actor", gettext_lazy("操作人"))
    amount_shown = money_display("amount", gettext_lazy("金额"))
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    # What happened, in the reader's language and as the history says it ("Returned for correction"), where the
    # stored label is the Chinese of the button ("Return for correction").
    @admin.display(description=gettext_lazy("操作名称"))
    def name(self, obj):
        return history_name(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    # Staff hold no model permissions (their role decides), so an inline would otherwise be hidden from them.
    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentInline(EventInline):
    model = Payment
    fields = ["paid_on", "amount_shown", "bank_reference", "recorded_by_name", "recorded_at"]
    readonly_fields = fields
    recorded_by_name = person_display("recorded_by", gettext_lazy("登记人"))
    related = ["recorded_by"]
    amount_shown = money_display("amount", gettext_lazy("拨付金额"))
    ordering = ["paid_on", "pk"]


class AttachmentInline(EventInline):
    model = Attachment
    fields = ["download", "content_type", "size", "sha256", "uploaded_at", "removed_at"]
    readonly_fields = fields
    related = []
    ordering = ["uploaded_at"]

    @admin.display(description=gettext_lazy("文件"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


def _transition_action(transition: Transition):
    def action(modeladmin, request, queryset):
        return modeladmin.transition_selected(request, queryset, transition)

    action.__name__ = f"do_{transition.action}"
    action.short_description = transition.label
    return action


@admin.register(Application)
class ApplicationAdmin(CaseReviewMixin, RestrictedAdmin):
    list_display = [
        "reference",
        "enterprise",
        "measure_citation",
        "district",
        "status",
        "estimate_amount_shown",
        "proposed_amount_shown",
        "approved_amount_shown",
        "submitted_at",
        "deadline",
        "sampled",
    ]
    list_filter = [
        ("measure", ScopeMeasureFilter),
        "status",
        ("district", ScopeDistrictFilter),
        OverdueFilter,
        WaitingFilter,
        AssignedFilter,
        ApprovalFilter,
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
        "enterprise_link",
        "measure",
        "district_link",
        "status",
        "assigned_to_name",
        "inputs_table",
        "declarations_table",
        "estimate_amount_shown",
        "estimate_table",
        "rule_basis",
        "amount_ceiling_shown",
        "discretionary",
        "proposed_amount_shown",
        "proposal_state",
        "approved_amount_shown",
        "paid",
        "enterprise_name",
        "enterprise_credit_code",
        "submitted_at",
        "correction_request",
        "correction_due_on",
        "sampled",
        "verification_due_on",
        "publicity_starts_on",
        "publicity_ends_on",
        "rejection_reason",
        "ban_override_at",
        "created_by_name",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    exclude = ["estimate_steps"]
    inlines = [EventInline, PaymentInline, AttachmentInline, ObjectionInline]
    change_form_template = "applications/admin/application_change_form.html"
    change_list_template = "applications/admin/application_change_list.html"
    view_on_site = False  # the enterprise's page of the case: staff are sent back here
    actions = [_transition_action(t) for t in TRANSITIONS.values() if t.roles - {Role.ENTERPRISE, Role.SYSTEM}]

    def get_queryset(self, request):
        return applications_visible_to(request.user).select_related("enterprise", "measure__document", "district")

    def get_object(self, request, object_id, from_field=None):
        """The case for its page, with the people the page names (creator, assignee, approver of the proposal) in
        the same query: fetched one by one they made the page's queries depend on the case."""
        cached = getattr(request, "_portal_case", None)
        if cached is not None and from_field is None and str(cached.pk) == str(object_id):
            return cached  # change_view read it for its own context; the admin's form view asks again
        queryset = self.get_queryset(request).select_related("created_by", "assigned_to", "proposal_approved_by")
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            application = queryset.get(**{field.name: field.to_python(object_id)})
        except (Application.DoesNotExist, ValidationError, ValueError):
            return None
        if from_field is None:
            request._portal_case = application
        return application

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

    estimate_amount_shown = money_display("estimate_amount", gettext_lazy("测算金额"))
    proposed_amount_shown = money_display("proposed_amount", gettext_lazy("拟支持金额"))
    approved_amount_shown = money_display("approved_amount", gettext_lazy("批准金额"))
    amount_ceiling_shown = money_display("amount_ceiling", gettext_lazy("金额上限"))

    @admin.display(description=gettext_lazy("已拨付"))
    def paid(self, obj):
        return format_money(obj.paid_total())

    @admin.display(description=gettext_lazy("拟支持金额审批"))
    def proposal_state(self, obj):
        if not obj.proposal_needs_approval:
            return "-"
        if obj.proposal_approved_by_id is None:
            return _("高于系统测算金额，待部门负责人或区级管理员同意（理由见办理记录）")
        approver = obj.proposal_approved_by
        return _("高于系统测算金额，已由 %(name)s 同意") % {"name": approver.get_full_name() or approver.username}

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
            "",
            "<li>{}{}{} {}</li>",
            (
                (
                    s.get("label", ""),
                    _("："),
                    format_money(s.get("amount")) if s.get("amount") not in (None, "") else "",
                    s.get("detail", ""),
                )
                for s in steps
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.display(description=gettext_lazy("测算所依据的计算规则"))
    def rule_basis(self, obj):
        """Show the rules the estimate was computed with, as recorded, and say so when the measure's have changed."""
        if not obj.rule_version:
            return _("提交时未记录")
        rows = format_html_join(
            "",
            "<li>{}（{}，版本 {}）：{} 元</li>",
            (
                (r.get("label") or r.get("kind"), r.get("kind"), r.get("version"), r.get("amount", "-"))
                for r in (obj.rule_snapshot or {}).get("rules", [])
            ),
        )
        current = obj.measure.ruleset.version if obj.measure.rule_kind else ""
        changed = (
            format_html(
                '<p class="errornote">{}</p>',
                _("该措施的计算规则此后已修改（现行版本 %(current)s）；本申请按提交时的规则测算。")
                % {"current": current},
            )
            if current and current != obj.rule_version
            else ""
        )
        return format_html("<p>{} {}</p><ul>{}</ul>{}", _("版本"), obj.rule_version, rows, changed)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path("export/", self.admin_site.admin_view(self.export_view), name="{}_{}_export".format(*info)),
            *self.review_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
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
            **self.review_context(request, application),
        }
        if request.method == "GET" and application is not None and not self._popup_or_to_field(request):
            return case_page.render(self, request, application, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _popup_or_to_field(request) -> bool:
        return IS_POPUP_VAR in request.GET or TO_FIELD_VAR in request.GET

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_search_results(self, request, queryset, search_term):
        """Search the reference, and the enterprises by name or credit code first: joining every case of the queue
        to its enterprise to match the name took seconds at a million cases."""
        condition = Q()
        for term in smart_split(search_term):
            if term[0] in "\"'":  # a quoted phrase; an unbalanced quote ("北京) is searched for without it
                term = unescape_string_literal(term) if len(term) > 1 and term[-1] == term[0] else term.strip("\"'")
            if not term:
                continue
            enterprises = Enterprise.objects.filter(Q(name__icontains=term) | Q(credit_code__icontains=term))
            condition &= Q(reference__icontains=term) | Q(enterprise__in=enterprises.values("pk"))
        return queryset.filter(condition), False

    def changelist_view(self, request, extra_context=None):
        # A page rendered since the district's last change is served as it is (applications/queue_cache.py).
        key = queue_cache.page_key(request)
        if (page := queue_cache.cached_page(key)) is not None:
            return page
        extra_context = {**(extra_context or {}), "can_export": self.may_export(request), **self.queue_context(request)}
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
                seen = request.POST.get(f"seen_{application.pk}", "")
                if not seen.isdigit():
                    self.message_user(
                        request,
                        _("%(reference)s：页面已过期，未办理，请重新选择后再办理。")
                        % {"reference": application.reference},
                        messages.ERROR,
                    )
                    continue
                self._apply(request, application, transition, form, seen_version=int(seen))
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": transition.label,
            "transition": transition,
            "form": form,
            # Each case as shown now: the page sends back the audit sequence it showed (seen_<pk>).
            "applications": queryset.only(*QueueChangeList.columns, "audit_sequence"),
            "action_name": f"do_{transition.action}",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "applications/admin/transition.html", context)

    def _apply(
        self, request, application: Application, transition: Transition, form: TransitionForm, seen_version: int
    ) -> TransitionError | None:
        """Apply the action to a case as its page showed it (seen_version); return the error, if any."""
        data = form.cleaned_data
        extra = {key: data[key] for key in ("due_on", "paid_on", "bank_reference") if data.get(key)}
        try:
            apply_transition(
                application_id=application.pk,
                action=transition.action,
                actor=request.user,
                comment=data.get("comment") or "",
                amount=data.get("amount"),
                seen_version=seen_version,
                **extra,
            )
        except TransitionError as error:
            detail = "；".join(error.problems)
            self.message_user(request, f"{application.reference}：{error.message}{detail}", messages.ERROR)
            return error
        self.message_user(
            request,
            _("%(reference)s：已%(action)s。") % {"reference": application.reference, "action": transition.done_label},
        )
        return None

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
        change_url = reverse("admin:applications_application_change", args=[application.pk])
        seen = request.GET.get("seen", "")
        if request.method == "GET" and seen.isdigit() and int(seen) != application.audit_sequence:
            self.message_user(
                request,
                _("您打开申请页面后，该申请已有新的办理记录，请先核对下面的当前情况再办理。"),
                messages.WARNING,
            )
        form = TransitionForm(request.POST or None, transition=transition, application=application)
        if request.method == "POST" and form.is_valid():
            error = self._apply(request, application, transition, form, seen_version=form.cleaned_data["seen"])
            if error is None or isinstance(error, Stale):
                return HttpResponseRedirect(change_url)
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
