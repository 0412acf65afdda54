"""The e-mail outbox: notices are written with the change they are about and sent after the commit, once; a mail
server that is down leaves them pending for a later attempt."""

import datetime
import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRole
from applications.models import Notice
from applications.notices.delivery import MAX_ATTEMPTS, NoticeDeliveryError, notice_send
from applications.notices.tasks import dispatch_pending
from applications.workflow import apply_transition
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


class DisconnectedBackend(BaseEmailBackend):
    """A mail server that drops the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DisconnectedBackend"


def submit(application, owner):
    return apply_transition(application_id=application.pk, action="submit", actor=owner)


@pytest.fixture
def pending(make_application, owner, reviewer, django_capture_on_commit_callbacks):
    """The notice to the enterprise about its submission, written but not sent (the task has not run yet)."""
    with django_capture_on_commit_callbacks(execute=False):
        application = submit(make_application(), owner)
    return application.notices.get(audience=Notice.Audience.ENTERPRISE)


def test_a_transition_writes_its_notices_in_its_own_transaction(
    make_application, owner, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        application = submit(make_application(), owner)
    rows = application.notices.order_by("audience").values_list("audience", "recipients", "state")
    assert list(rows) == [("enterprise", [owner.email], "pending"), ("staff", [reviewer.email], "pending")]
    assert mailoutbox == []


def test_the_notices_roll_back_with_the_transition(
    make_application, owner, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            submit(application, owner)
            raise RuntimeError("something later in the same transaction failed")
    application.refresh_from_db()
    assert application.status == "draft" and not application.notices.exists()
    assert mailoutbox == []


def test_after_the_commit_each_recipient_gets_the_mail(
    make_application, owner, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(make_application(), owner)
    assert sorted(to for m in mailoutbox for to in m.to) == sorted([owner.email, reviewer.email])
    assert set(application.notices.values_list("state", flat=True)) == {"sent"}
    assert mailoutbox[0].subject == f"申请 {application.reference}：提交申请"


def test_when_the_mail_server_is_down_the_notice_stays_pending_with_the_error(pending, smtp_down, mailoutbox):
    with pytest.raises(NoticeDeliveryError):
        notice_send(pending.pk)
    pending.refresh_from_db()
    assert (pending.state, pending.attempts, pending.sent_at) == ("pending", 1, None)
    assert pending.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mailoutbox == []


def test_a_later_attempt_sends_the_pending_notice(pending, smtp_down, settings, owner, mailoutbox):
    with pytest.raises(NoticeDeliveryError):
        notice_send(pending.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notice_send(pending.pk) is True
    pending.refresh_from_db()
    assert (pending.state, pending.attempts) == ("sent", 2) and pending.sent_at is not None
    [email] = mailoutbox
    assert email.to == [owner.email] and email.subject == pending.subject


def test_after_the_last_attempt_the_notice_is_marked_failed(pending, smtp_down, mailoutbox):
    Notice.objects.filter(pk=pending.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert notice_send(pending.pk) is False  # no exception: the task stops retrying
    pending.refresh_from_db()
    assert (pending.state, pending.attempts) == ("failed", MAX_ATTEMPTS)
    assert notice_send(pending.pk) is False and mailoutbox == []


def test_notice_send_twice_sends_once(pending, mailoutbox):
    assert notice_send(pending.pk) is True
    assert notice_send(pending.pk) is False
    assert len(mailoutbox) == 1


@pytest.fixture
def accepted_while_the_broker_was_down(measure, reviewer, django_capture_on_commit_callbacks):
    """Return a function that accepts a new case and never runs its send task (as if the broker were down)."""

    def accept(written_ago: datetime.timedelta):
        application = ApplicationFactory(status="submitted", measure=measure, created_by=EnterpriseUserFactory())
        with django_capture_on_commit_callbacks(execute=False):
            apply_transition(application_id=application.pk, action="accept", actor=reviewer)
        application.notices.update(created_at=timezone.now() - written_ago)
        return application

    return accept


def test_dispatch_pending_sends_only_pending_notices_older_than_a_minute(
    accepted_while_the_broker_was_down, mailoutbox
):
    old = accepted_while_the_broker_was_down(datetime.timedelta(minutes=2))
    recent = accepted_while_the_broker_was_down(datetime.timedelta(seconds=10))
    assert dispatch_pending() == 1
    assert [m.subject for m in mailoutbox] == [f"申请 {old.reference}：预审通过"]
    assert recent.notices.get().state == "pending"
    assert dispatch_pending() == 0 and len(mailoutbox) == 1


def test_emails_link_to_the_portals_public_address(
    make_application, owner, reviewer, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://zhengce.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(make_application(), owner)
    links = {to: re.findall(r"https?://\S+", m.body) for m in mailoutbox for to in m.to}
    assert links[owner.email] == [f"https://zhengce.example.gov.cn/applications/{application.pk}/"]
    assert links[reviewer.email] == [
        f"https://zhengce.example.gov.cn/admin/applications/application/{application.pk}/change/"
    ]


# A notice to several people (a department's reviewers) is one message per recipient, and a retry after a partial
# failure only mails those not yet reached.


class FlakyServer(LocmemBackend):
    """A mail server that fails once for the addresses in `fail_once` (with the error given), then accepts them."""

    fail_once: dict = {}  # on the class: the portal opens a connection of its own for each notice

    def send_messages(self, email_messages):
        for message in email_messages:
            for to in message.to:
                if to in self.fail_once:
                    raise self.fail_once.pop(to)
        return super().send_messages(email_messages)


MAILBOX_BUSY = pytest.param(
    lambda to: smtplib.SMTPRecipientsRefused({to: (450, b"4.2.1 Mailbox busy, try again later")}), id="refused"
)
DROPPED = pytest.param(lambda to: smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), id="dropped")


@pytest.fixture
def department_reviewers(reviewer):
    """The three reviewers of the lead department (区人力社保局), by e-mail address."""
    colleagues = [StaffUserFactory(role=StaffRole.REVIEWER, department=reviewer.department) for _ in range(2)]
    return sorted([reviewer, *colleagues], key=lambda user: user.email)


@pytest.fixture
def flaky_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyServer"
    yield FlakyServer.fail_once
    FlakyServer.fail_once.clear()


@pytest.fixture
def to_department(make_application, owner, department_reviewers, django_capture_on_commit_callbacks):
    """The pending notice to the department's reviewers about a submission."""
    with django_capture_on_commit_callbacks(execute=False):
        application = submit(make_application(), owner)
    return application.notices.get(audience=Notice.Audience.STAFF)


