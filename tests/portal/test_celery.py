"""Celery: the schedule beat keeps in the database, the settings that keep late acknowledgement safe, and a real
worker (tests/celery_harness.py) running a task that was queued after the transaction committed."""

import datetime
import os
import subprocess
import sys
import time
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from measures.models import CalendarWarning
from measures.tasks import check_working_day_calendar
from measures.workdays import OFFICIAL_YEARS
from portal.celery import app
from tests.celery_harness import CeleryWorker, routed_to
from tests.celery_soak import CHILDREN_PER_TICK, EmbeddedCelery

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
LAST_KNOWN_YEAR = OFFICIAL_YEARS.stop - 1
# Seconds of beat, control commands and a restart in the soak test of `make run`'s Celery.
SOAK_SECONDS = float(os.environ.get("CELERY_SOAK_SECONDS", "40"))


@pytest.fixture
def beat_schedule(transactional_db):
    """Start beat's database scheduler as `celery beat` does, which writes CELERY_BEAT_SCHEDULE to the database.

    It commits and closes connections itself, so it needs a transactional test.
    """
    from django_celery_beat.schedulers import DatabaseScheduler

    return DatabaseScheduler(app=app)


@pytest.mark.parametrize(
    ("name", "task", "minute", "hour"),
    [
        ("sweep-deadlines", "applications.deadlines.tasks.sweep_deadlines", "*/15", "*"),
        ("close-due-publicity", "applications.deadlines.tasks.close_due_publicity", "5", "*"),
        ("end-expired-bans", "applications.deadlines.tasks.end_expired_bans", "10", "0"),
        ("send-daily-digests", "applications.deadlines.tasks.send_daily_digests", "0", "8"),
        ("check-working-day-calendar", "measures.tasks.check_working_day_calendar", "30", "9"),
    ],
)
def test_beat_writes_the_schedule_to_the_database(beat_schedule, name, task, minute, hour):
    entry = PeriodicTask.objects.get(name=name)
    assert (entry.task, entry.crontab.minute, entry.crontab.hour) == (task, minute, hour)
    assert str(entry.crontab.timezone) == "Asia/Shanghai" and entry.enabled


