"""The review side of the staff's case page: the applicant panel, the materials checklist, the review criteria, the
assignment to a named reviewer, and a read-only page of the enterprise for those who see the case.

ApplicationAdmin (cases.py) mixes this in. Every page here starts from the cases the person may see
(`get_queryset`, i.e. permissions.applications_visible_to): any other case is a 404. What may be recorded is
decided by applications.review.access; a refusal is a message on the case page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.services import profile_snapshot

from ..integrity.links import linked_enterprises
from ..models import Application, MaterialCheck
from ..review import applicant, assignment, criteria, materials
from ..review.access import may_assign, may_review
from ..workflow.permissions import may_approve_proposals
from ..workflow.safeguards import proposals_waiting_for
from .pagination import CappedPaginator, capped_count


class AssignedFilter(admin.SimpleListFilter):
    """待我处理: the open cases assigned to the reader; 未分派: those no reviewer was named for."""

    title = gettext_lazy("经办人")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("待我处理")), ("none", _("未分派"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.open().filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


SYSTEM = gettext_lazy("系统")


def person_display(field: str, description, nobody=SYSTEM):
    """Return a read-only field showing a person by name (`nobody` when there is none): a link to the user's admin
    page would answer 403 to staff."""

    def show(self, obj):
        return assignment.display_name(getattr(obj, field)) if getattr(obj, f"{field}_id") else nobody

    return admin.display(description=description)(show)


VERDICT_CHOICES = [("", "—"), *MaterialCheck.Verdict.choices]
MET_CHOICES = [("", gettext_lazy("待核实")), ("yes", gettext_lazy("符合")), ("no", gettext_lazy("不符合"))]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("经办人"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = assignment.assignable_reviewers(application)
        field.empty_label = _("（不指定，由部门审核人共同办理）")
        field.label_from_instance = assignment.display_name
        field.initial = application.assigned_to_id


def _row_answers(post, rows) -> dict[str, tuple[bool | None, str]]:
    met = {"yes": True, "no": False}
    return {
        row.criterion.key: (
            met.get(post.get(f"met_{row.criterion.key}", "")),
            post.get(f"note_{row.criterion.key}", ""),
        )
        for row in rows
    }


class CaseReviewMixin:
    """What ApplicationAdmin adds to the case page and the queue for the review."""

    @admin.display(description=gettext_lazy("申请企业"))
    def enterprise_link(self, obj):
        url = reverse("admin:applications_application_enterprise", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.enterprise.name)

    @admin.display(description=gettext_lazy("行政区"))
    def district_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.district.get_absolute_url(), obj.district.local_name)

    created_by_name = person_display("created_by", gettext_lazy("创建人"))
    assigned_to_name = person_display("assigned_to", gettext_lazy("经办人"), nobody=gettext_lazy("未分派"))

    def review_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            ("enterprise", self.enterprise_view),
            ("materials", require_POST(self.materials_view)),
            ("criteria", require_POST(self.criteria_view)),
            ("assign", require_POST(self.assign_view)),
        ]
        return [
            path(f"<int:object_id>/{name}/", self.admin_site.admin_view(view), name="{}_{}_".format(*info) + name)
            for name, view in views
        ]

    def review_context(self, request, application: Application | None) -> dict:
        """Return what the case page shows of the applicant and the review, for the person reading it."""
        if application is None:
            return {}
        rows, other_files = materials.checklist(application)
        reviewing = may_review(request.user, application)
        assigning = may_assign(request.user, application)
        panel = applicant.applicant_panel(application, request.user)
        return {
            "panel": panel,
            "checklist": rows,
            "other_files": other_files,
            "criteria_rows": criteria.review_rows(application, panel.measure),
            "may_review": reviewing,
            "verdict_choices": VERDICT_CHOICES,
            "met_choices": MET_CHOICES,
            "assign_form": AssignForm(application=application) if assigning else None,
            "assignee_name": assignment.display_name(application.assigned_to),
            "linked": linked_enterprises(application, request.user),
        }

    def queue_context(self, request) -> dict:
        """For the queue's heading: a reviewer's count of open cases assigned to them, and a head's or district
        administrator's count of proposals waiting for their approval (one capped query each)."""
        user, context = request.user, {}
        if user.role == StaffRole.REVIEWER:
            count, more = assignment.assigned_count(user, self.get_queryset(request), CappedPaginator.cap)
            context.update(show_assigned=True, assigned_count=count, assigned_more=more)
        if may_approve_proposals(user):
            waiting = proposals_waiting_for(user, self.get_queryset(request))
            count, more = capped_count(waiting, CappedPaginator.cap)
            context.update(show_approval=True, approval_count=count, approval_more=more)
        return context

    def _case(self, request, object_id: int) -> Application:
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _back(self, application: Application) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:applications_application_change", args=[application.pk]))

    def _refused(self, request, error: Exception) -> None:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        self.message_user(request, text, messages.ERROR)

    def enterprise_view(self, request, object_id: int):
        """The applicant as it stands now, read-only, for whoever sees the case (the enterprise's own admin page is
        for the platform's superuser)."""
        application = self._case(request, object_id)
        enterprise = application.enterprise
        snapshot = profile_snapshot(enterprise)
        rows = applicant.profile_rows(application, snapshot, snapshot)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("申请企业：%(name)s") % {"name": enterprise.name},
            "application": application,
            "enterprise": enterprise,
            "rows": rows,
            "sme": enterprise.sme_classification(),
            "versions": [
                (version, [applicant.field_label(name) for name in version.changed_fields])
                for version in enterprise.profile_versions.select_related("created_by").order_by("-number")[:20]
            ],
        }
        return TemplateResponse(request, "applications/admin/case_enterprise.html", context)

    def materials_view(self, request, object_id: int):
        application = self._case(request, object_id)
        rows, _others = materials.checklist(application)
        saved = 0
        try:
            for row in rows:
                verdict = request.POST.get(f"verdict_{row.material.key}", "")
                if not verdict:
                    continue
                note = request.POST.get(f"note_{row.material.key}", "")
                if materials.material_mark(
                    application=application,
                    user=request.user,
                    material_key=row.material.key,
                    verdict=verdict,
                    note=note,
                ):
                    saved += 1
        except (ValidationError, PermissionDenied) as error:
            self._refused(request, error)
        if saved:
            self.message_user(request, _("已保存 %(n)s 项材料核验结果。") % {"n": saved}, messages.SUCCESS)
        return self._back(application)

    def criteria_view(self, request, object_id: int):
        application = self._case(request, object_id)
        answers = _row_answers(request.POST, criteria.review_rows(application))
        try:
            changed = criteria.criteria_record(application=application, user=request.user, answers=answers)
        except (ValidationError, PermissionDenied) as error:
            self._refused(request, error)
        else:
            if changed:
                self.message_user(request, _("审核要点已保存。"), messages.SUCCESS)
        return self._back(application)

    def assign_view(self, request, object_id: int):
        application = self._case(request, object_id)
        form = AssignForm(request.POST, application=application)
        if not form.is_valid():
            self.message_user(request, _("只能分派给本措施牵头部门的审核人。"), messages.ERROR)
            return self._back(application)
        assignee = form.cleaned_data["assignee"]
        try:
            changed = assignment.application_assign(application=application, user=request.user, assignee=assignee)
        except (ValidationError, PermissionDenied) as error:
            self._refused(request, error)
        else:
            if changed:
                self.message_user(
                    request,
                    _("%(reference)s 的经办人：%(name)s。")
                    % {"reference": application.reference, "name": assignment.display_name(assignee)},
                    messages.SUCCESS,
                )
        return self._back(application)
