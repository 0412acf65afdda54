"""E-mail through an outbox: every message is written as a `Notice` row, with its recipients and text, in the same
transaction as what it is about, and sent afterwards by the Celery tasks in `tasks.py`, with the functions below.

So a notification is never lost when Redis or the mail server is down (`dispatch_pending` queues what is still
pending once the broker answers again), never sent for a change that rolled back, and never sent twice: each
recipient gets a message of its own, recorded as delivered under the row's lock as soon as the mail server accepts
it (a retry after a partial failure sends only to the rest), and the unique keys on `Notice` stop a reminder from
being written twice.
"""

from __future__ import annotations

import logging
import select
import smtplib
from contextlib import suppress

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, OperationalError, transaction
from django.db import connection as database
from django.db.models import F
from django.utils import timezone

from ..models import Notice
from .attachments import attachments_of

logger = logging.getLogger(__name__)

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


# Sending (in the worker).


def _locked_pending(notice_id: int) -> Notice | None:
    """Lock the notice if no one else holds it, and return it if it is still pending.

    Read by the primary key alone: with `state = 'pending'` in the query, PostgreSQL took the outbox index
    `(state, created_at)` (pending notices are few in its statistics) and walked every pending notice to find this
    one, 10–60 ms a task at a million cases with thousands pending (bench/FINDINGS.md)."""
    notice = Notice.objects.select_for_update(skip_locked=True).filter(pk=notice_id).order_by().first()
    return notice if notice is not None and notice.state == Notice.State.PENDING else None


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """Return the language each address's person last used the portal in, for those who have one on record."""
    users = get_user_model().objects.filter(email__in=addresses).exclude(language="")
    return dict(users.values_list("email", "language"))


def _deliver(connection, notice: Notice, to: str, language: str | None = None) -> None:
    connection.open()  # once: the connection is kept for the notice's other recipients
    subject, body = notice.text_in(language or settings.LANGUAGE_CODE)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], connection=connection)
    for name, content, mimetype in attachments_of(notice):
        message.attach(name, content, mimetype)
    message.send()


def _refused_address(error: OSError) -> bool:
    """Return whether the server refused this one message, so the other recipients may still be sent to."""
    return isinstance(error, smtplib.SMTPException) and not isinstance(error, SERVER_FAILURES)


ATTEMPT_FIELDS = ["delivered_to", "attempts", "last_error", "state", "sent_at"]


class DatabaseConnectionLost(OperationalError):
    """The database ended this worker's connection while it was sending: its row locks are gone with it."""


def _connection_lost() -> bool:
    """Return whether the database has ended this worker's connection, without asking it anything.

    While a session waits inside its transaction the server sends it nothing, unless it ends the connection (its
    last message, then the socket's end): a socket with something to read means the connection may be gone, and a
    query then says whether it is. A group's messages go out after its rows were locked, with no query in between;
    without this look, a worker whose connection was dropped went on mailing the rest of its group while the rows,
    unlocked, could be taken and mailed by another worker (issue 23).
    """
    if database.vendor != "postgresql" or database.connection is None:
        return False
    try:
        socket = database.connection.pgconn.socket
        readable, _writable, _failed = select.select([socket], [], [], 0)
    except (OSError, ValueError, DatabaseError, psycopg.Error):
        return True
    return bool(readable) and not database.is_usable()


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
    languages: dict[str, str] | None = None
    try:
        while True:
            with transaction.atomic():
                notice = _locked_pending(notice_id)
                if notice is None:
                    return False
                waiting = [to for to in notice.undelivered() if to not in tried]
                if waiting:
                    to = waiting.pop(0)
                    tried.append(to)
                    if languages is None:  # once per notice: each recipient in the language they last used
                        languages = recipient_languages(notice.recipients)
                    try:
                        _deliver(connection, notice, to, languages.get(to))
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
    the rows are locked together, the messages sent, and the rows marked in one UPDATE, committed to disk before the
    next group. A worker process that dies part-way through such a group, or whose database connection is dropped
    (it stops before the next message), or whose database crashes, sends that group's messages again, and only those:
    at most `NOTICE_COMMIT_EVERY` per process. A notice to several people (a department's reviewers) goes through
    `notice_send`, which records each address as it is reached.
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
        locked = list(Notice.objects.select_for_update(skip_locked=True).filter(pk__in=notice_ids).order_by("pk"))
        languages = recipient_languages([to for notice in locked for to in notice.undelivered()])
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
                if _connection_lost():
                    raise DatabaseConnectionLost(f"the database connection was lost before notice {notice.pk}")
                try:
                    _deliver(mail, notice, waiting[0], languages.get(waiting[0]))
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
        # sending; the others (a refused address, an address held for its daily digest) one by one.
        sent = [notice for notice in done if notice.state == Notice.State.SENT and not notice.held_for]
        Notice.objects.filter(pk__in=[notice.pk for notice in sent]).update(
            state=Notice.State.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            delivered_to=F("recipients"),
        )
        for notice in done:
            if notice not in sent:
                notice.save(update_fields=ATTEMPT_FIELDS)
    if server_failed:
        with suppress(smtplib.SMTPException, OSError):
            mail.close()
    return several
