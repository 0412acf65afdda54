"""Time the integrity signals on the bench database: the links looked for at a submission
(applications.integrity.links.find_links: mobile, e-mail, registered address, bank account, bans of the linked) and
the reviewer's reading of them on the case page (linked_enterprises).

Run by bench.run (step `integrity`) with the bench's settings, in a process of its own. The generated enterprises
hold no address or account, so inside one transaction that is rolled back every enterprise is given both, as real
data clusters them: an address shared by each pair of enterprises (a small office building), an account shared by
one enterprise in a thousand with another (the same finance agent's account). Then SAMPLE submitted cases are run
through find_links (each in a savepoint rolled back, so no link is kept) and through linked_enterprises; the plan of
each comparison is read with EXPLAIN to show it uses an index.

Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

SAMPLE = int(os.environ.get("BENCH_INTEGRITY_SAMPLE", "300"))


def _spread_addresses_and_accounts() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE accounts_enterprise SET
                registered_address = '北京市朝阳区望京街' || (id / 2) || '号院1号楼101室',
                address_key = '朝阳区望京街' || (id / 2) || '号院1号楼101室',
                bank_account = LPAD(CASE WHEN id %% 1000 = 1 THEN (id - 1)::text ELSE id::text END, 19, '0')
            """,
            [],
        )
        return cursor.rowcount


def _plans(enterprise) -> dict:
    """Return, for each comparison, whether PostgreSQL reads it through an index."""
    from django.db import connection
    from django.db.models.functions import Lower

    from accounts.models import Enterprise

    lookups = {
        "mobile": Enterprise.objects.filter(mobile=enterprise.mobile),
        "email": Enterprise.objects.annotate(e=Lower("email")).filter(e=enterprise.email.lower()),
        "address": Enterprise.objects.filter(address_key=enterprise.address_key),
        "bank_account": Enterprise.objects.filter(bank_account=enterprise.bank_account),
    }
    plans = {}
    for name, queryset in lookups.items():
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        plans[name] = "Index" in plan
    return plans


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def main() -> None:
    import django

    django.setup()

    from django.db import transaction

    from accounts.contact_keys import address_key
    from accounts.models import Enterprise, User
    from applications.integrity.links import find_links, linked_enterprises
    from applications.models import Application, IntegrityLink

    reader = User(username="bench-integrity", is_staff=True, is_superuser=True, is_active=True)
    result: dict = {"enterprises": Enterprise.objects.count()}
    with transaction.atomic():
        start = time.monotonic()
        result["spread"] = _spread_addresses_and_accounts()
        result["spread_seconds"] = round(time.monotonic() - start, 1)
        cases = list(Application.objects.exclude(status="draft").select_related("enterprise").order_by("?")[:SAMPLE])
        sample = cases[0].enterprise
        assert address_key(sample.registered_address) == sample.address_key, "the bench's keys are not the portal's"
        result["plans_use_an_index"] = _plans(sample)
        submit, read, found = [], [], []
        for case in cases:
            with transaction.atomic():
                begin = time.monotonic()
                links = find_links(case)
                submit.append(time.monotonic() - begin)
                found.append(len(links))
                begin = time.monotonic()
                linked_enterprises(case, reader)
                read.append(time.monotonic() - begin)
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    result.update(
        {
            "cases": len(cases),
            "links_per_case": round(statistics.mean(found), 2) if found else 0,
            "submission": _ms(submit),
            "reviewer_lookup": _ms(read),
            "links_kept": IntegrityLink.objects.count(),
        }
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
