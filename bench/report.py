"""Write bench/RESULTS.md from var/bench/results.json (what bench.run measured) and bench/FINDINGS.md (by hand)."""

from __future__ import annotations

from pathlib import Path

from bench.run import BENCH_DIR, TARGETS

QUEUE_PAGES = {"queue", "queue_deep", "queue_status", "queue_measure", "queue_status_deep"}


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("达到 ✅" if ok else "未达到 ❌")


def write_report(results: dict, path: Path) -> None:
    machine, data, cfg = results.get("machine", {}), results.get("data", {}), results.get("config", {})
    lines = [
        "# 性能基准：百万申请 (Benchmarks at a million cases, issue 7)",
        "",
        "Written by `make bench` (`python -m bench.run`); the findings and fixes at the end are kept by hand in",
        "`bench/FINDINGS.md`. Re-run `make bench` to refresh the numbers.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs | {machine.get('cpus')} × {machine.get('cpu')} |",
        f"| Memory | {machine.get('memory_gb')} GB |",
        f"| OS | {machine.get('os')} |",
        f"| Python | {machine.get('python')} |",
        f"| PostgreSQL | {machine.get('postgres')} |",
        f"| Redis | {machine.get('redis')} |",
        f"| Load tool | {machine.get('wrk')} |",
        "",
        "## Data",
        "",
        "| table | rows |",
        "|---|---:|",
    ]
    for key in ["enterprises", "users", "applications", "events", "payments", "notices", "measures"]:
        if key in data:
            lines.append(f"| {key} | {data[key]:,} |")
    generation = results.get("generation")
    if generation:
        line = f"Generated in {generation['seconds']:.0f} s ({generation['at']}) by `bench/generate.py` (COPY)"
        if "settle_seconds" in generation:
            line += f", then `VACUUM (ANALYZE)` and `CHECKPOINT` ({generation['settle_seconds']:.0f} s)"
        lines += ["", line + "."]
    subjects = results.get("subjects", {})
    http = results.get("http", {})
    lines += [
        "",
        "## How it was measured",
        "",
        "```",
        "make bench        # = .venv/bin/python -m bench.run (prepare, http, sweep, celery, report)",
        "```",
        "",
        "- Database `" + cfg.get("database_url", "?").rsplit("/", 1)[-1] + "` of its own; Redis "
        f"`{cfg.get('redis_url', '?')}`.",
        "- Server: `gunicorn portal.wsgi --workers 2`, `DJANGO_SETTINGS_MODULE=portal.settings.production` (DEBUG off),"
        " `CONN_MAX_AGE=60`, the same for the baseline and every page. Requests carry `X-Forwarded-Proto: https` as"
        " from the TLS proxy the production settings expect.",
        "- Staff two-factor is on, as in production (`STAFF_OTP_REQUIRED=True`): the bench signs the reviewer in"
        " with the password and then the current one-time code of an authenticator device it sets up"
        " (`bench.run.one_time_code`), so each of the reviewer's requests also loads that device, as a real"
        " reviewer's does. Sessions are read from Redis (`accounts.sessions`), as in production.",
        f"- Load: `wrk -t1 -c{cfg.get('connections')} -d{cfg.get('seconds')}s` per page after a 2 s warm-up;"
        " signed in through the login form (session cookie) as the reviewer with the largest queue"
        f" (`{subjects.get('reviewer')}`, {subjects.get('reviewer_queue', 0):,} cases) and as the enterprise with"
        f" the most cases (`{subjects.get('enterprise_user')}`, {subjects.get('enterprise_cases')} cases).",
        f"- Load average before the HTTP step: {', '.join(f'{x:.2f}' for x in http.get('loadavg_before', []))};"
        f" measured {http.get('at', '?')}.",
        "",
        "## Pages: requests per second against the baseline",
        "",
        "Requests per second are what the server did while the rest of the machine was busy as well (see the load"
        " average above); the web workers' CPU time per request (from `/proc`, user + system, the database's own"
        " work not included) is less disturbed by that, and its ratio to the baseline's is the ratio the pages would"
        " reach on a machine doing nothing else, as far as the web workers are the bottleneck. Since the machine's"
        " pace drifts over the minutes of a pass, each page is measured right after"
        f" {cfg.get('pair_seconds', '?')} s of the baseline in the same server, and its ratios are to that run"
        " (the columns 基线; the first row is the pass's own first run of the baseline).",
        "",
        "The queue's pages are measured three times, each pass with its own baseline from the same server:"
        " **as served**, where a page rendered since the last change to a case of the district comes from the cache"
        " (`applications/queue_cache.py`; the load tool asks for the same page again and again, as a reviewer"
        " refreshing the queue does); with the **page cache off** and the rendered rows kept"
        " (`QUEUE_CACHE_SECONDS=0`, marked 页面缓存关闭，行取自缓存), about what the first look after a change to one"
        " case costs (that look renders the changed row again; here no row changes); and with **both off**"
        " (`QUEUE_ROW_CACHE_SECONDS=0` as well, marked 缓存全部关闭), what a look costs when every row on it is new."
        " The target applies to the pages as served.",
        "",
        "| page | path | req/s | p50 | p99 | 基线 req/s | ratio to baseline | web CPU ms / request | 基线 CPU ms |"
        " ratio by CPU | target (1/6) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += _page_rows(http.get("pages", []), cfg)
    lines += _first_looks(http.get("pages", []))
    sweep = results.get("sweep", {})
    lines += ["", "## Deadline sweep over all open cases", ""]
    runs = [(mode, sweep[mode]) for mode in ("catch-up", "steady") if mode in sweep]
    missing = [entry["missing"] for _mode, entry in runs if "missing" in entry]
    if missing:
        lines.append(f"Not measured: {missing[0]}.")
    elif runs:
        lines += [
            "`python -m bench.sweep` runs `applications.deadlines.reminders.sweep_deadlines()` over all open cases in a process"
            " of its own. **catch-up** is its first run over the generated data, run as the Celery task runs it"
            " (each chunk commits and queues its e-mails) and kept: it writes the reminders the data is due and lapses"
            " the overdue corrections, as a live portal has long since done; its rate counts that writing. **steady** is"
            " what the schedule's run every 15 minutes does, timed inside a transaction that is rolled back. Peak"
            " memory is the process's peak resident set (`getrusage`), Django included.",
            "",
            "| run | open cases | seconds | cases per second | RSS before / peak (MB) | target | counts |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for mode, entry in runs:
            ok = entry["cases_per_second"] >= TARGETS["sweep_rate"] and entry["peak_rss_mb"] < TARGETS["sweep_rss_mb"]
            if mode == "steady":
                target = f"≥ 100,000/s, < 150 MB: {_mark(ok)}"
            else:
                target = f"< 150 MB: {_mark(entry['peak_rss_mb'] < TARGETS['sweep_rss_mb'])}"
            lines.append(
                f"| {mode} | {entry['open_cases']:,} | {entry['seconds']} | {entry['cases_per_second']:,} |"
                f" {entry['rss_before_mb']} / {entry['peak_rss_mb']} | {target} | {entry['counts']} |"
            )
    celery = results.get("celery", {})
    lines += ["", "## Celery reminder throughput", ""]
    if "missing" in celery:
        lines.append(f"Not measured: {celery['missing']}.")
    elif celery:
        ok = celery["tasks_per_second"] >= TARGETS["celery_rate"] and not celery["unfinished"]
        batch = celery.get("batch", 1)
        lines += [
            f"{celery['tasks']:,} pending notices, queued to Redis as the portal queues them"
            f" (`applications.notices.tasks.enqueue`: `send_notices` tasks of {batch} notices, each over one"
            " mail-server connection) while the worker runs"
            f" (`{celery['command']}`; late acknowledgement and prefetch 1 from the settings, in-memory e-mail"
            " backend), timed from the first task queued to the last notice marked sent.",
            "",
            "| reminders | per task | sent | seconds | of which queuing | reminders per second | target |",
            "|---:|---:|---:|---:|---:|---:|---|",
            f"| {celery['tasks']:,} | {batch} | {celery['sent']:,} | {celery['seconds']} |"
            f" {celery['enqueue_seconds']} | {celery['tasks_per_second']} | ≥ 500/s: {_mark(ok)} |",
        ]
    lines += ["", *rematch_lines(results)]
    findings = BENCH_DIR / "FINDINGS.md"
    if findings.exists():
        lines += ["", findings.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")


REMATCH_HEADING = "## Nightly re-match of subscriptions"


def rematch_lines(results: dict) -> list[str]:
    """Return the section of RESULTS.md on the nightly re-match (bench/rematch.py)."""
    rematch = results.get("rematch", {})
    lines = [REMATCH_HEADING, ""]
    runs = [(mode, rematch[mode]) for mode in ("baseline", "steady") if isinstance(rematch.get(mode), dict)]
    runs = [(mode, entry) for mode, entry in runs if "seconds" in entry]
    if not runs:
        return [*lines, "Not measured."]
    lines += [
        "`python -m bench.rematch` runs `applications.subscriptions.rematch.send_measure_digests()` (the beat task"
        " `send-measure-digests`) in a process of its own, with every bench enterprise's owner subscribed (one in ten"
        " also following a district, one in ten a kind of help). **baseline** records, for every subscriber, the open"
        " measures in reach the enterprise already qualifies or might qualify for as known (what subscribing does;"
        " kept). **steady** is the next night after one new measure was loaded: every subscriber re-matched against"
        " the open measures and the new one, and one digest written per person told of it, in a transaction rolled"
        " back. Peak memory is the process's peak resident set (`getrusage`), Django included.",
        "",
        "| run | subscribers | seconds | subscribers per second | RSS before / peak (MB) | target | counts |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for mode, entry in runs:
        ok = entry["seconds"] <= TARGETS["rematch_seconds"] and entry["peak_rss_mb"] < TARGETS["rematch_rss_mb"]
        target = f"≤ {TARGETS['rematch_seconds']} s, < {TARGETS['rematch_rss_mb']} MB: {_mark(ok)}"
        lines.append(
            f"| {mode} | {entry['subscribers']:,} | {entry['seconds']} | {entry['subscribers_per_second']:,} |"
            f" {entry['rss_before_mb']} / {entry['peak_rss_mb']} | {target} | {entry['counts']} |"
        )
    loads = "; ".join(
        f"{mode} {', '.join(f'{x:.2f}' for x in entry['loadavg_before'])}"
        for mode, entry in runs
        if "loadavg_before" in entry
    )
    lines += [
        "",
        f"Measured {rematch.get('at', '?')}" + (f"; load average before each run: {loads}." if loads else "."),
    ]
    return lines


def write_rematch_section(results: dict, path: Path) -> None:
    """Put the re-match's section into RESULTS.md, in place of the one there (before the findings), or start it."""
    section = "\n".join(rematch_lines(results)) + "\n"
    text = path.read_text() if path.exists() else "# 性能基准 (Benchmarks)\n"
    if REMATCH_HEADING in text:
        before, rest = text.split(REMATCH_HEADING, 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        text = before + section + ("\n" + after if after else "")
    elif "## What the bench found" in text:
        before, after = text.split("## What the bench found", 1)
        text = before + section + "\n## What the bench found" + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _first_looks(pages: list[dict]) -> list[str]:
    """The table of bench.first_looks: each page as first rendered, against the targets of issues 19 and 22."""
    from bench.first_looks import CPU_TARGETS, MATCHING_TARGET_MS

    first = [page for page in pages if page.get("pass") == "first"]
    if not first:
        return []
    lines = [
        "",
        "## First looks: each page as rendered for the first time",
        "",
        "`bench/first_looks.py`: every request of a run is another address or another person, so that no cache"
        " answers it: the reviewer's queue over eight filters and all their pages and the case pages of up to 3,000"
        " cases (both queue caches off: `QUEUE_CACHE_SECONDS=0`, `QUEUE_ROW_CACHE_SECONDS=0`), matching and the case"
        " list each for another enterprise (up to 3,000, sessions written into the store), the library's search for"
        " 72 queries. wrk walks the list with a Lua script (`var/bench/<database>/<page>.lua`); 不同请求 is the"
        " length of the list, and a run that asks for more wraps round (marked ↻: for the queue with its caches off"
        " that renders again; elsewhere a cache could answer). Targets: web CPU within 10× `/healthz/`'s in the same"
        f" run (ratio by CPU ≥ 0.1); matching under {MATCHING_TARGET_MS} ms of web CPU.",
        "",
        "| page | requests / 不同请求 | req/s | p50 | p99 | web CPU ms / request | 基线 CPU ms | × 基线 CPU | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in first:
        cpu, base = page.get("cpu_ms_per_request"), page.get("baseline_cpu_ms")
        times = cpu / base if cpu and base else None
        target = ""
        if page["key"] in CPU_TARGETS and times is not None:
            target = f"≤ {CPU_TARGETS[page['key']]}×: " + _mark(times <= CPU_TARGETS[page["key"]])
        elif page["key"] == "matching_first" and cpu is not None:
            target = f"< {MATCHING_TARGET_MS} ms: " + _mark(cpu < MATCHING_TARGET_MS)
        distinct = page.get("distinct")
        count = f"{page['requests']:,} / {distinct:,}{' ↻' if page.get('wrapped') else ''}" if distinct else ""
        lines.append(
            f"| {page['name']} | {count} | {page['rps']:.1f} | {page['p50']} | {page['p99']} | {cpu} | {base} |"
            f" {f'{times:.1f}' if times is not None else '—'} | {target} |"
        )
    return lines


def _page_rows(pages: list[dict], cfg: dict) -> list[str]:
    lines = []
    for page in pages:
        if page.get("pass") == "first":
            continue  # their own table, below
        target = ""
        if page["key"] in QUEUE_PAGES:
            target = _mark(page["ratio"] >= TARGETS["queue_ratio"])
        if not page["requests"]:
            lines.append(
                f"| {page['name']} | `{page['path']}` | none completed in {cfg.get('seconds')} s | | |"
                f" {page.get('baseline_rps', '')} | 0 | | | | {target} |"
            )
            continue
        cpu, cpu_ratio = page.get("cpu_ms_per_request"), page.get("cpu_ratio")
        base_rps, base_cpu = page.get("baseline_rps"), page.get("baseline_cpu_ms")
        lines.append(
            f"| {page['name']} | `{page['path']}` | {page['rps']:.1f} | {page['p50']} | {page['p99']} |"
            f" {f'{base_rps:.1f}' if base_rps is not None else '—'} | {page['ratio']:.3f} |"
            f" {cpu if cpu is not None else '—'} | {base_cpu if base_cpu is not None else '—'} |"
            f" {f'{cpu_ratio:.3f}' if cpu_ratio is not None else '—'} | {target} |"
        )
    return lines
