"""E-mail through an outbox: every message is written as a `Notice` row, with its recipients and text, in the same
transaction as what it is about, and sent afterwards by the Celery task `send_notice`.

So a notification is never lost when Redis or the mail server is down (`dispatch_pending` queues what is still
pending once the broker answers again), never sent for a change that rolled back, and never sent twice: each
recipient gets a message of its own, recorded as delivered under the row's lock as soon as the mail server accepts
it (a retry after a partial failure sends only to the rest), and the unique keys on `Notice` stop a reminder from
being written twice.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from contextlib import suppress
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F, Q, QuerySet
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
# The SMTP errors of the server itself rather than of one address (a refused recipient, a rejected message).
SERVER_FAILURES = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
)


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
    """Queue the notices' sending, `NOTICE_BATCH_SIZE` to a task (`send_notices`, one mail-server connection each;
    a lone notice goes to `send_notice`); if the broker is down they stay pending until `dispatch_pending` runs.
    Return how many notices were queued."""
    from .tasks import send_notice, send_notices

    size = max(1, settings.NOTICE_BATCH_SIZE)
    queued = 0
    for start in range(0, len(notice_ids), size):
        batch = list(notice_ids[start : start + size])
        try:
            if len(batch) == 1:
                send_notice.delay(batch[0])
            else:
                send_notices.delay(batch)
        except Exception:  # the broker is unreachable: the notices are kept and dispatched later
            logger.warning("Could not queue notices %s…; they stay pending until the broker answers", batch[0])
            break
        queued += len(batch)
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


def _locked_pending(notice_id: int) -> Notice | None:
    """Lock the notice if no one else holds it, and return it if it is still pending.

    Read by the primary key alone: with `state = 'pending'` in the query, PostgreSQL took the outbox index
    `(state, created_at)` (pending notices are few in its statistics) and walked every pending notice to find this
    one, 10–60 ms a task at a million cases with thousands pending (bench/FINDINGS.md)."""
    notice = Notice.objects.select_for_update(skip_locked=True).filter(pk=notice_id).order_by().first()
    return notice if notice is not None and notice.state == Notice.State.PENDING else None


def _deliver(connection, notice: Notice, to: str) -> None:
    connection.open()  # once: the connection is kept for the notice's other recipients
    EmailMessage(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [to], connection=connection).send()


def _refused_address(error: OSError) -> bool:
    """Return whether the server refused this one message, so the other recipients may still be sent to."""
    return isinstance(error, smtplib.SMTPException) and not isinstance(error, SERVER_FAILURES)


ATTEMPT_FIELDS = ["delivered_to", "attempts", "last_error", "state", "sent_at"]


def _quick_commit() -> None:
    """Let this transaction's commit return before its record reaches the disk (PostgreSQL's
    `synchronous_commit = off`, for this transaction only). The commit is atomic and seen by every other session at
    once, so a worker that dies cannot lose it; only a crash of the database server itself, within a fraction of a
    second, could, and would then send those few messages again. It halves the time a message costs."""
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _close_attempt(notice: Notice, errors: list[Exception]) -> None:
    notice.attempts += 1
    if errors:
        notice.last_error = "; ".join(f"{type(error).__name__}: {error}" for error in errors)[:2000]
        if notice.attempts >= MAX_ATTEMPTS:
            notice.state = Notice.State.FAILED
            logger.error("Notice %s failed %s times: %s", notice.pk, notice.attempts, notice.last_error)
    else:
        notice.state = Notice.State.SENT
        notice.sent_at = timezone.now()


def _end_attempt(notice: Notice, errors: list[Exception]) -> None:
    _close_attempt(notice, errors)
    notice.save(update_fields=ATTEMPT_FIELDS)


def notice_send(notice_id: int, connection=None) -> bool:
    """Send a pending notice, one message per recipient not yet reached; return whether this call completed it
    (False: already sent, being sent elsewhere, or given up after the last attempt).

    Each recipient the mail server accepts is recorded in `delivered_to` in its own transaction, under the row lock,
    so neither a retry nor a worker that died half-way mails anyone twice.
    """
    own_connection = connection is None
    connection = connection or get_connection()
    tried: list[str] = []
    errors: list[Exception] = []
    try:
        while True:
            with transaction.atomic():
                _quick_commit()
                notice = _locked_pending(notice_id)
                if notice is None:
                    return False
                waiting = [to for to in notice.undelivered() if to not in tried]
                if waiting:
                    to = waiting.pop(0)
                    tried.append(to)
                    try:
                        _deliver(connection, notice, to)
                    except OSError as error:  # smtplib's errors included
                        errors.append(error)
                        if not _refused_address(error):  # the server or the network: try again later
                            waiting = []
                    else:
                        notice.delivered_to = [*notice.delivered_to, to]
                if waiting:
                    notice.save(update_fields=["delivered_to"])
                else:
                    _end_attempt(notice, errors)
                    break
    finally:
        if own_connection:
            with suppress(smtplib.SMTPException, OSError):
                connection.close()
    if notice.state == Notice.State.PENDING:
        raise NoticeDeliveryError(notice.last_error) from errors[-1]
    return notice.state == Notice.State.SENT


def notices_send(notice_ids: list[int]) -> list[int]:
    """Send several pending notices over one mail-server connection; return the ids to be retried on their own
    (those the mail server failed this time; the others are sent, given up, or not pending).

    The notices to one address each (nearly all: an enterprise's) are sent `NOTICE_COMMIT_EVERY` to a transaction:
    the rows are locked together, the messages sent, and the rows marked in one UPDATE. A worker that dies part-way
    through such a group sends its messages again when the batch is redelivered, so the group is kept small; a
    notice to several people (a department's reviewers) goes through `notice_send`, which records each address as it
    is reached.
    """
    mail = get_connection()
    retry: list[int] = []
    size = max(1, settings.NOTICE_COMMIT_EVERY)
    try:
        for first in range(0, len(notice_ids), size):
            several = _send_group(mail, notice_ids[first : first + size], retry)
            for notice_id in several:
                try:
                    notice_send(notice_id, mail)
                except NoticeDeliveryError as failure:
                    retry.append(notice_id)
                    if not _refused_address(failure.__cause__):
                        with suppress(smtplib.SMTPException, OSError):
                            mail.close()  # the server or the network failed: the next message opens a new one
    finally:
        with suppress(smtplib.SMTPException, OSError):
            mail.close()
    return retry


def _send_group(mail, notice_ids: list[int], retry: list[int]) -> list[int]:
    """Send the group's single-address notices in one transaction; return the ids of those with several addresses."""
    several: list[int] = []
    with transaction.atomic():
        _quick_commit()
        locked = Notice.objects.select_for_update(skip_locked=True).filter(pk__in=notice_ids).order_by("pk")
        done: list[Notice] = []
        server_failed = False
        for notice in locked:
            if notice.state != Notice.State.PENDING:
                continue
            waiting = notice.undelivered()
            if len(waiting) > 1:
                several.append(notice.pk)
                continue
            if server_failed:  # left as it is, for its own retry
                retry.append(notice.pk)
                continue
            errors: list[Exception] = []
            if waiting:
                try:
                    _deliver(mail, notice, waiting[0])
                except OSError as error:  # smtplib's errors included
                    errors.append(error)
                    server_failed = not _refused_address(error)
                else:
                    notice.delivered_to = [*notice.delivered_to, waiting[0]]
            _close_attempt(notice, errors)
            done.append(notice)
            if notice.state == Notice.State.PENDING:
                retry.append(notice.pk)
        # The sent ones (nearly all) in one plain UPDATE: bulk_update's CASE per row and field cost more than the
        # sending; the others (a refused address) one by one.
        sent = [notice for notice in done if notice.state == Notice.State.SENT]
        Notice.objects.filter(pk__in=[notice.pk for notice in sent]).update(
            state=Notice.State.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            delivered_to=F("recipients"),
        )
        for notice in done:
            if notice.state != Notice.State.SENT:
                notice.save(update_fields=ATTEMPT_FIELDS)
    if server_failed:
        with suppress(smtplib.SMTPException, OSError):
            mail.close()
    return several


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
