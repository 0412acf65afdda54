"""The reviewers' triage of 公示 objections: the list (pending first), each objection's page with its objector and
evidence, and the decision to dismiss it (the case goes on) or uphold it (back to review).

Only staff who see the case (permissions.applications_visible_to) see an objection, its objector included; only the
lead department's reviewers and the district's administrators decide (publicity.access). Nothing here is shown to
the applicant or the public.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Value, When
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..models import Objection, ObjectionOutcome
from ..publicity.access import may_triage
from ..publicity.triage import objection_dismiss, objection_uphold
from ..workflow.permissions import is_workflow_staff
from .base import RestrictedAdmin
from .case_review import person_display


def _case_link(objection: Objection):
    url = reverse("admin:applications_application_change", args=[objection.application_id])
    return format_html('<a href="{}">{}</a>', url, objection.application.reference)


def _evidence_link(objection: Objection):
    if not objection.attachment:
        return "-"
    url = reverse("admin:applications_objection_evidence", args=[objection.pk])
    return format_html('<a href="{}">{}</a>', url, objection.attachment_name or _("证据材料"))


class ObjectionInline(admin.TabularInline):
    """The objections on the case page, each with a link to its page (where it is examined)."""

    model = Objection
    fields = ["created_at", "name", "contact", "text", "evidence", "outcome", "examine"]
    readonly_fields = fields
    ordering = ["-created_at"]
    extra = 0
    can_delete = False

    # Staff hold no model permissions (their role decides), so an inline would otherwise be hidden from them.
    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("证据材料"))
    def evidence(self, obj):
        return _evidence_link(obj)

    @admin.display(description=gettext_lazy("核实"))
    def examine(self, obj):
        url = reverse("admin:applications_objection_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("核实处理") if obj.is_pending else _("查看"))


@admin.register(Objection)
class ObjectionAdmin(RestrictedAdmin):
    list_display = ["created_at", "case", "enterprise", "outcome", "resolved_by_name", "resolved_at"]
    list_filter = ["outcome"]
    search_fields = ["application__reference", "name", "contact", "email", "text"]
    list_select_related = ["application", "resolved_by"]
    fields = [
        "case",
        "enterprise",
        "created_at",
        "name",
        "contact",
        "email",
        "text",
        "evidence",
        "outcome",
        "handling_note",
        "resolved_by_name",
        "resolved_at",
    ]
    readonly_fields = fields
    change_form_template = "applications/admin/objection_change_form.html"
    resolved_by_name = person_display("resolved_by", gettext_lazy("核实人"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application")

    def get_ordering(self, request):
        # Pending ones first: they are the reviewers' tasks.
        pending_first = Case(When(outcome=ObjectionOutcome.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "-created_at"]

    @admin.display(description=gettext_lazy("申请"), ordering="application")
    def case(self, obj):
        return _case_link(obj)

    @admin.display(description=gettext_lazy("申请企业"))
    def enterprise(self, obj):
        return obj.application.enterprise_name or "-"

    @admin.display(description=gettext_lazy("证据材料"))
    def evidence(self, obj):
        return _evidence_link(obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/triage/",
                self.admin_site.admin_view(require_POST(self.triage_view)),
                name="{}_{}_triage".format(*info),
            ),
            path(
                "<int:object_id>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="{}_{}_evidence".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        objection = self.get_queryset(request).filter(pk=object_id).select_related("application__measure").first()
        extra_context = {
            **(extra_context or {}),
            "may_triage": bool(objection and objection.is_pending and may_triage(request.user, objection.application)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def triage_view(self, request, object_id: int):
        objection = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:applications_objection_change", args=[objection.pk]))
        decision, reason = request.POST.get("decision"), request.POST.get("reason", "")
        decide = {"dismiss": objection_dismiss, "uphold": objection_uphold}.get(decision)
        if decide is None:
            self.message_user(request, _("请选择核实结果。"), messages.ERROR)
            return back
        try:
            decide(objection_id=objection.pk, user=request.user, reason=reason)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
            return back
        if decision == "dismiss":
            done = _("异议已核实不成立，异议人将收到邮件通知；申请继续公示，公示期满后报财政审批。")
        else:
            done = _("异议已核实成立，申请已退回审核，异议人将收到邮件通知。")
        self.message_user(request, f"{objection.application.reference}：{done}", messages.SUCCESS)
        return back

    def evidence_view(self, request, object_id: int):
        objection = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not objection.attachment:
            raise Http404
        response = FileResponse(
            objection.attachment.open("rb"),
            as_attachment=True,
            filename=f"{objection.attachment_name.rsplit('.', 1)[0] or 'evidence'}.{objection.attachment_extension}",
            content_type=objection.attachment_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
