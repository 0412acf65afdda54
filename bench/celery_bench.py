"""Celery reminder throughput: N pending notices queued as the portal queues them (`notifications.enqueue`:
`applications.notices.tasks.send_notices` tasks of NOTICE_BATCH_SIZE notices, one mail-server connection each), worked by a
real worker (`celery -A portal worker`, prefork, 2 processes, the production settings: late acknowledgement,
prefetch 1) on Redis, with the in-memory e-mail backend. The notices the bench adds are removed afterwards."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from pathlib import Path

QUEUE = "bench-notices"


def _pending_notices(count: int) -> list[int]:
    """Add `count` pending notices about old events (which have none), as the workflow writes them; return ids."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from applications.models import Event, Notice

    old = timezone.now() - datetime.timedelta(days=120)
    events = (
        Event.objects.filter(created_at__lt=old)
        .filter(~Exists(Notice.objects.filter(event=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "application_id", "application__enterprise_id", "application__enterprise__email")[:count]
    )
    notices = [
        Notice(
            kind="event",
            audience="enterprise",
            application_id=application_id,
            event_id=event_id,
            enterprise_id=enterprise_id,
            recipients=[email],
            subject="您的申请有新进展",
            body="您好！您的申请有新进展，请登录平台查看详情。",
        )
        for event_id, application_id, enterprise_id, email in events
    ]
    return [notice.pk for notice in Notice.objects.bulk_create(notices, batch_size=2000)]


def _remove(ids: list[int]) -> None:
    from django.db import connection

    from applications.models import Notice

    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{Notice._meta.db_table}" WHERE id = ANY(%s)', [ids])


def _wait_ready(log: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {log}")
        if "ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the Celery worker did not become ready; see {log}")


def measure(cfg: dict, env: dict, var: Path) -> dict:
    try:
        from applications.models import Notice
        from applications.notices.tasks import send_notice, send_notices
    except ImportError as error:
        return {"missing": str(error)}
    from django.conf import settings

    from portal.celery import app

    count = cfg["celery_tasks"]
    batch = max(1, settings.NOTICE_BATCH_SIZE)
    ids = _pending_notices(count)
    if len(ids) < count:
        _remove(ids)
        return {"missing": f"only {len(ids)} events without notices for {count} tasks"}
    low, high = min(ids), max(ids)
    pending = Notice.objects.filter(pk__gte=low, pk__lte=high, state=Notice.State.PENDING)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)
    log = var / "celery-worker.log"
    command = [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker", "-Q", QUEUE, "-n", "bench@%h"]
    command += ["--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log, "w") as output:
        worker = subprocess.Popen(
            command, cwd=Path(__file__).resolve().parent.parent, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_ready(log, worker)
        start = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for first in range(0, len(ids), batch):
                chunk = ids[first : first + batch]
                if len(chunk) == 1:
                    send_notice.apply_async((chunk[0],), queue=QUEUE, producer=producer)
                else:
                    send_notices.apply_async((chunk,), queue=QUEUE, producer=producer)
        enqueued = time.perf_counter() - start
        # Bounded in time: a slow worker is measured on what it sent within five minutes.
        deadline = start + 300
        left = pending.count()
        while left and time.perf_counter() < deadline:
            time.sleep(0.25)
            left = pending.count()
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    sent = Notice.objects.filter(pk__gte=low, pk__lte=high, state=Notice.State.SENT).count()
    _remove(ids)
    return {
        "tasks": count,
        "batch": batch,
        "sent": sent,
        "unfinished": left,
        "seconds": round(elapsed, 2),
        "enqueue_seconds": round(enqueued, 2),
        "tasks_per_second": round(sent / elapsed, 1),
        "command": " ".join(command[1:]).replace(str(Path(sys.executable).parent) + "/", ""),
    }
