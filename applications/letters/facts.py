"""What a decision letter states: the facts of the decision's event and its case, as they stood at that event.

Everything is read from the event and what cannot change after it (the case's frozen name and code, the earlier
events of the chain, the payments in the order they were recorded), so that the letter of an event is the same
document whenever it is made. The facts are plain strings, kept as JSON on the decision's e-mail.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Application, Event, FraudFinding, Notice


class LetterKind(TextChoices):
    APPROVAL = "approval", _("批准决定书")
    PAYMENT = "payment", _("拨付通知")
    REJECTION = "rejection", _("不予支持决定书")
    REVOCATION = "revocation", _("撤销决定书")


# The events a letter is written for.
LETTER_ACTIONS = {
    "finance_approve": LetterKind.APPROVAL,
    "record_payment": LetterKind.PAYMENT,
    "reject": LetterKind.REJECTION,
    "revoke": LetterKind.REVOCATION,
}
FACTS_VERSION = 1


def letter_events(application: Application) -> QuerySet[Event]:
    """Return the case's events that have a letter, in the order they happened."""
    return application.events.filter(action__in=list(LETTER_ACTIONS)).order_by("sequence")


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{Decimal(value):.2f}"


def department_name(department, district) -> str:
    """Return a department's name as a letter signs it: its full name, or the district's name before a 区… name."""
    if department.full_name:
        return department.full_name
    name = department.name
    return district.name + name[1:] if name.startswith("区") else name


def _issuer(event: Event, application: Application) -> str:
    """Return who decides: finance for a payment (the officer's department), the lead departments otherwise, and
    where the document names none, its issuer."""
    district = application.district
    actor = event.actor
    if event.action == "record_payment" and actor is not None and actor.department_id:
        return department_name(actor.department, district)
    leads = application.measure.lead_departments.order_by("pk")
    names = [department_name(d, district) for d in leads]
    return "、".join(names) or application.measure.document.issuer or district.name


def _earlier_payments(event: Event, *, including: bool) -> list[Event]:
    events = event.application.events.filter(action="record_payment").order_by("sequence")
    limit = {"sequence__lte": event.sequence} if including else {"sequence__lt": event.sequence}
    return list(events.filter(**limit))


def _payment_facts(event: Event, application: Application) -> dict[str, str]:
    paid = _earlier_payments(event, including=True)
    paid_total = sum((e.amount or Decimal(0) for e in paid), Decimal(0))
    # The n-th payment event recorded the n-th payment row (a payment is only ever recorded by that event).
    payment = application.payments.order_by("pk")[len(paid) - 1 : len(paid)].first()
    approved = application.approved_amount
    return {
        "approved": _amount(approved),
        "paid_total": _amount(paid_total),
        "outstanding": _amount(None if approved is None else approved - paid_total),
        "paid_on": payment.paid_on.isoformat() if payment else "",
        "bank_reference": payment.bank_reference if payment else "",
    }


def _revocation_facts(event: Event, application: Application) -> dict[str, str]:
    paid = _earlier_payments(event, including=False)
    finding = FraudFinding.objects.filter(application=application).first()
    facts = {"recovery": _amount(sum((e.amount or Decimal(0) for e in paid), Decimal(0))), "reason": event.comment}
    if finding is not None:
        facts |= {
            "decision_number": finding.decision_number,
            "decision_date": finding.decision_date.isoformat(),
            "clause_quote": finding.clause_quote,
            "recovery_due_on": finding.recovery_due_on.isoformat(),
        }
    return facts


def letter_facts(event: Event) -> dict[str, str]:
    """Return what the letter of a decision's event states."""
    kind = LETTER_ACTIONS[event.action]
    application = (
        Application.objects.select_related("measure__document", "district", "enterprise")
        .filter(pk=event.application_id)
        .get()
    )
    measure = application.measure
    facts = {
        "version": str(FACTS_VERSION),
        "kind": str(kind),
        "reference": application.reference,
        "number": f"{application.reference}-{event.sequence:02d}",
        "enterprise": application.enterprise_name or application.enterprise.name,
        "credit_code": application.enterprise_credit_code or application.enterprise.credit_code,
        "measure": measure.title,
        "citation": measure.citation,
        "document": measure.document.title,
        "district": application.district.name,
        "issuer": _issuer(event, application),
        "date": timezone.localdate(event.created_at).isoformat(),
        "submitted_on": timezone.localdate(application.submitted_at).isoformat() if application.submitted_at else "",
    }
    if kind == LetterKind.APPROVAL:
        facts["amount"] = _amount(event.amount)
    elif kind == LetterKind.PAYMENT:
        facts["amount"] = _amount(event.amount)
        facts |= _payment_facts(event, application)
    elif kind == LetterKind.REJECTION:
        facts["amount"] = _amount(application.estimate_amount)
        facts["reason"] = event.comment
    else:
        facts["amount"] = _amount(application.approved_amount or application.proposed_amount)
        facts |= _revocation_facts(event, application)
    return facts


def frozen_or_fresh_facts(event: Event) -> dict[str, str]:
    """Return the facts frozen on the event's e-mail when it was written, or, for an event mailed without them
    (before letters existed), the facts read now."""
    frozen = Notice.objects.filter(event=event, attachment=Notice.Attachment.LETTER).values_list(
        "attachment_facts", flat=True
    )
    return next((facts for facts in frozen if facts), None) or letter_facts(event)
