"""E-mail through an outbox: every message is written as a `Notice` row, with its recipients and text, in the same
transaction as what it is about, and sent afterwards by the Celery task `send_notice`.

So a notification is never lost when Redis or the mail server is down (`dispatch_pending` queues what is still
pending once the broker answers again), never sent for a change that rolled back, and never sent twice: the row is
locked while it is sent and marked sent in the same transaction, and the unique keys on `Notice` stop a reminder
from being written twice.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Enterprise, StaffRole, User

from .models import Application, Event, Notice, NoticeKind

logger = logging.getLogger(__name__)

# Actions after which the case waits in the lead departments' reviewers' queue, or in the district finance's.
REVIEWER_ARRIVALS = {"submit", "resubmit", "object", "finance_send_back"}
FINANCE_ARRIVALS = {"end_publicity"}
MAX_ATTEMPTS = 6


class NoticeDeliveryError(Exception):
    """The mail server refused or could not be reached; the task retries with backoff."""


def absolute_link(path: str) -> str:
    """Return a link for an e-mail: the portal's public address (PORTAL_BASE_URL) and the path."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def admin_link(application: Application) -> str:
    return absolute_link(reverse("admin:applications_application_change", args=[application.pk]))


# Recipients.


def enterprise_emails(enterprise: Enterprise) -> list[str]:
    emails = enterprise.users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    return sorted(set(emails)) or ([enterprise.email] if enterprise.email else [])


def district_staff(district_id: int) -> QuerySet[User]:
    in_district = Q(staff_district_id=district_id) | Q(staff_district__isnull=True, department__district_id=district_id)
    return User.objects.filter(in_district, is_active=True, is_staff=True).exclude(email="")


def reviewers_of(application: Application) -> QuerySet[User]:
    departments = application.measure.lead_departments.all()
    return district_staff(application.district_id).filter(role=StaffRole.REVIEWER, department__in=departments)


def finance_of(district_id: int) -> QuerySet[User]:
    return district_staff(district_id).filter(role=StaffRole.FINANCE)


def admins_of(district_id: int) -> QuerySet[User]:
    return district_staff(district_id).filter(role=StaffRole.DISTRICT_ADMIN)


def emails(users: QuerySet[User]) -> list[str]:
    return sorted(set(users.values_list("email", flat=True)))


def staff_recipients(event: Event) -> list[str]:
    application = event.application
    if event.action in REVIEWER_ARRIVALS:
        return emails(reviewers_of(application))
    if event.action in FINANCE_ARRIVALS:
        return emails(finance_of(application.district_id))
    return []


# Writing notices (inside the caller's transaction).


def render(template: str, context: dict) -> tuple[str, str]:
    """Render applications/email/<template>.txt and its _subject.txt in the portal's language."""
    context = {"portal": settings.PORTAL_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"applications/email/{template}_subject.txt", context).split())
        body = render_to_string(f"applications/email/{template}.txt", context)
    return subject[:200], body


def build_notice(template: str, context: dict, recipients: list[str], **fields) -> Notice:
    subject, body = render(template, context)
    state = Notice.State.PENDING if recipients else Notice.State.NO_RECIPIENT
    return Notice(recipients=recipients, subject=subject, body=body, state=state, **fields)


def write_notices(notices: Iterable[Notice]) -> list[Notice]:
    """Insert notices, skipping any whose key is already taken; queue the new ones for after the commit.

    Returns the notices written now (a reminder that an earlier run had written is not returned).
    """
    notices = list(notices)
    if not notices:
        return []
    try:
        with transaction.atomic():
            written = Notice.objects.bulk_create(notices)
    except IntegrityError:
        # Some key was taken (a sweep running twice, or two at once): one savepoint per row keeps the others.
        written = []
        for notice in notices:
            notice.pk, notice._state.adding = None, True
            try:
                with transaction.atomic():
                    notice.save()
            except IntegrityError:
                continue
            written.append(notice)
    queue_after_commit([n.pk for n in written if n.state == Notice.State.PENDING])
    return written


def queue_after_commit(notice_ids: list[int]) -> None:
    if notice_ids:
        transaction.on_commit(partial(enqueue, notice_ids))


def enqueue(notice_ids: list[int]) -> int:
    """Queue a send task per notice; if the broker is down they stay pending until `dispatch_pending` runs."""
    from .tasks import send_notice

    queued = 0
    for notice_id in notice_ids:
        try:
            send_notice.delay(notice_id)
        except Exception:  # the broker is unreachable: the notice is kept and dispatched later
            logger.warning("Could not queue notice %s; it stays pending until the broker answers", notice_id)
            break
        queued += 1
    return queued


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


# Sending (in the worker).


def _deliver(notice: Notice) -> None:
    messages = [
        EmailMessage(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [to]) for to in notice.recipients
    ]
    get_connection().send_messages(messages)


def notice_send(notice_id: int) -> bool:
    """Send one pending notice; return whether this call sent it (False: already sent, or being sent elsewhere)."""
    failure = None
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(skip_locked=True)
            .filter(pk=notice_id, state=Notice.State.PENDING)
            # By the key alone: the model's ordering (created_at) made PostgreSQL walk every pending notice.
            .order_by("pk")
            .first()
        )
        if notice is None:
            return False
        notice.attempts += 1
        try:
            _deliver(notice)
        except (smtplib.SMTPException, OSError) as error:
            failure = error
            notice.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notice.attempts >= MAX_ATTEMPTS:
                notice.state = Notice.State.FAILED
                logger.error("Notice %s failed %s times: %s", notice.pk, notice.attempts, notice.last_error)
        else:
            notice.state = Notice.State.SENT
            notice.sent_at = timezone.now()
        notice.save(update_fields=["attempts", "last_error", "state", "sent_at"])
    if failure is not None and notice.state == Notice.State.PENDING:
        raise NoticeDeliveryError(notice.last_error) from failure
    return failure is None


def dispatch_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1), chunk: int = 1000) -> int:
    """Queue a send task for every notice still pending (the broker was down, or a worker died); return how many.

    Walks the outbox by primary key in chunks, so its memory stays bounded however many are waiting.
    """
    cutoff = timezone.now() - older_than
    pending = Notice.objects.filter(state=Notice.State.PENDING, created_at__lt=cutoff)
    last_pk, queued = 0, 0
    while True:
        ids = list(pending.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return queued
        count = enqueue(ids)
        queued += count
        if count < len(ids):
            return queued
        last_pk = ids[-1]
