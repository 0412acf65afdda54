"""The bench's nightly re-match step: its section of RESULTS.md, and (on PostgreSQL) the step itself at a tiny size."""

import pytest
from django.db import connection

from applications.models import MeasureAlert, MeasureSubscription, Notice, NoticeKind
from applications.subscriptions.rematch import send_measure_digests
from bench.report import REMATCH_HEADING, write_rematch_section
from tests.conftest import require_service

RUN = {
    "subscribers": 2000,
    "seconds": 8.2,
    "subscribers_per_second": 244,
    "rss_before_mb": 98.4,
    "peak_rss_mb": 132.1,
    "loadavg_before": [1.0, 1.0, 1.0],
    "counts": {"digests": 401},
}


def test_the_section_goes_before_the_findings_and_is_replaced_the_next_time(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Bench\n\n## Celery\n\ntable\n\n## What the bench found\n\nfindings\n")
    write_rematch_section({"rematch": {"at": "today", "steady": RUN}}, path)
    write_rematch_section({"rematch": {"at": "today", "steady": {**RUN, "seconds": 7.5}}}, path)
    text = path.read_text()
    assert text.count(REMATCH_HEADING) == 1 and "| steady | 2,000 | 7.5 | 244 | 98.4 / 132.1 |" in text
    assert text.index("## Celery") < text.index(REMATCH_HEADING) < text.index("## What the bench found")
    assert text.rstrip().endswith("findings")


@pytest.mark.django_db
def test_the_step_subscribes_every_bench_owner_and_tells_the_next_nights_new_measure(policy_data):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the bench's SQL is PostgreSQL's")
    from bench.generate import generate
    from bench.rematch import new_measure, subscribe_everyone

    generate(enterprises=30, applications=60, log=lambda message: None)
    assert subscribe_everyone() == 30 == MeasureSubscription.objects.count()
    assert send_measure_digests(tell=False)["measures_known"] == MeasureAlert.objects.count() > 0
    new_measure()
    counts = send_measure_digests()
    assert counts["digests"] == Notice.objects.filter(kind=NoticeKind.MEASURE_DIGEST).count() > 0