def test_the_schedule_is_in_the_admin(beat_schedule, admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "周期任务" in page
    assert admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200


def test_a_message_is_redelivered_only_after_the_longest_task():
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_MAX_COUNTDOWN < settings.CELERY_VISIBILITY_TIMEOUT
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


def test_a_time_limit_above_the_visibility_timeout_is_refused():
    env = {**os.environ, "CELERY_TASK_TIME_LIMIT": "7200", "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "CELERY_VISIBILITY_TIMEOUT" in run.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "celery_worker_options",
    [
        {
            "now": datetime.datetime(LAST_KNOWN_YEAR, 12, 1, 9, 30, tzinfo=BEIJING),
            "env": {"ADMINS": "运维 <ops@example.cn>"},
        }
    ],
)
def test_the_worker_warns_once_about_next_years_calendar(celery_worker_process):
    with transaction.atomic():
        transaction.on_commit(check_working_day_calendar.delay)
        transaction.on_commit(check_working_day_calendar.delay)
        assert celery_worker_process.pending_messages() == 0  # nothing leaves before the commit
    celery_worker_process.wait_until_idle()
    [mail] = celery_worker_process.sent_mail()
    assert mail["To"] == "ops@example.cn" and f"{LAST_KNOWN_YEAR + 1}年" in mail["Subject"]
    assert "工作日调整" in mail.get_body(("plain",)).get_content()
    assert [e["result"] for e in celery_worker_process.finished()] == [[LAST_KNOWN_YEAR + 1], []]
    assert CalendarWarning.objects.get(year=LAST_KNOWN_YEAR + 1).sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_worker_reports_a_task_it_does_not_know(celery_worker_process):
    app.send_task("applications.tasks.no_such_task")
    with pytest.raises(AssertionError, match="no_such_task"):
        celery_worker_process.wait_until_idle()


def test_tasks_go_to_the_usual_queue_again_after_a_worker_test(tmp_path):
    usual = {key: app.conf[key] for key in ("broker_url", "task_default_queue", "task_always_eager")}
    worker = CeleryWorker(database_url="postgres://unused/db", redis_url="redis://unused:6379/15", directory=tmp_path)
    with pytest.raises(RuntimeError), routed_to(worker):
        assert (app.conf.task_default_queue, app.conf.broker_url) == (worker.queue, worker.redis_url)
        raise RuntimeError("the test failed inside")
    assert {key: app.conf[key] for key in usual} == usual
    assert app.conf.task_default_queue == "celery"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("celery_worker_options", [{"visibility_timeout": 3}])
def test_the_task_of_a_killed_worker_runs_again_after_the_visibility_timeout(celery_worker_process, tmp_path):
    app.send_task("harness.block_once", args=[str(tmp_path / "started"), 60])
    celery_worker_process.wait_for_event("started", "harness.block_once")
    celery_worker_process.kill()
    assert celery_worker_process.pending_messages() == 1  # taken, not acknowledged: still in Redis
    celery_worker_process.start()
    celery_worker_process.wait_until_idle()
    assert [e["result"] for e in celery_worker_process.finished("harness.block_once")] == ["again"]


def test_the_embedded_broker_keeps_its_file_under_var(tmp_path):
    """Without Redis (`make run`'s default), the broker is an SQLite file in var/, wherever a worker is started."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "CELERY_BROKER_FILE"}}
    env |= {"DJANGO_SETTINGS_MODULE": "portal.settings.local", "PYTHONPATH": str(settings.BASE_DIR)}
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from portal.celery import app\n"
        # What a worker does on start: bind its control queue to the broadcast exchange.
        "with app.connection_for_write() as connection:\n"
        "    app.control.mailbox(connection).Node('probe@test', channel=connection.channel()).listen().cancel()\n"
        "print(settings.CELERY_BROKER_FILE.resolve())\n"
    )
    run = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    broker = Path(run.stdout.strip())
    assert broker.parent == settings.BASE_DIR / "var" and broker.exists()
    assert list(tmp_path.iterdir()) == []


def test_make_runs_celery_survives_a_second_worker_control_commands_and_restarts(tmp_path):
    """`make run`'s worker on the embedded broker, with beat sending every half second, a second worker, `celery
    inspect ping` every few seconds and a restart, every process looking at its queues fifty times a second: no
    process dies and every task beat sent runs exactly once.

    On kombu's filesystem transport (the embedded broker before), a worker read a message file another process had
    created and not yet written, and stopped with "Unrecoverable error: JSONDecodeError"; honcho then stopped the
    portal.
    """
    celery = EmbeddedCelery(tmp_path, beat_every=0.5, poll_every=0.02)
    controls = []
    try:
        celery.start_worker("worker-1")
        celery.start_worker("worker-2")
        celery.start_beat()
        started = time.monotonic()
        restarted = False
        while time.monotonic() - started < SOAK_SECONDS and not celery.exited():
            controls.append(celery.control("inspect", "ping", "--timeout=1"))
            if not restarted and time.monotonic() - started > SOAK_SECONDS / 2:
                celery.stop("worker-2")
                celery.start_worker("worker-2")
                restarted = True
            time.sleep(1)
        died = celery.exited()
        celery.stop("beat")
        sent = celery.sent_by_beat()
        runs = celery.wait_for_runs(sent * (1 + CHILDREN_PER_TICK), timeout=60)
    finally:
        celery.stop_all()
    assert not died, celery.logs()
    for problem in ("Unrecoverable error", "Traceback", "JSONDecodeError", "Connection to broker lost"):
        assert problem not in celery.logs(), celery.logs()
    assert restarted and len(controls) >= 3
    assert sent >= SOAK_SECONDS, celery.log("beat")  # two a second, less the start
    kinds = Counter(kind for kind, _task_id in runs)
    # beat may be stopped between logging a send and sending it
    assert sent - 1 <= kinds["tick"] <= sent and kinds["echo"] == CHILDREN_PER_TICK * kinds["tick"], celery.logs()
    assert len({task_id for _kind, task_id in runs}) == len(runs)  # none ran twice
    assert celery.messages_in_broker() == 0  # a message taken is gone, not kept for ever
