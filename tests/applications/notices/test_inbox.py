"""The inbox at /notifications/: every notice to the enterprise's users (and staff's own), the unread count in the
header, marking read; and the daily digest for those who chose one e-mail a day."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Notice, NoticeKind, NoticePreference, NoticeReceipt
from applications.notices.delivery import notice_send, notices_send
from applications.notices.digest import send_notice_digests
from applications.notices.outbox import build_notice, write_notices
from applications.workflow import apply_transition
from measures.models import Measure
from tests.applications.conftest import TODAY
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db

CLAUSES = [("朝政办发〔2020〕8号", "16."), ("朝政办发〔2020〕2号", "9."), ("朝政办发〔2020〕2号", "5.")]


@pytest.fixture
def colleague(owner):
    return EnterpriseUserFactory(enterprise=owner.enterprise)


@pytest.fixture
def accepted(make_application, reviewer, django_capture_on_commit_callbacks):
    """A case just accepted (预审通过): its e-mail to the enterprise is written, not yet sent."""
    with django_capture_on_commit_callbacks(execute=False):
        return apply_transition(application_id=make_application("submitted").pk, action="accept", actor=reviewer)


def enterprise_notice(application, action="accept"):
    return Notice.objects.get(application=application, event__action=action, audience="enterprise")


def three_cases(make_application):
    """Three submitted cases of measures led by 区人力社保局 (8号 16., 2号 9. and 2号 5.)."""
    measures = [Measure.objects.get(document__number=n, clause=c) for n, c in CLAUSES]
    return [make_application("submitted", measure=measure) for measure in measures]


def signed_in(client, user):
    client.force_login(user)
    return client


def prefer_digest(user):
    NoticePreference.objects.create(user=user, delivery=NoticePreference.Delivery.DIGEST)


def test_a_notice_is_in_the_inbox_of_every_user_of_the_enterprise(make_application, reviewer, owner, colleague):
    application = apply_transition(application_id=make_application("submitted").pk, action="accept", actor=reviewer)
    notice = enterprise_notice(application)
    assert set(notice.receipts.values_list("user", flat=True)) == {owner.pk, colleague.pk}


def test_the_inbox_lists_the_notice_and_the_header_counts_it_unread(client, accepted, owner):
    page = signed_in(client, owner).get(reverse("applications:inbox")).content.decode()
    assert enterprise_notice(accepted).subject in page and accepted.reference in page
    assert '<span class="visually-hidden">未读</span>1</span>' in page


def test_another_enterprises_user_sees_none_of_it(client, accepted, outsider):
    notice = enterprise_notice(accepted)
    client = signed_in(client, outsider)
    assert notice.subject not in client.get(reverse("applications:inbox")).content.decode()
    assert client.get(reverse("applications:notice", args=[notice.pk])).status_code == 404
    assert client.post(reverse("applications:notice_read", args=[notice.pk])).status_code == 404


def test_staff_find_the_notices_sent_to_them_and_no_others(make_application, reviewer, other_reviewer):
    application = make_application("publicity", publicity_ends_on=TODAY + datetime.timedelta(days=5))
    apply_transition(application_id=application.pk, action="object", actor=None, comment="异议人：市民。人数不实。")
    staff_notice = Notice.objects.get(application=application, audience="staff")
    assert list(staff_notice.receipts.values_list("user", flat=True)) == [reviewer.pk]
    assert not NoticeReceipt.objects.filter(user=other_reviewer).exists()


def test_opening_a_notice_marks_it_read(client, accepted, owner):
    client = signed_in(client, owner)
    notice = enterprise_notice(accepted)
    page = client.get(reverse("applications:notice", args=[notice.pk])).content.decode()
    assert notice.body.splitlines()[0] in page
    assert NoticeReceipt.objects.get(user=owner, notice=notice).read_at is not None
    assert "unread-count" not in client.get(reverse("applications:inbox")).content.decode()


def test_marking_one_read_leaves_a_colleagues_copy_unread(client, colleague, accepted, owner):
    notice = enterprise_notice(accepted)
    signed_in(client, owner).post(reverse("applications:notice_read", args=[notice.pk]))
    assert NoticeReceipt.objects.get(user=owner).is_read and not NoticeReceipt.objects.get(user=colleague).is_read


def test_marking_all_read(client, make_application, reviewer, owner):
    for application in three_cases(make_application):
        apply_transition(application_id=application.pk, action="accept", actor=reviewer)
    client = signed_in(client, owner)
    client.post(reverse("applications:notices_read_all"))
    assert not NoticeReceipt.objects.filter(user=owner).unread().exists()


def test_the_inbox_is_paged(client, owner):
    notices = [
        build_notice("ban_ended", {"ban": None, "link": ""}, [owner.email], kind=NoticeKind.BAN_ENDED,
                     audience="enterprise", enterprise=owner.enterprise, due_on=TODAY - datetime.timedelta(days=n))
        for n in range(25)
    ]  # fmt: skip
    write_notices(notices)
    client = signed_in(client, owner)
    first = client.get(reverse("applications:inbox")).context["page_obj"]
    second = client.get(reverse("applications:inbox") + "?page=2").context["page_obj"]
    assert len(first) == 20 and len(second) == 5 and first.paginator.count == 25


def test_the_unread_count_costs_one_query(client, accepted, owner):
    client = signed_in(client, owner)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("applications:list"))
    assert sum("noticereceipt" in query["sql"] for query in queries.captured_queries) == 1


def test_a_user_chooses_a_daily_digest_on_the_settings_page(client, owner):
    client = signed_in(client, owner)
    response = client.post(reverse("applications:notice_settings"), {"delivery": "digest"})
    assert NoticePreference.objects.get(user=owner).delivery == "digest"
    page = client.get(response.url).content.decode()
    assert "已保存：今后的通知每天汇总发送一封邮件。" in page and re.search(r'value="digest"[^>]*checked', page)


def test_a_digest_users_notice_is_held_not_mailed(make_application, reviewer, owner, mailoutbox):
    prefer_digest(owner)
    application = apply_transition(application_id=make_application("submitted").pk, action="accept", actor=reviewer)
    notice = enterprise_notice(application)
    assert notice.state == "held" and notice.held_for == [owner.email] and mailoutbox == []
    assert NoticeReceipt.objects.get(user=owner, notice=notice).held


def test_a_colleague_who_wants_each_email_still_gets_it(make_application, reviewer, owner, colleague, mailoutbox):
    prefer_digest(owner)
    application = apply_transition(application_id=make_application("submitted").pk, action="accept", actor=reviewer)
    notice = enterprise_notice(application)
    notice_send(notice.pk)
    notice.refresh_from_db()
    assert [m.to for m in mailoutbox] == [[colleague.email]]
    assert notice.state == "sent" and notice.delivered_to == [colleague.email] and notice.held_for == [owner.email]


def test_the_daily_digest_brings_the_held_notices_together_once(make_application, reviewer, owner, mailoutbox):
    prefer_digest(owner)
    subjects = []
    for application in three_cases(make_application)[:2]:
        apply_transition(application_id=application.pk, action="accept", actor=reviewer)
        subjects.append(enterprise_notice(application).subject)
    assert send_notice_digests(today=TODAY)["digests"] == 1
    assert send_notice_digests(today=TODAY).get("digests", 0) == 0
    digest = Notice.objects.get(kind=NoticeKind.NOTICE_DIGEST, user=owner)
    notice_send(digest.pk)
    (message,) = mailoutbox
    assert message.to == [owner.email] and all(subject in message.body for subject in subjects)
    assert not NoticeReceipt.objects.filter(user=owner, digest__isnull=True).exists()


def test_the_digest_carries_the_decision_letter(make_application, finance, owner, mailoutbox):
    prefer_digest(owner)
    application = make_application("finance_review", proposed_amount=Decimal("100000.00"))
    apply_transition(application_id=application.pk, action="finance_approve", actor=finance)
    send_notice_digests(today=TODAY)
    notice_send(Notice.objects.get(kind=NoticeKind.NOTICE_DIGEST, user=owner).pk)
    (message,) = mailoutbox
    assert [name.split("-")[0] for name, _content, _type in message.attachments] == ["批准决定书"]


def test_beat_sends_the_digests_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["send-notice-digests"]
    assert entry["task"] == "applications.deadlines.tasks.send_notice_digests" and entry["schedule"].hour == {7}


def test_sending_in_batches_never_records_a_held_address_as_delivered(make_application, reviewer, owner, colleague):
    prefer_digest(owner)
    notices = []
    for application in three_cases(make_application)[:2]:
        apply_transition(application_id=application.pk, action="accept", actor=reviewer)
        notices.append(enterprise_notice(application).pk)
    notices_send(notices)
    sent = Notice.objects.filter(pk__in=notices)
    assert {(n.state, tuple(n.delivered_to), tuple(n.held_for)) for n in sent} == {
        ("sent", (colleague.email,), (owner.email,))
    }
