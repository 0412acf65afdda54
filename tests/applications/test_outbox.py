"""The e-mail outbox: notices are written with the change they are about and sent after the commit, once; a mail
server that is down leaves them pending for a later attempt."""

import datetime
import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from applications.models import Notice
from applications.notifications import MAX_ATTEMPTS, NoticeDeliveryError, dispatch_pending, notice_send
from applications.workflow import apply_transition
from tests.factories import ApplicationFactory, EnterpriseUserFactory

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
