"""The e-mails of a workflow event: written when the workflow announces a transition (workflow.signals)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from ..letters import LETTER_ACTIONS, letter_facts
from ..letters.render import letter_title
from ..models import Event, Notice, NoticeKind
from ..workflow.signals import transition_applied
from .outbox import build_notice, write_notices
from .recipients import (
    absolute_link,
    admin_link,
    approval_queue_link,
    approvers_of,
    enterprise_emails,
    staff_recipients,
)


@receiver(transition_applied, dispatch_uid="notices.event_notices")
def on_transition_applied(sender, event: Event, **kwargs) -> None:
    event_notices(event)


def event_notices(event: Event) -> list[Notice]:
    """Write the e-mails about one workflow event, to the enterprise and to the staff whose queue it reaches (and,
    for a proposal above the engine's figure, to the heads who must approve it).

    The enterprise's e-mail of a decision carries its letter (批准决定书, 拨付通知, …), printed at sending from the
    facts frozen here."""
    application = event.application
    letter = letter_facts(event) if event.action in LETTER_ACTIONS else {}
    context = {
        "letter": letter_title(letter) if letter else "",
        "event": event,
        "application": application,
        "link": absolute_link(application.get_absolute_url()),
        "admin_link": admin_link(application),
    }
    common = {
        "kind": NoticeKind.EVENT,
        "application": application,
        "event": event,
        "due_on": timezone.localdate(event.created_at),
    }
    notices = [
        build_notice(
            "enterprise",
            context,
            enterprise_emails(application.enterprise),
            audience=Notice.Audience.ENTERPRISE,
            enterprise=application.enterprise,
            attachment=Notice.Attachment.LETTER if letter else "",
            attachment_facts=letter,
            **common,
        )
    ]
    if staff := staff_recipients(event):
        notices.append(build_notice("staff", context, staff, audience=Notice.Audience.STAFF, **common))
    if event.action == "final_review_pass" and application.proposal_needs_approval:
        notices.append(proposal_notice(event, context))
    return write_notices(notices)


def proposal_notice(event: Event, context: dict) -> Notice:
    """Return the e-mail to the people who may approve a proposal above the engine's figure (safeguards): without
    their approval the case cannot enter 公示."""
    application = event.application
    proposer = event.actor
    context = {
        **context,
        "proposer": (proposer.get_full_name() or proposer.username) if proposer else "",
        "approval_queue_link": approval_queue_link(),
    }
    return build_notice(
        "proposal_approval",
        context,
        approvers_of(application, proposer),
        kind=NoticeKind.PROPOSAL_APPROVAL,
        audience=Notice.Audience.HEAD,
        application=application,
        event=event,
        due_on=timezone.localdate(event.created_at),
    )
