"""The e-mails of a workflow event: written when the workflow announces a transition (workflow.signals)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from ..models import Event, Notice, NoticeKind
from ..workflow.signals import transition_applied
from .outbox import build_notice, write_notices
from .recipients import absolute_link, admin_link, enterprise_emails, staff_recipients


@receiver(transition_applied, dispatch_uid="notices.event_notices")
def on_transition_applied(sender, event: Event, **kwargs) -> None:
    event_notices(event)


def event_notices(event: Event) -> list[Notice]:
    """Write the e-mails about one workflow event, to the enterprise and to the staff whose queue it reaches."""
    application = event.application
    context = {
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
            **common,
        )
    ]
    if staff := staff_recipients(event):
        notices.append(build_notice("staff", context, staff, audience=Notice.Audience.STAFF, **common))
    return write_notices(notices)
