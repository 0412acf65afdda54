"""Time the nightly re-match of subscriptions (applications.subscriptions.rematch) over every bench enterprise, in
a process of its own so that its peak memory is its own.

Run by bench.run with the bench's settings. Every bench enterprise's owner is subscribed first (one INSERT … SELECT;
one in ten also follows a district, one in ten a kind of help), as if every enterprise had asked to hear of new
measures. Then, as sweep.py does:

- `baseline` records, for every subscriber, the open measures in reach that the enterprise already qualifies or
  might qualify for as known to them (what subscribing on the page does for one person:
  `send_measure_digests(tell=False)`), kept, as a portal where everyone subscribed long ago. Skipped when a run is
  already recorded.
- `steady` is the next night, after a new measure was loaded: a copy of an open monetary measure of the district
  with the most enterprises is added, every subscriber is re-matched against the open measures and the new one and
  told in one digest each, inside a transaction that is rolled back, so the bench database stays as it is.

Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

from bench.sweep import _rss_mb


def subscribe_everyone() -> int:
    """Subscribe every bench enterprise's owner that is not yet; return how many were."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO applications_measuresubscription
                (user_id, active, matching, districts, beneficiary_types, rule_families, created_at, updated_at)
            SELECT u.id, TRUE, TRUE,
                   CASE WHEN u.id %% 10 = 3 THEN '["chaoyang"]'::jsonb ELSE '[]'::jsonb END,
                   '[]'::jsonb,
                   CASE WHEN u.id %% 10 = 7 THEN '["interest"]'::jsonb ELSE '[]'::jsonb END,
                   NOW(), NOW()
            FROM accounts_user u
            WHERE u.enterprise_id IS NOT NULL AND u.email LIKE %s
            ON CONFLICT (user_id) DO NOTHING
            """,
            ["%@bench.example.cn"],
        )
        return cursor.rowcount


def new_measure():
    """Add a copy of an open monetary measure of the district with the most bench enterprises; return it."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Enterprise
    from applications.subscriptions.rematch import is_current
    from measures.models import Measure, MeasureCondition

    busiest = (
        Enterprise.objects.values("registered_district").annotate(n=Count("id")).order_by("-n").first() or {}
    ).get("registered_district")
    today = timezone.localdate()
    template = next(
        m
        for m in Measure.objects.filter(document__district_id=busiest, monetary=True).order_by("pk")
        if is_current(m, today)
    )
    conditions = list(template.conditions.all())
    types = list(template.beneficiary_types.all())
    template.pk, template.key, template.title = None, "bench-new", f"{template.title}（基准测试新增）"
    template.save()
    for condition in conditions:
        condition.pk, condition.measure = None, template
    MeasureCondition.objects.bulk_create(conditions)
    template.beneficiary_types.set(types)
    return template


def main(mode: str) -> None:
    import django

    django.setup()
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from applications.models import MeasureSubscription, SubscriptionRun
    from applications.subscriptions.rematch import send_measure_digests

    subscribed_now = subscribe_everyone()
    subscribers = MeasureSubscription.objects.filter(active=True).count()
    if mode == "baseline" and SubscriptionRun.objects.filter(finished_at__isnull=False).exists():
        print(json.dumps({"mode": mode, "skipped": "a run is already recorded"}))
        return
    before, load = _rss_mb(), [round(x, 2) for x in os.getloadavg()]
    if mode == "steady":
        with transaction.atomic():
            measure = new_measure()
            start = time.perf_counter()
            counts = send_measure_digests(today=timezone.localdate() + datetime.timedelta(days=1))
            elapsed = time.perf_counter() - start
            counts["new_measure"] = measure.title
            transaction.set_rollback(True)
        from portal.celery import app

        app.control.purge()  # the digests' sending tasks, queued for a commit that never came
    else:
        start = time.perf_counter()
        counts = send_measure_digests(tell=False)
        elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "mode": mode,
        "subscribers": subscribers,
        "subscribed_now": subscribed_now,
        "seconds": round(elapsed, 3),
        "subscribers_per_second": round(subscribers / elapsed) if elapsed else None,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "loadavg_before": load,
        "counts": counts,
    }
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "steady")
