"""The audit events a review records: the case's own hash-chained trail, in the state the case is in."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User

from ..models import Application, Event
from ..workflow.transitions import as_written

CHECK_MATERIAL = "check_material"
REVIEW_CRITERIA = "review_criteria"
ASSIGN = "assign"
LABELS = {
    CHECK_MATERIAL: _("核验申报材料"),
    REVIEW_CRITERIA: _("填写审核要点"),
    ASSIGN: _("分派经办人"),
}
# Each label's name in a case history (history_name reads the context "timeline", else the plain translation).
HISTORY_NAMES = (
    pgettext_lazy("timeline", "核验申报材料"),
    pgettext_lazy("timeline", "填写审核要点"),
    pgettext_lazy("timeline", "分派经办人"),
)
# Events of the reviewers' own work: kept in the audit trail, not shown in the enterprise's timeline.
INTERNAL_ACTIONS = frozenset(LABELS)


def record(application: Application, actor: User, action: str, comment: str | Promise) -> Event:
    """Append one event to the case's audit trail (the caller holds the case's row lock)."""
    return Event.objects.create(
        application=application,
        actor=actor,
        action=action,
        action_label=as_written(LABELS[action]),
        from_status=application.status,
        to_status=application.status,
        comment=as_written(comment),
    )