def messages_to(mailoutbox) -> list[str]:
    return sorted(to for m in mailoutbox for to in m.to)


def test_each_reviewer_of_the_department_gets_a_message_of_their_own(to_department, department_reviewers, mailoutbox):
    assert notice_send(to_department.pk) is True
    assert [m.to for m in mailoutbox] == [[user.email] for user in department_reviewers]
    to_department.refresh_from_db()
    assert to_department.delivered_to == to_department.recipients


@pytest.mark.parametrize("failure", [MAILBOX_BUSY, DROPPED])
def test_a_failure_part_way_is_retried_without_mailing_anyone_twice(
    make_application, owner, department_reviewers, flaky_server, mailoutbox, django_capture_on_commit_callbacks, failure
):
    middle = department_reviewers[1].email
    flaky_server[middle] = failure(middle)
    with django_capture_on_commit_callbacks(execute=True):  # the send task runs, fails, and Celery retries it
        application = submit(make_application(), owner)
    notice = application.notices.get(audience=Notice.Audience.STAFF)
    assert messages_to(mailoutbox) == sorted([owner.email, *(user.email for user in department_reviewers)])
    assert (notice.state, notice.attempts) == ("sent", 2)


def test_an_address_the_server_refuses_does_not_hold_back_the_others(
    to_department, department_reviewers, flaky_server, mailoutbox
):
    first, middle, last = (user.email for user in department_reviewers)
    flaky_server[middle] = MAILBOX_BUSY.values[0](middle)
    with pytest.raises(NoticeDeliveryError):
        notice_send(to_department.pk)
    to_department.refresh_from_db()
    assert messages_to(mailoutbox) == [first, last] and to_department.delivered_to == [first, last]
    assert to_department.state == "pending" and middle in to_department.last_error


