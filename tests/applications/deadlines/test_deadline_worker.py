"""Deadlines and sanctions with a real Celery worker and beat on Redis, the clock moved rather than waited for."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import StaffRole
from applications.models import Application, Ban, FraudFinding, Notice, NoticeKind, Payment, Recovery, Status
from portal.celery import app
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
WINDOW_CLOSES = datetime.date(2026, 12, 31)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BEIJING)


def subjects_to(worker, address: str) -> list[str]:
    return [m["Subject"] for m in worker.sent_mail() if address in m["To"]]


def wait_for(predicate, worker, timeout: float = 30, what: str = "") -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{worker._tail()}")


@pytest.fixture
def draft(make_application, measure):
    measure.window_closes = WINDOW_CLOSES
    measure.save(update_fields=["window_closes"])
    return make_application("draft")


@pytest.mark.parametrize("celery_worker_options", [{"beat_every": 1}])
def test_a_draft_gets_each_window_reminder_once_from_beat_and_the_worker(celery_worker_process, draft, owner):
    worker = celery_worker_process
    for days_left, kind in [(7, "7"), (3, "3"), (1, "1")]:
        worker.restart(now=at(WINDOW_CLOSES - datetime.timedelta(days=days_left)))
        wait_for(
            lambda n=days_left: len(subjects_to(worker, owner.email)) >= {7: 1, 3: 2, 1: 3}[n],
            worker,
            what=f"the {kind}-day reminder",
        )
        # Beat keeps running the sweep every second: nothing more is written or sent for the same deadline.
        import time

        time.sleep(3)
    reminders = subjects_to(worker, owner.email)
    assert len(reminders) == 3, reminders
    assert all(draft.reference in s and "2026-12-31" in s for s in reminders)
    kinds = sorted(Notice.objects.filter(application=draft).values_list("kind", flat=True))
    assert kinds == sorted([NoticeKind.DRAFT_CLOSING_7, NoticeKind.DRAFT_CLOSING_3, NoticeKind.DRAFT_CLOSING_1])
    assert set(Notice.objects.filter(application=draft).values_list("state", flat=True)) == {Notice.State.SENT}


@pytest.mark.parametrize(
    "celery_worker_options",
    [{"visibility_timeout": 4, "env": {"SWEEP_CHUNK_SIZE": "4", "SWEEP_CHUNK_PAUSE": "0.4"}}],
)
def test_killing_the_worker_mid_sweep_sends_no_reminder_twice_and_loses_none(celery_worker_process, measure):
    from applications.deadlines.tasks import sweep_deadlines

    worker = celery_worker_process
    measure.window_closes = WINDOW_CLOSES
    measure.save(update_fields=["window_closes"])
    drafts = []
    for _n in range(20):
        user = EnterpriseUserFactory()
        drafts.append(ApplicationFactory(status="draft", measure=measure, enterprise=user.enterprise, created_by=user))
    worker.restart(now=at(WINDOW_CLOSES - datetime.timedelta(days=6)))
    sweep_deadlines.delay()
    wait_for(lambda: Notice.objects.count() >= 4, worker, what="the first chunk of reminders")
    worker.kill()
    assert Notice.objects.count() < len(drafts), "the sweep had finished before the kill; slow it down"
    worker.restart(now=at(WINDOW_CLOSES - datetime.timedelta(days=6)))
    wait_for(lambda: len(worker.sent_mail()) >= len(drafts), worker, timeout=60, what="all the reminders")
    worker.wait_until_idle()
    sent_to = sorted(address for m in worker.sent_mail() for address in [m["To"]])
    expected = sorted(d.enterprise.users.get().email for d in drafts)
    assert sent_to == expected  # each enterprise once: none twice, none lost
    assert Notice.objects.filter(state=Notice.State.SENT).count() == len(drafts)


def test_a_submission_made_while_redis_is_down_is_saved_and_notified_once_redis_is_back(
    celery_worker_process, make_application, owner, client
):
    from applications.notices.tasks import dispatch_pending_notices

    worker = celery_worker_process
    application = make_application("draft")
    client.force_login(owner)
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options")}
    app._pool, app.amqp._producer_pool = None, None
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there: the broker is down
    app.conf.broker_transport_options = {"max_retries": 1}
    try:
        response = client.post(reverse("applications:confirm", args=[application.pk]))
    finally:
        app._pool, app.amqp._producer_pool = None, None
        app.conf.update(saved)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    pending = Notice.objects.filter(application=application, state=Notice.State.PENDING)
    assert pending.filter(audience=Notice.Audience.ENTERPRISE).count() == 1
    assert worker.sent_mail() == []
    # Redis answers again; the dispatcher (run by beat every two minutes) queues what is pending.
    worker.restart(now=datetime.datetime.now(BEIJING) + datetime.timedelta(minutes=3))
    dispatch_pending_notices.delay()
    worker.wait_until_idle()
    mails = subjects_to(worker, owner.email)
    assert len(mails) == 1 and application.reference in mails[0]
    dispatch_pending_notices.delay()  # a second dispatch sends nothing again
    worker.wait_until_idle()
    assert len(subjects_to(worker, owner.email)) == 1


def test_a_fraud_finding_revokes_recovers_bans_and_the_ban_ends_on_its_date(
    celery_worker_process, make_application, owner, chaoyang, client
):
    worker = celery_worker_process
    admin_user = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=chaoyang)
    finance = StaffUserFactory(role=StaffRole.FINANCE, staff_district=chaoyang)
    application = make_application("disbursed", approved_amount=Decimal("12000.00"))
    for amount, ref in [("7000.00", "BJ-1"), ("5000.00", "BJ-2")]:
        Payment.objects.create(
            application=application,
            paid_on=datetime.date(2026, 6, 1),
            amount=Decimal(amount),
            bank_reference=ref,
            recorded_by=finance,
        )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:applications_fraudfinding_add"),
        {
            "application": application.pk,
            "evidence": "培训签到表系伪造，实际参训12人中9人未参训。",
            "decision_number": "朝政罚〔2026〕12号",
            "decision_date": "2026-11-20",
            "persons_responsible": "张某（法定代表人）",
            "referred_to_judiciary": "on",
            "clause_quote": "对弄虚作假骗取奖励补贴的企业，全额收缴，三年内不准申请。",
            "recovery_due_on": "2026-12-20",
            "_confirmed": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    worker.wait_until_idle()
    application.refresh_from_db()
    assert application.status == Status.REVOKED
    recovery = Recovery.objects.get(application=application)
    assert recovery.amount_due == Decimal("12000.00") and recovery.due_on == datetime.date(2026, 12, 20)
    ban = Ban.objects.get(finding=FraudFinding.objects.get(application=application))
    assert (ban.starts_on, ban.ends_on) == (datetime.date(2026, 11, 20), datetime.date(2029, 11, 19))
    wait_for(lambda: any("朝政罚〔2026〕12号" in s for s in subjects_to(worker, owner.email)), worker, what="sanction")

    # The ban blocks a new application in Chaoyang, quoting the clause and the end date.
    with time_machine.travel(at(datetime.date(2027, 3, 1)), tick=True):
        client.force_login(owner)
        page = client.get(reverse("applications:start", args=[application.measure_id]))
    assert page.status_code == 403
    assert "2029-11-19" in page.content.decode() and "三年内不准申请" in page.content.decode()

    # On its end date the ban ends by itself; beat's daily task tells the enterprise, which may apply again.
    worker.beat_every = 1
    worker.restart(now=at(datetime.date(2029, 11, 20)))
    wait_for(lambda: any("禁止申请期已届满" in s for s in subjects_to(worker, owner.email)), worker, what="ban end")
    with time_machine.travel(at(datetime.date(2029, 11, 20)), tick=True):
        client.force_login(owner)
        page = client.get(reverse("applications:start", args=[application.measure_id]))
    assert page.status_code == 200
    import time

    time.sleep(2)
    assert sum("禁止申请期已届满" in s for s in subjects_to(worker, owner.email)) == 1
    assert Application.objects.get(pk=application.pk).status == Status.REVOKED
