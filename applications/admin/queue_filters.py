"""The queue's own filters (ApplicationAdmin.list_filter), each chosen so that listing its choices and applying it
cost the same however many cases the queue holds (bench/RESULTS.md)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import StaffRole
from measures.matching import library_version
from measures.models import Measure
from portal.kept import Kept

from ..workflow.permissions import may_approve_proposals
from ..workflow.safeguards import proposals_waiting_for


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已逾期"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


# The choices of the measure and district filters, kept in this process per library version (renewed by every
# change to the library), language and the reader's scope: reading and naming them was a tenth of a queue page.
kept = Kept()


def kept_choices(scope: tuple, build) -> list:
    return kept.get((library_version(), get_language(), *scope), build)


class ScopeMeasureFilter(admin.RelatedFieldListFilter):
    """The measures of the staff member's own district (a reviewer's: those the department leads), read from the
    measures: listing the measures that occur in the queue would scan every case of it on every page view."""

    def field_choices(self, field, request, model_admin):
        user = request.user
        scope = ("measure", user.is_superuser, user.work_district_id, user.role, user.department_id)
        return kept_choices(scope, lambda: self._choices(field, request, model_admin))

    def _choices(self, field, request, model_admin):
        user, measures = request.user, Measure.objects.all()
        if not user.is_superuser and user.work_district_id:
            measures = measures.filter(document__district_id=user.work_district_id)
        if not user.is_superuser and user.role == StaffRole.REVIEWER:
            measures = measures.filter(lead_departments=user.department_id)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": measures})


class ScopeDistrictFilter(admin.RelatedFieldListFilter):
    """The districts the person's queue can hold: staff of a district see only their own cases, so only it is
    offered, and a filter of one choice is not shown; city-level staff (a superuser, an auditor of every district)
    keep them all."""

    def field_choices(self, field, request, model_admin):
        user = request.user
        limit = {} if user.is_superuser or not user.work_district_id else {"pk": user.work_district_id}
        ordering = self.field_admin_ordering(field, request, model_admin)
        build = lambda: field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)  # noqa: E731
        return kept_choices(("district", tuple(limit.items())), build)


class SubmittedYearFilter(admin.SimpleListFilter):
    """The year of submission, from a fixed list: a date hierarchy would scan the whole queue for its years."""

    title = gettext_lazy("提交年度")
    parameter_name = "submitted_year"
    first_year = 2020  # the earliest policy documents of the library

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in range(timezone.localdate().year, self.first_year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        offered = {year for year, _label in self.lookups(request, None)}
        return queryset.filter(submitted_at__year=int(value)) if value in offered else queryset


class ApprovalFilter(admin.SimpleListFilter):
    """待我同意: for a department's head and a district administrator, the cases whose proposal above the engine's
    figure waits for their approval before 公示 (safeguards.proposals_waiting_for); offered to nobody else."""

    title = gettext_lazy("拟支持金额审批")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("me", _("待我同意"))] if may_approve_proposals(request.user) else []

    def queryset(self, request, queryset):
        if self.value() == "me":
            return proposals_waiting_for(request.user, queryset)
        return queryset