def test_when_the_server_drops_part_way_the_retry_sends_only_to_the_rest(
    to_department, department_reviewers, flaky_server, mailoutbox
):
    first, middle, last = (user.email for user in department_reviewers)
    flaky_server[middle] = DROPPED.values[0](middle)
    with pytest.raises(NoticeDeliveryError):
        notice_send(to_department.pk)
    assert messages_to(mailoutbox) == [first]
    assert notice_send(to_department.pk) is True
    assert messages_to(mailoutbox) == [first, middle, last]


def test_staff_see_in_the_admin_whom_a_notice_reached(
    client, to_department, department_reviewers, reviewer, flaky_server
):
    first, middle, last = (user.email for user in department_reviewers)
    flaky_server[middle] = MAILBOX_BUSY.values[0](middle)
    with pytest.raises(NoticeDeliveryError):
        notice_send(to_department.pk)
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_notice_change", args=[to_department.pk])).content.decode()
    delivered = page[page.index("已送达") :]
    delivered = delivered[: delivered.index("</div>")]
    assert first in delivered and last in delivered and middle not in delivered


# Many notices at once (a sweep's reminders, a dispatch after an outage) go out in batches over one connection.


class CountingServer(FlakyServer):
    """The flaky server, counting the connections the portal opens."""

    opened = 0
    is_open = False

    def open(self):  # as SMTP's: opening an open connection does nothing
        if self.is_open:
            return False
        self.is_open = True
        type(self).opened += 1
        return True

    def close(self):
        self.is_open = False


@pytest.fixture
def counting_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingServer"
    CountingServer.opened = 0
    yield CountingServer.fail_once
    CountingServer.fail_once.clear()


@pytest.fixture
def waiting_notices(measure):
    """Six pending notices to six enterprises, as an outage leaves them."""
    notices = []
    for _ in range(6):
        owner = EnterpriseUserFactory()
        application = ApplicationFactory(status="submitted", measure=measure, enterprise=owner.enterprise)
        notices.append(
            Notice.objects.create(
                kind="event",
                audience=Notice.Audience.ENTERPRISE,
                application=application,
                enterprise=owner.enterprise,
                recipients=[owner.email],
                subject="您的申请有新进展",
                body="请登录平台查看。",
                created_at=timezone.now() - datetime.timedelta(minutes=5),
            )
        )
    return notices


def test_a_batch_goes_out_over_one_connection_and_a_refused_one_is_retried_alone(
    waiting_notices, counting_server, settings, mailoutbox
):
    settings.NOTICE_BATCH_SIZE = 4
    refused = waiting_notices[1].recipients[0]
    counting_server[refused] = MAILBOX_BUSY.values[0](refused)
    assert dispatch_pending() == 6
    # Everyone has exactly one message: the refused one on its retry, the others at once.
    assert messages_to(mailoutbox) == sorted(n.recipients[0] for n in waiting_notices)
    states = {n.pk: (n.state, n.attempts) for n in Notice.objects.filter(pk__in=[n.pk for n in waiting_notices])}
    assert states[waiting_notices[1].pk] == ("sent", 2)
    assert all(states[n.pk] == ("sent", 1) for n in waiting_notices if n.pk != waiting_notices[1].pk)
    # Two batches (4 + 2), one connection each, and one more for the retry: not one per message.
    assert CountingServer.opened == 3
