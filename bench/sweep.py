"""Time the deadline sweep over all open cases, in a process of its own so that its peak memory is its own.

Run by bench.run with the bench's settings, twice: `catch-up` runs the sweep once and keeps what it wrote (the
reminders the generated data is due, the lapses) as the Celery task does, chunk by chunk, as a live portal has long
since done; `steady` then times what every 15 minutes' run does, inside a transaction that is rolled back, so that
the bench database stays as it is.
Prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(mode: str) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from applications.models import Application, Notice

    try:
        from applications.deadlines.reminders import sweep_deadlines
    except ImportError as error:
        print(json.dumps({"missing": str(error)}))
        return
    open_cases = Application.objects.open().count()
    before = _rss_mb()
    started_at = timezone.now()
    if mode == "steady":
        with transaction.atomic():
            start = time.perf_counter()
            counts = sweep_deadlines()
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
    else:
        # As the Celery task runs it: no transaction around it, so each chunk commits and queues its e-mails.
        start = time.perf_counter()
        counts = sweep_deadlines()
        elapsed = time.perf_counter() - start
        # A live portal's worker sent these long ago: an outbox holding them all would slow what comes next. No
        # worker listens to the bench's default queue; the tasks queued for them are dropped.
        counts["marked_sent"] = Notice.objects.filter(state="pending", created_at__gte=started_at).update(
            state="sent", sent_at=timezone.now()
        )
        from portal.celery import app

        counts["tasks_dropped"] = app.control.purge()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "mode": mode,
        "open_cases": open_cases,
        "seconds": round(elapsed, 3),
        "cases_per_second": round(open_cases / elapsed),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "counts": counts,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "steady")
