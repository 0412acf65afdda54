"""First looks profiled in-process: the web CPU of pages rendered for the first time, against /healthz/.

    python -m bench.profile_pages queue case            # ms of CPU a page and × /healthz/, 30 first looks each
    python -m bench.profile_pages case --profile         # the same, then cProfile's top functions
    python -m bench.profile_pages all -n 60 --profile-lines 40

Pages: admin_floor (the admin's own password change form, nothing of the portal's: the floor under every staff
page), queue (the reviewer's queue over eight filters and their pages, both queue caches off), case (the admin's
case page, each a different case), enterprise_list (/applications/, each a different enterprise), library
(/library/?q=…, each a different word), publicity (/gongshi/?page=…, signed out),
matching (/matching/, each a different enterprise), healthz. Every request is another address or another person, as in
bench/first_looks.py, so no page cache answers; a few requests first warm the process (imports, template loading,
the per-process caches a server keeps), and each page is measured as often again, interleaved with /healthz/.

The database is the bench's (BENCH_DATABASE_URL, as for `python -m bench.run prepare`), under production settings
(bench.run.server_env: DEBUG off, cached template loaders, two-factor on, sessions in Redis). The sessions written
for the run are deleted afterwards. CPU is the process's (time.process_time), the test client's own work included:
the same for every page, so compare pages of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import time

PAGES = ["admin_floor", "queue", "case", "enterprise_list", "library", "publicity", "matching"]
QUEUE = "/admin/applications/application/"


def setup() -> dict:
    from bench import run

    cfg = run.config()
    os.environ.update(run.server_env(cfg))
    os.environ.update(run.FIRST_LOOK_ENV)  # both queue caches off: every queue page is rendered
    os.environ["ALLOWED_HOSTS"] += ",testserver"
    import django

    django.setup()
    return cfg


def addresses(client, page: str, count: int, subjects, cookies, reviewer) -> list[tuple[str, str | None]]:
    """`count` different (address, cookie) pairs of the page, in an order fixed by a seed."""
    from applications.workflow.permissions import applications_visible_to
    from bench import first_looks
    from bench.first_looks import LIBRARY_WORDS

    rng = random.Random(19)
    staff = cookies[reviewer.pk]
    if page == "healthz":
        return [("/healthz/", None)] * count
    if page == "admin_floor":  # the admin's own smallest page: the floor under every staff page
        return [(first_looks.ADMIN_FLOOR, staff)] * count
    if page == "queue":
        measure = subjects["busiest_measure"]
        filters = ["", "?status__exact=submitted", "?status__exact=under_review", f"?measure__id__exact={measure}"]
        filters += ["?overdue=yes", "?submitted_year=2024", "?status__exact=approved", "?sampled__exact=1"]
        pages = {f: last_page(client, QUEUE + f, staff) for f in filters}
        paths = [QUEUE + f for f in filters]
        paths += [f"{QUEUE}{f}{'&' if f else '?'}p={n}" for n in range(2, 41) for f in filters if n <= pages[f]]
        return [(path, staff) for path in paths[:count]]
    if page == "case":
        ids = list(applications_visible_to(reviewer).exclude(status="draft").values_list("pk", flat=True))
        rng.shuffle(ids)
        return [(f"{QUEUE}{pk}/change/", staff) for pk in ids[:count]]
    if page == "enterprise_list":
        return [("/applications/", cookie) for pk, cookie in cookies.items() if pk != reviewer.pk][:count]
    if page == "library":
        words = [f"{a}{b}" for a in LIBRARY_WORDS for b in ["", " 企业", " 中小", " 北京", " 区", " 2024"]]
        rng.shuffle(words)
        return [(f"/library/?q={word}", None) for word in words[:count]]
    if page == "publicity":  # /gongshi/, page by page, signed out
        return [(f"/gongshi/?page={n}", None) for n in range(1, count + 1)]
    if page == "matching":  # /matching/, each a different enterprise
        return [("/matching/", cookie) for pk, cookie in cookies.items() if pk != reviewer.pk][:count]
    raise SystemExit(f"unknown page {page!r}; one of {', '.join(PAGES)}, healthz or all")


def last_page(client, path: str, cookie: str) -> int:
    client.cookies.load(cookie)
    page = client.get(path, headers={"X-Forwarded-Proto": "https"}).content.decode()
    return max([int(n) for n in re.findall(r"[?&](?:amp;)?p=(\d+)", page)], default=1)


def get(client, path: str, cookie: str | None) -> None:
    client.cookies.clear()
    if cookie:
        client.cookies.load(cookie)
    response = client.get(path, headers={"X-Forwarded-Proto": "https"})
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")


def cpu_ms(client, entries, profiler=None, each: list[float] | None = None) -> float:
    """Mean CPU milliseconds a request over the entries (each request's in `each`, if given)."""
    start = time.process_time()
    if profiler:
        profiler.enable()
    for path, cookie in entries:
        before = time.process_time()
        get(client, path, cookie)
        if each is not None:
            each.append((time.process_time() - before) * 1000)
    if profiler:
        profiler.disable()
    return (time.process_time() - start) * 1000 / len(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help=f"{', '.join(PAGES)}, healthz or all")
    parser.add_argument("-n", type=int, default=30, help="first looks measured per page (30)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions per page")
    parser.add_argument("--profile-lines", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime (default) or cumulative")
    options = parser.parse_args()
    setup()

    from django.test import Client

    from accounts.models import Enterprise, User
    from bench import first_looks, run

    pages = PAGES if options.pages == ["all"] else options.pages
    subjects = run.choose_subjects()
    reviewer = User.objects.get(username=subjects["reviewer"])
    enterprises = Enterprise.objects.filter(email__endswith="@bench.example.cn").select_related("owner")
    owners = [e.owner for e in enterprises.order_by("pk")[: 2 * options.n + 5]]
    cookies = first_looks.signed_in_cookies([reviewer, *owners])
    client = Client()
    try:
        healthz = addresses(client, "healthz", 200, subjects, cookies, reviewer)
        cpu_ms(client, healthz)  # warm the process
        print(f"reviewer {subjects['reviewer']} ({subjects['reviewer_queue']} cases), {options.n} first looks a page")
        for page in pages:
            entries = addresses(client, page, 2 * options.n, subjects, cookies, reviewer)
            distinct = len(entries)
            if page == "queue":  # a small bench's queue has few pages; with its caches off each is rendered anew
                entries = (entries * (2 * options.n // max(1, distinct) + 1))[: 2 * options.n]
            warm, measured = entries[: options.n], entries[options.n :]
            if len(measured) < options.n:
                raise SystemExit(f"{page}: only {distinct} different addresses")
            cpu_ms(client, warm)
            profiler = cProfile.Profile(time.process_time) if options.profile else None
            base = cpu_ms(client, healthz)
            each: list[float] = []
            ms = cpu_ms(client, measured, profiler, each)
            base = (base + cpu_ms(client, healthz)) / 2
            median = statistics.median(each)
            print(
                f"{page:16} {ms:7.2f} ms CPU a page (median {median:6.2f})   /healthz/ {base:5.2f} ms"
                f" {ms / base:6.1f}×  ({distinct} addresses)"
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(options.sort).print_stats(options.profile_lines)
                print(out.getvalue())
    finally:
        first_looks.forget_sessions(cookies)


if __name__ == "__main__":
    main()
