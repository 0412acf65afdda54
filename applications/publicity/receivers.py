"""A case that leaves 公示 with objections still pending (another was upheld, the enterprise withdrew, the award was
revoked) closes them with it: each gets its audit event and its objector an e-mail saying what happened."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Event, Objection, ObjectionOutcome, Status
from ..workflow.signals import transition_applied
from . import events, notify


def closing_note(event: Event) -> str:
    """Return what an objector is told when the case left 公示 before their objection was examined."""
    if event.action == "object":
        return _("该申请已因其他异议经核实成立退回主管部门重新审核，您反映的情况将在重新审核中一并核查。")
    if event.action == "withdraw":
        return _("申请企业已撤回该申请，公示终止。")
    if event.action == "revoke":
        return _("该申请已被撤销，公示终止。")
    return _("该申请已结束公示（%(action)s），您的异议随之结案。") % {"action": event.action_label}


@receiver(transition_applied, dispatch_uid="publicity.close_pending_objections")
def on_transition_applied(sender, event: Event, **kwargs) -> None:
    if event.from_status != Status.PUBLICITY or event.to_status == Status.PUBLICITY:
        return
    close_pending(event)


def close_pending(event: Event) -> list[Objection]:
    """Close the case's pending objections after the transition `event` took it out of 公示 (row lock held)."""
    application = event.application
    pending = list(Objection.objects.filter(application=application).pending().order_by("pk"))
    note = closing_note(event)
    for objection in pending:
        objection.application = application
        objection.outcome = ObjectionOutcome.CLOSED
        objection.handling_note = note
        objection.resolved_at = timezone.now()
        objection.save(update_fields=["outcome", "handling_note", "resolved_at"])
        with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
            closed = events.record(
                application, None, events.CLOSED, _("异议编号 %(id)s：%(note)s") % {"id": objection.pk, "note": note}
            )
        notify.tell_objector(objection, closed)
    return pending
