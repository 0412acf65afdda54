"""Fraud findings and recoveries in the admin: a district administrator records a finding, finance records
repayments; Celery carries the finding out (sanctions.tasks). Bans have their own page (admin/bans.py)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import StaffRole
from portal.formatting import format_money

from ..forms import FraudFindingForm, RepaymentForm
from ..models import (
    Application,
    FraudFinding,
    Recovery,
    Repayment,
)
from ..sanctions.findings import district_sanction_clause, finding_consequences, repayment_record
from ..sanctions.tasks import process_fraud_finding
from ..workflow.permissions import is_workflow_staff
from .base import ReadOnlyAdmin, money_display


class SanctionAdmin(ReadOnlyAdmin):
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

    def add_view(self, request, form_url="", extra_context=None):
        """Show what the finding will do (revocation, recovery, ban) and save it only once that is confirmed."""
        if request.method == "POST" and "_edit" in request.POST:
            fields = self.get_form(request).base_fields
            kept = {name: request.POST[name] for name in fields if request.POST.get(name)}
            return HttpResponseRedirect(f"{request.path}?{urlencode(kept)}")
        if request.method == "POST" and "_confirmed" not in request.POST:
            form = self.get_form(request)(request.POST, request.FILES)
            if form.is_valid():
                return self._confirmation(request, form)
        return super().add_view(request, form_url, extra_context)

    def _confirmation(self, request, form):
        finding = form.save(commit=False)
        consequences = finding_consequences(finding.application, finding.decision_date, finding.recovery_due_on)
        posted = [(name, value) for name, value in request.POST.items() if name != "csrfmiddlewaretoken"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("确认登记弄虚作假查处记录"),
            "finding": finding,
            "application": finding.application,
            "plan": consequences,
            "posted": posted,
        }
        return TemplateResponse(request, "applications/admin/fraud_finding_confirm.html", context)

    def get_changeform_initial_data(self, request):

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
        logging.getLogger(__name__).warning("Could not queue fraud finding %s; the next sweep will do it", finding_id)


class RepaymentInline(admin.TabularInline):
    model = Repayment
    fields = ["paid_on", "amount_shown", "bank_reference", "recorded_by", "recorded_at"]
    readonly_fields = fields
    amount_shown = money_display("amount", gettext_lazy("退回金额"))
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

    list_display = ["application", "enterprise", "amount_due_shown", "repaid", "due_on", "state", "overdue"]
    amount_due_shown = money_display("amount_due", gettext_lazy("应收缴金额"))
    list_filter = ["state", "district"]
    search_fields = ["application__reference", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["application", "enterprise"]
    inlines = [RepaymentInline]
    change_form_template = "applications/admin/recovery_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Recovery._meta.fields]

    @admin.display(description=gettext_lazy("已退回"))
    def repaid(self, obj):
        return format_money(obj.repaid_total())

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
