"""The audit events of objections: the staff's own trail of each one, and the one line the applicant sees."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User

from ..models import Application, Event
from ..workflow.transitions import as_written

RECEIVED = "objection_received"
EXAMINING = "objection_examining"
DISMISSED = "objection_dismissed"
UPHELD = "objection_upheld"
CLOSED = "objection_closed"
LABELS = {
    RECEIVED: _("收到公示异议"),
    EXAMINING: _("公示期间收到异议，主管部门正在核实"),
    DISMISSED: _("公示异议经核实不成立"),
    UPHELD: _("公示异议经核实成立"),
    CLOSED: _("公示异议随申请结案"),
}
# Each label's name in a case history (history_name reads the context "timeline", else the plain translation).
HISTORY_NAMES = (
    pgettext_lazy("timeline", "收到公示异议"),
    pgettext_lazy("timeline", "公示期间收到异议，主管部门正在核实"),
    pgettext_lazy("timeline", "公示异议经核实不成立"),
    pgettext_lazy("timeline", "公示异议经核实成立"),
    pgettext_lazy("timeline", "公示异议随申请结案"),
)
# Kept in the audit trail for staff, never shown to the applicant: they concern one objection and its objector.
INTERNAL_ACTIONS = frozenset({RECEIVED, DISMISSED, UPHELD, CLOSED})


def record(application: Application, actor: User | None, action: str, comment: str = "") -> Event:
    """Append one event to the case's audit trail, in the state the case is in (the caller holds its row lock)."""
    return Event.objects.create(
        application=application,
        actor=actor,
        action=action,
        action_label=as_written(LABELS[action]),
        from_status=application.status,
        to_status=application.status,
        comment=as_written(comment),
    )
