"""The staff home: `/admin/` opens, for staff of the workflow, on their work (dashboard.figures) above the admin's
own list of models; for everyone else it is the admin's index as before."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import StaffRole
from measures.workdays import WorkingCalendar

from ..dashboard.figures import WAITING_FOR_STAFF, limit_cutoff, staff_home
from ..workflow.permissions import applications_visible_to, is_workflow_staff, may_approve_proposals
from ..workflow.safeguards import proposals_waiting_for
from .pagination import CappedPaginator, capped_count

QUEUE = "admin:applications_application_changelist"


def _rating_rows(chart: dict) -> list[dict]:
    """The ratings chart's figures as the rows of its table (what a screen reader, or a reader without scripts, sees)."""
    bands = ("good", "neutral", "bad", "open")
    return [
        {"label": label, **{band: chart[band][i] for band in bands}} for i, label in enumerate(chart.get("labels", []))
    ]


def _home_context(request) -> dict:
    user = request.user
    home = staff_home(user)
    queue = reverse(QUEUE)
    stages = [{**stage, "link": f"{queue}?status__exact={stage['status']}"} for stage in home.stages]
    assigned = None
    if user.role == StaffRole.REVIEWER:
        # Not cached: it is the reader's own, and changes with every assignment.
        assigned = applications_visible_to(user).open().filter(assigned_to=user).count()
    approval = approval_more = None
    if may_approve_proposals(user):
        # The reader's own too (their own proposals are not theirs to approve); counted up to the queue's cap.
        waiting = proposals_waiting_for(user, applications_visible_to(user))
        approval, approval_more = capped_count(waiting, CappedPaginator.cap)
    return {
        "staff_home": home,
        "home_stages": stages,
        "home_assigned": assigned,
        "home_approval": approval,
        "home_approval_more": approval_more,
        "home_links": {
            "queue": queue,
            "assigned": f"{queue}?assigned=me",
            "approval": f"{queue}?approval=me",
            "overdue": f"{queue}?overdue=yes",
            "waiting": f"{queue}?waiting=over",
            "objections": reverse("admin:applications_objection_changelist") + "?outcome__exact=pending",
        },
        "home_limit": settings.REVIEW_LIMIT_WORKING_DAYS,
        "home_ratings": _rating_rows(home.by_rating),
        # What static/js/staff-home.js draws, with its words in the reader's language (json_script: no inline code).
        "home_charts": {
            **home.charts(),
            "words": {
                "proposed": _("拟支持"),
                "approved": _("批准"),
                "paid": _("拨付"),
                "cases": _("件数"),
                "days": _("工作日"),
                "good": _("好评"),
                "neutral": _("中评"),
                "bad": _("差评"),
                "open": _("差评待答复"),
            },
        },
    }


def index(request, extra_context=None):
    """The admin's index, with the person's figures on top when they work cases."""
    context = dict(extra_context or {})
    if is_workflow_staff(request.user):
        context.update(_home_context(request))
    response = admin.site.index(request, extra_context=context)
    response.template_name = "applications/admin/staff_home.html"
    return response


class WaitingFilter(admin.SimpleListFilter):
    """超过办理时限: the cases waiting for staff longer than REVIEW_LIMIT_WORKING_DAYS working days (the staff home's
    count), read through the (status, status_changed_at) index."""

    title = gettext_lazy("办理时限")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("over", _("超过办理时限"))]

    def queryset(self, request, queryset):
        if self.value() != "over":
            return queryset
        cutoff = limit_cutoff(timezone.localdate(), WorkingCalendar())
        return queryset.filter(status__in=WAITING_FOR_STAFF, status_changed_at__lt=cutoff)
