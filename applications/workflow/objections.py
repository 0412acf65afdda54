"""What the transition table needs to know of 公示 objections: a case stays in 公示 while one is pending, and the end
of 公示 says how those lodged were resolved instead of "无异议".

Lodging and triage themselves (who may, the audit events, the e-mails) are applications.publicity's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Application, Objection, ObjectionOutcome
from .errors import Invalid


def _counts(application: Application) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in Objection.objects.of_current_publicity(application).values_list("outcome", flat=True):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def received_none(application: Application) -> bool:
    """Return whether no objection was lodged in the case's present 公示 (offered_when of "end_publicity")."""
    return not Objection.objects.of_current_publicity(application).exists()


def all_dismissed(application: Application) -> bool:
    """Return whether objections were lodged in this 公示 and every one was dismissed."""
    counts = _counts(application)
    return bool(counts) and set(counts) == {ObjectionOutcome.DISMISSED}


def refuse_if_pending(application: Application) -> None:
    pending = Objection.objects.of_current_publicity(application).pending().count()
    if pending:
        raise Invalid(_("公示期间收到的异议尚有 %(n)s 件待核实，核实完毕前公示不能结束。") % {"n": pending})


def end_without_objection(application: Application) -> None:
    """Refuse to end 公示 as "无异议" when an objection was lodged in it."""
    refuse_if_pending(application)
    if not received_none(application):
        raise Invalid(_("公示期间收到过异议，须按异议核实结果结束公示。"))


def end_after_dismissed_objections(application: Application) -> str:
    """Check that the objections of this 公示 were all dismissed; return what the event records of them."""
    refuse_if_pending(application)
    counts = _counts(application)
    if not counts:
        raise Invalid(_("公示期间未收到异议。"))
    if set(counts) != {ObjectionOutcome.DISMISSED}:
        raise Invalid(_("公示期间收到的异议并非均经核实不成立，不能结束公示。"))
    return _("公示期内收到异议 %(n)s 件，经主管部门核实均不成立。") % {"n": counts[ObjectionOutcome.DISMISSED]}


def end_action(application: Application) -> str:
    """Return the action that ends the case's 公示: with or without objections to account for."""
    return "end_publicity" if received_none(application) else "end_publicity_after_objections"
