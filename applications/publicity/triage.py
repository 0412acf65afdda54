"""Examining an objection: a reviewer of the lead department (or the district's administrator) dismisses it with a
reason, and the case stays in 公示 and goes on; or upholds it, and the case goes back to review. Either way the
decision is an audit event of the case and the objector is told by e-mail.

When the last pending objection of a case whose 公示 period is already over is dismissed, 公示 ends at once with the
objections accounted for (workflow.objections); otherwise the deadline sweep ends it on time.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Application, Objection, ObjectionOutcome
from ..workflow import TransitionError, apply_transition
from ..workflow.objections import end_action
from . import events, notify
from .access import may_triage

logger = logging.getLogger(__name__)


def _resolve(objection_id: int, user: User, reason: str, outcome: str) -> tuple[Application, Objection]:
    """Lock the case, check the person and the objection, record the decision, its event and the objector's e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写核实意见。"))
    application_id = Objection.objects.values_list("application_id", flat=True).get(pk=objection_id)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("measure__document", "enterprise")
        .get(pk=application_id)
    )
    objection = Objection.objects.get(pk=objection_id)
    objection.application = application
    if not may_triage(user, application):
        raise PermissionDenied(_("您不能核实该异议（须为牵头部门审核人或区级管理员，且申请在公示中）。"))
    if not objection.is_pending:
        raise ValidationError(
            _("该异议已处理（%(outcome)s），无需重复处理。") % {"outcome": objection.get_outcome_display()}
        )
    objection.outcome = outcome
    objection.handling_note = reason
    objection.resolved_by = user
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["outcome", "handling_note", "resolved_by", "resolved_at"])
    action = events.DISMISSED if outcome == ObjectionOutcome.DISMISSED else events.UPHELD
    with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
        event = events.record(
            application, user, action, _("异议编号 %(id)s：%(reason)s") % {"id": objection.pk, "reason": reason}
        )
    notify.tell_objector(objection, event)
    return application, objection


def objection_dismiss(*, objection_id: int, user: User, reason: str, on: datetime.date | None = None) -> Objection:
    """Record that an objection is unfounded; the case stays in 公示 (and ends it if its period is over)."""
    today = on or timezone.localdate()
    with transaction.atomic():
        application, objection = _resolve(objection_id, user, reason, ObjectionOutcome.DISMISSED)
        period_over = application.publicity_ends_on is not None and application.publicity_ends_on < today
        if period_over and not Objection.objects.of_current_publicity(application).pending().exists():
            try:
                with transaction.atomic():
                    apply_transition(
                        application_id=application.pk, action=end_action(application), actor=None, on=today
                    )
            except TransitionError as error:  # e.g. a ban: the sweep and the administrators see to it
                logger.info("公示 of application %s not ended after triage: %s", application.pk, error.message)
    return objection


def objection_uphold(*, objection_id: int, user: User, reason: str) -> Objection:
    """Record that an objection is founded and send the case back to review."""
    with transaction.atomic():
        application, objection = _resolve(objection_id, user, reason, ObjectionOutcome.UPHELD)
        # What the applicant reads: the decision, never the objection or its objector.
        comment = _("公示期间收到的异议经主管部门核实成立，申请退回重新审核。")
        apply_transition(application_id=application.pk, action="object", actor=None, comment=comment)
    return objection
