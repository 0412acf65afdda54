"""A database connection dropped while notices are being sent is no worse than a killed worker (issue 23: 192 of
1,200 e-mails went out twice): the worker stops before its next message, and only the messages of the group it was
in (fewer than `NOTICE_COMMIT_EVERY`, per process) go out again."""

import collections
import datetime

import psycopg
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection
from django.utils import timezone

from applications.models import Notice
from applications.notices.delivery import notices_send
from tests.conftest import require_service
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class DroppingServer(EmailBackend):
    """A mail server during whose work the database ends the sender's connection (pg_terminate_backend), after
    `drop_after` messages; it counts the messages it accepts after that."""

    drop_after = 0
    sent = 0
    after_drop = 0

    def send_messages(self, messages):
        count = super().send_messages(messages)
        cls = type(self)
        if cls.sent >= cls.drop_after:
            cls.after_drop += count
        cls.sent += count
        if cls.sent == cls.drop_after:
            pid = connection.connection.info.backend_pid
            params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
            with psycopg.connect(**params, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # until it has ended
        return count


@pytest.fixture
def notices(measure, policy_data):
    """Sixty notices to sixty enterprises, waiting."""
    rows = []
    for _ in range(60):
        owner = EnterpriseUserFactory()
        application = ApplicationFactory(status="submitted", measure=measure, enterprise=owner.enterprise)
        rows.append(
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
    return [n.pk for n in rows]


def test_a_connection_dropped_mid_batch_resends_only_its_group_so_far(notices, settings):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the test ends a PostgreSQL backend")
    settings.EMAIL_BACKEND = f"{__name__}.DroppingServer"
    settings.NOTICE_COMMIT_EVERY = 10
    DroppingServer.sent, DroppingServer.after_drop, DroppingServer.drop_after = 0, 0, 15
    with pytest.raises(OperationalError):
        notices_send(notices[:50])  # a batch of 50: the connection drops after the 15th message, in its 2nd group
    assert DroppingServer.after_drop == 0  # nothing more went out on the dead connection
    connection.close()
    DroppingServer.drop_after = 0
    notices_send(notices)  # the batch again (redelivered, or queued by dispatch_pending)
    counts = collections.Counter(to for message in mail.outbox for to in message.to)
    twice = sorted(to for to, count in counts.items() if count > 1)
    assert len(counts) == 60 and max(counts.values()) == 2
    assert len(twice) == 5 < settings.NOTICE_COMMIT_EVERY  # messages 11-15: sent, then the group rolled back
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}
