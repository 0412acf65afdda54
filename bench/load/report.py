"""bench/LOAD.md: what the load run measured, per topology, per step of the ramp and per page."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from bench import run as bench
from bench.load.arith import P95_LIMIT_MS, nodes_for, percentile, step_ok, sustainable

BARE = "bare /healthz/"
# The pages one submission goes through (bench/load/locustfile.py Enterprise.submit), in order.
SUBMISSION = [
    "start form",
    "start",
    "application form",
    "save draft + PDF",
    "application form",
    "to review",
    "confirm page",
    "submit",
    "my case",
]
NODE_CORES = 8  # the production web node of DEPLOY.md
TARGET_RATIO = 10  # a page's uncached web CPU within 10× the bare view's (issue 22); a submission within 20×


def read_requests(var: Path) -> tuple[list[dict], dict]:
    """Return the ramp's steps (users, seconds, times, failures) and, per page, the requests of the last step
    that was carried (or the first step, if none was)."""
    rows, starts = [], {}
    with open(var / "requests.csv", encoding="utf-8") as handle:
        for t, step, name, ms, failed in csv.reader(handle):
            if name == "__step__":
                starts[int(step)] = (float(t), int(float(ms)))
            else:
                rows.append((float(t), int(step), name, float(ms), failed == "1"))
    steps = []
    for index, (start, users) in sorted(starts.items()):
        if users == 0:
            continue
        mine = [r for r in rows if r[1] == index]
        end = max((r[0] for r in mine), default=start)
        steps.append(
            {
                "index": index,
                "users": users,
                "start": start,
                "seconds": max(end - start, 1.0),
                "times": [r[3] for r in mine],
                "failures": sum(r[4] for r in mine),
                "rows": mine,
            }
        )
    return steps, rows


def read_web(var: Path) -> list[tuple]:
    out = []
    for path in var.glob("web.log.*"):
        with open(path, encoding="utf-8") as handle:
            for t, page, cpu, db, hits, misses, status in csv.reader(handle):
                out.append((float(t), page, float(cpu), float(db), int(hits), int(misses), int(status)))
    return out


def page_table(step: dict, web: list[tuple]) -> list[dict]:
    """Per page, in one step: requests/s, p50/p95/p99, failures (Locust's side) and web CPU, database CPU and cache
    hits per request (measured in the workers)."""
    start, end = step["start"], step["start"] + step["seconds"]
    by_page = defaultdict(list)
    for row in step["rows"]:
        by_page[row[2]].append(row)
    served = defaultdict(list)
    for row in web:
        if start <= row[0] <= end + 5:
            served[row[1]].append(row)
    bare_cpu = _mean([r[2] for r in served.get(BARE, [])])
    table = []
    for page, rows in sorted(by_page.items(), key=lambda item: -len(item[1])):
        times = [r[3] for r in rows]
        work = served.get(page, [])
        cpu = _mean([r[2] for r in work])
        hits, misses = sum(r[4] for r in work), sum(r[5] for r in work)
        table.append(
            {
                "page": page,
                "requests": len(rows),
                "rps": len(rows) / step["seconds"],
                "p50": percentile(times, 0.5),
                "p95": percentile(times, 0.95),
                "p99": percentile(times, 0.99),
                "failures": sum(r[4] for r in rows),
                "web_cpu_ms": cpu,
                "db_cpu_ms": _mean([r[3] for r in work]),
                "cache_hit": hits / (hits + misses) if hits + misses else None,
                "ratio": cpu / bare_cpu if cpu is not None and bare_cpu else None,
            }
        )
    return table


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _f(value, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def _topology_lines(run: dict) -> list[str]:
    var = Path(run["var"])
    steps, _rows = read_requests(var)
    web = read_web(var)
    best = sustainable(steps)
    nodes = run["nodes"]
    title = (
        "One node (1 gunicorn × 2 workers, 1 Celery worker × 2 processes)"
        if nodes == 1
        else f"{nodes} nodes ({nodes} gunicorn × 2 workers, {nodes} Celery workers × 2 processes, nginx round robin)"
    )
    lines = [
        f"## {title}",
        "",
        "| Step | Users | Requests/s | p50 ms | p95 ms | p99 ms | Failures | Verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        verdict = "carried" if step_ok(step["times"], step["failures"]) else "over the line"
        lines.append(
            f"| {step['index'] + 1} | {step['users']} | {len(step['times']) / step['seconds']:.1f} | "
            f"{_f(percentile(step['times'], 0.5), 0)} | {_f(percentile(step['times'], 0.95), 0)} | "
            f"{_f(percentile(step['times'], 0.99), 0)} | {step['failures']} | {verdict} |"
        )
    lines.append("")
    if best:
        rate = len(best["times"]) / best["seconds"]
        lines.append(
            f"**Sustainable: {best['users']} concurrent users, {rate:.1f} requests/s** "
            f"(p95 < {P95_LIMIT_MS:.0f} ms, no failure)."
        )
    else:
        lines.append("**Sustainable: none, the first step was already over the line** (its pages below).")
    shown = best or (steps[0] if steps else None)
    if nodes > 1:
        lines.append(
            "The instances share this machine's cores with each other, nginx and Locust: this run shows that nothing "
            "lives in one process (the checks below), not what two machines carry."
        )
    lines.append("")
    if shown:
        lines += _page_lines(shown, web)
    lines += _ledger_lines(run)
    return lines


def _page_lines(step: dict, web: list[tuple]) -> list[str]:
    lines = [
        f"Per page (step {step['index'] + 1}, {step['users']} users, {step['seconds']:.0f} s):",
        "",
        "| Page | Requests | Req/s | p50 ms | p95 ms | p99 ms | Failures | Web CPU ms | DB CPU ms | Cache hits"
        " | Web CPU ÷ bare |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in page_table(step, web):
        ratio = row["ratio"]
        limit = 20 if row["page"].startswith(("save draft", "submit")) else TARGET_RATIO
        mark = "" if ratio is None or ratio <= limit or row["page"] == BARE else f" ⚠ >{limit}×"
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['rps']:.2f} | {_f(row['p50'], 0)} | {_f(row['p95'], 0)} | "
            f"{_f(row['p99'], 0)} | {row['failures']} | {_f(row['web_cpu_ms'], 2)} | {_f(row['db_cpu_ms'], 2)} | "
            f"{_f(row['cache_hit'] and row['cache_hit'] * 100, 0, ' %')} | {_f(ratio, 1, '×')}{mark} |"
        )
    lines.append("")
    lines.append(
        "Sign-in's web CPU is the password hash (Django's PBKDF2, by design); the queue's cache hits count the "
        "session's read too. A page's DB CPU is that of the backend serving the worker's connection."
    )
    return [*lines, ""]


def _ledger_lines(run: dict) -> list[str]:
    web = read_web(Path(run["var"]))
    served, hooked = len(web), sum(r[2] for r in web) / max(len(web), 1)
    ledger = run["ledger"]
    subs, msgs = ledger["submissions"], ledger["messages"]
    lines = [
        "Ledger:",
        "",
        f"- Submissions: {subs['acknowledged']} acknowledged by the portal, "
        f"{subs['acknowledged'] - subs['lost']} in the database as submitted: **lost {subs['lost']}**, "
        f"acknowledged twice {subs['acknowledged_twice']}.",
        f"- Notices: {ledger['notices']} written during the run (states {ledger['notice_states']}), owing "
        f"{msgs['owed']} messages; after the workers drained ({run['drain_seconds']} s) the mail backend had "
        f"{msgs['delivered']}: **lost {msgs['lost']}, duplicated {msgs['duplicated']}** "
        f"(messages of older notices: {msgs['other']}).",
        f"- Web CPU from /proc/<pid>/stat (utime + stime of the gunicorn workers, whole run): "
        f"{run['web_cpu_seconds']} s ÷ {served} requests = {run['web_cpu_seconds'] * 1000 / max(served, 1):.1f} ms "
        f"a request (the hooks' mean per request: {hooked:.1f} ms; the rest is the workers' own work between "
        f"requests). Locust itself used {run.get('locust_cpu_seconds', '?')} s of CPU in its "
        f"{run['locust_seconds']} s. Load average before the run (1/5/15 min): {run.get('loadavg_before')}; "
        "others' tests share the machine.",
        "",
    ]
    if run.get("cross_node"):
        lines += ["Across instances (each instance asked directly, not through nginx):", ""]
        for name, check in run["cross_node"].items():
            lines.append(f"- {name}: {'passed' if check['ok'] else '**FAILED**'} — {check['detail']}")
        lines.append("")
    return lines


def capacity(run: dict) -> dict | None:
    """What the run's sustainable step (or its first) measured per request and per submission, and what 5,000
    concurrent users and 50 submissions a second would need from it."""
    var = Path(run["var"])
    steps, _rows = read_requests(var)
    step = sustainable(steps) or (steps[0] if steps else None)
    if step is None:
        return None
    table = {row["page"]: row for row in page_table(step, read_web(var))}
    served = [r for r in read_web(var) if step["start"] <= r[0] <= step["start"] + step["seconds"] + 5]
    if not served:
        return None
    web_ms = sum(r[2] for r in served) / len(served)
    db_ms = sum(r[3] for r in served) / len(served)
    sub_web = sum(table[p]["web_cpu_ms"] or 0 for p in SUBMISSION if p in table)
    sub_db = sum(table[p]["db_cpu_ms"] or 0 for p in SUBMISSION if p in table)
    per_user = len(step["times"]) / step["seconds"] / step["users"]
    need = nodes_for(
        users=5000,
        submissions_per_second=50,
        requests_per_user_second=per_user,
        web_ms_per_request=web_ms,
        db_ms_per_request=db_ms,
        web_ms_per_submission=sub_web,
        db_ms_per_submission=sub_db,
        cores_per_node=NODE_CORES,
    )
    return {
        "users": step["users"],
        "rps": len(step["times"]) / step["seconds"],
        "per_user": per_user,
        "web_ms": web_ms,
        "db_ms": db_ms,
        "sub_web": sub_web,
        "sub_db": sub_db,
        **need,
    }


def _capacity_lines(run: dict) -> list[str]:
    c = capacity(run)
    if c is None:
        return []
    return [
        "## Capacity (DEPLOY.md quotes these)",
        "",
        f"- One node here ({bench.machine()['cpus']} cores shared with PostgreSQL, Redis and Locust; gunicorn with 2 "
        f"workers) carried {c['users']} concurrent users, {c['rps']:.1f} requests/s.",
        f"- In that step each user made {c['per_user']:.3f} requests/s; a request cost {c['web_ms']:.1f} ms of web "
        f"CPU and {c['db_ms']:.1f} ms of database CPU on average; one submission ({len(SUBMISSION)} requests) "
        f"{c['sub_web']:.0f} ms of web CPU and {c['sub_db']:.0f} ms of database CPU.",
        f"- 5,000 concurrent users: 5,000 × {c['per_user']:.3f} = {c['requests_per_second']:.0f} requests/s × "
        f"{c['web_ms']:.1f} ms, plus 50 submissions/s × {c['sub_web']:.0f} ms = {c['web_cores']:.1f} cores of web "
        f"CPU; web nodes of {NODE_CORES} cores kept at 60 %: **{c['web_nodes']} web nodes**.",
        f"- Database: {c['requests_per_second']:.0f} × {c['db_ms']:.1f} ms + 50 × {c['sub_db']:.0f} ms = "
        f"**{c['db_cores']:.1f} cores** on the primary (read-only pages could go to the streaming replica).",
        "",
    ]


def write_load_report(cfg: dict, runs: list[dict], started: str) -> None:
    m = bench.machine()
    first = runs[0]["cast"] if runs else {}
    lines = [
        "# 申报截止日负载测试 (The deadline day under load, issue 22)",
        "",
        f"Written by `make loadtest` (`python -m bench.load`) at {bench._now()} (started {started}), on a copy of "
        f"{cfg['source_database']}: {cfg['applications']:,} applications, {cfg['enterprises']:,} enterprises.",
        "",
        *(
            []
            if cfg["applications"] == 1_000_000
            else [
                f"**A quick run at {cfg['applications']:,} cases, not the million-case run: `make loadtest` (on "
                "portal_bench) replaces this file.**",
                "",
            ]
        ),
        f"Machine: {m['cpus']} × {m['cpu']}, {m['memory_gb']} GB, {m['os']}, Python {m['python']}, {m['postgres']}, "
        f"{m['redis']}. Locust runs on the same machine as the portal and takes its share of the CPU.",
        "",
        "## The mix",
        "",
        "Every signed-in user is an account of its own (visitors each have a client address of their own). Weights: "
        "visitors 5, enterprises 4, reviewers 2, finance 1; each waits 1–4 s between two actions.",
        "",
        "- Visitors: the library, its search, measure pages, the public check (公开自测), the 公示 list, and "
        "`/healthz/` (the balancer's health check, which is also the bare view).",
        "- Enterprises: sign in; matching; an estimate (the API); their applications and case; start an application, "
        "save the draft with a PDF, review and submit it (one each).",
        "- Reviewers (password and one-time code): the queue by status and pages not seen before, a case page, "
        "accept (预审通过) or return for correction (退回补正).",
        "- Finance (password and one-time code): approve a case in finance review (批准), record a payment of an "
        "approved case (登记拨付).",
        "",
        f"Ramp: {cfg['steps']} users, {cfg['step_seconds']} s a step; the run stops after the first step over the "
        f"line (p95 ≥ 1 s or any failure). Cast: {first}.",
        "",
        "How it is measured: response times by Locust. For each request, the worker that served it measures its web "
        "CPU (process time), the CPU of the PostgreSQL backend of its connection (/proc/<pid>/schedstat) and its "
        "cache hits (Django's cache get/get_many): bench/load/gunicorn_conf.py. pg_stat_statements is not in "
        "shared_preload_libraries on this server, so it is not used. 'Web CPU ÷ bare' is a page's web CPU per "
        "request over /healthz/'s in the same step; ⚠ marks a page over 10× (a submission's own steps: 20×).",
        "",
    ]
    for run in runs:
        lines += _topology_lines(run)
    if runs:
        lines += _capacity_lines(runs[0])
    cfg["load_results"].parent.mkdir(parents=True, exist_ok=True)
    cfg["load_results"].write_text("\n".join(lines) + "\n", encoding="utf-8")
