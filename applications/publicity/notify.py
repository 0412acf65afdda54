"""The e-mails of objections, written as Notice rows in the transaction of what they report (notices.outbox).

The reviewers are told an objection awaits them (without the objector's details: those are on the admin page); the
objector is told the outcome; the applicant hears only that an objection is being examined (the standard e-mail of
the EXAMINING event, notices.receivers.event_notices).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from ..models import Event, Notice, NoticeKind, Objection
from ..notices.outbox import build_notice, write_notices
from ..notices.receivers import event_notices
from ..notices.recipients import absolute_link, admins_of, emails, reviewers_of


def objection_link(objection: Objection) -> str:
    return absolute_link(reverse("admin:applications_objection_change", args=[objection.pk]))


def tell_reviewers(objection: Objection, event: Event, pending: int) -> list[Notice]:
    """Tell the lead department's reviewers (or, where none has an address, the district's administrators)."""
    application = objection.application
    to = emails(reviewers_of(application)) or emails(admins_of(application.district_id))
    context = {
        "application": application,
        "objection": objection,
        "pending": pending,
        "link": objection_link(objection),
    }
    notice = build_notice(
        "objection_staff",
        context,
        to,
        kind=NoticeKind.EVENT,
        audience=Notice.Audience.STAFF,
        application=application,
        event=event,
        due_on=timezone.localdate(event.created_at),
    )
    return write_notices([notice])


def tell_applicant(event: Event) -> list[Notice]:
    """Tell the applicant that an objection is being examined: the event's own e-mail, nothing of the objector."""
    return event_notices(event)


def tell_objector(objection: Objection, event: Event) -> list[Notice]:
    """Tell the objector what became of the objection (no address on record: kept as unsent, NO_RECIPIENT)."""
    application = objection.application
    context = {"application": application, "objection": objection}
    notice = build_notice(
        "objection_outcome",
        context,
        [objection.email] if objection.email else [],
        kind=NoticeKind.OBJECTION,
        audience=Notice.Audience.USER,
        application=application,
        event=event,
        due_on=timezone.localdate(event.created_at),
    )
    return write_notices([notice])
