"""E-mails about a case: to the enterprise's users at every change, and to the staff whose queue it reaches."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffRole, User

from .models import Event

logger = logging.getLogger(__name__)

# Actions after which the case waits in the lead departments' reviewers' queue, or in the district finance's.
REVIEWER_ARRIVALS = {"submit", "resubmit", "object", "finance_send_back"}
FINANCE_ARRIVALS = {"end_publicity"}


def _link(path: str) -> str:
    # No request here: the portal's public address, when configured, makes the link absolute.
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + path


def enterprise_recipients(event: Event) -> list[str]:
    enterprise = event.application.enterprise
    emails = list(enterprise.users.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    return sorted(set(emails)) or ([enterprise.email] if enterprise.email else [])


def staff_recipients(event: Event) -> list[str]:
    application = event.application
    in_district = Q(staff_district_id=application.district_id) | Q(
        staff_district__isnull=True, department__district_id=application.district_id
    )
    staff = User.objects.filter(in_district, is_active=True, is_staff=True).exclude(email="")
    if event.action in REVIEWER_ARRIVALS:
        staff = staff.filter(role=StaffRole.REVIEWER, department__in=application.measure.lead_departments.all())
    elif event.action in FINANCE_ARRIVALS:
        staff = staff.filter(role=StaffRole.FINANCE)
    else:
        return []
    return sorted(set(staff.values_list("email", flat=True)))


def _messages(template: str, recipients: list[str], context: dict) -> list[EmailMessage]:
    subject = " ".join(render_to_string(f"applications/email/{template}_subject.txt", context).split())
    body = render_to_string(f"applications/email/{template}.txt", context)
    return [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]


def event_notify(*, event_id: int) -> int:
    """Send the e-mails about one event; return how many were sent."""
    event = Event.objects.select_related("application__enterprise", "application__measure__document").get(pk=event_id)
    application = event.application
    context = {
        "event": event,
        "application": application,
        "portal": settings.PORTAL_NAME,
        "link": _link(application.get_absolute_url()),
        "admin_link": _link(reverse("admin:applications_application_change", args=[application.pk])),
    }
    with translation.override(settings.LANGUAGE_CODE):
        messages = _messages("enterprise", enterprise_recipients(event), context)
        messages += _messages("staff", staff_recipients(event), context)
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    logger.info("Sent %s e-mails about %s (%s)", sent, application.reference, event.action)
    return sent
