"""`make loadtest`: the deadline day under Locust against the bench database, on one node and on two, and
bench/LOAD.md.

    python -m bench.load                            # both topologies on portal_bench (1M cases)
    BENCH_APPLICATIONS=10000 python -m bench.load   # the quick run on portal_bench_10000
    python -m bench.load report                     # LOAD.md again from the last run's results

Each topology runs on a fresh copy of the bench database (<bench database>_load, made from it as a template, so the
bench's own data is never written to), a Redis database of its own (LOAD_REDIS_URL, db 12, emptied first), the
portal served as in production (bench.run: gunicorn, production settings, two-factor for staff) and real Celery
workers; two nodes are two gunicorn instances and two workers behind nginx (bench/load/topology.py).

Environment: LOAD_STEPS (10,20,40,80,160 users), LOAD_STEP_SECONDS (60), LOAD_SPAWN_RATE (5 users/s), LOAD_STOP_EARLY
(1: stop after the first step over the line), LOAD_TOPOLOGIES (1,2), LOAD_ENTERPRISES (enterprise accounts readied,
a third of the last step and 10), LOAD_STAFF_COPIES (copies of each generated reviewer and finance officer, 2), LOAD_PORT (8780),
LOAD_REDIS_URL (redis://127.0.0.1:6379/12), LOAD_RESULTS (bench/LOAD.md at the full size, var/loadtest/<db>/LOAD.md
otherwise), LOAD_DRAIN_SECONDS (300).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

from bench import run as bench
from bench.load import topology
from bench.load.arith import deliveries, ledger

ROOT = bench.ROOT


def load_config() -> dict:
    cfg = bench.config()
    env = os.environ
    url = urllib.parse.urlsplit(cfg["database_url"])
    source = url.path.lstrip("/")
    var = ROOT / "var" / "loadtest" / source
    full = cfg["applications"] == 1_000_000
    steps = [int(n) for n in env.get("LOAD_STEPS", "10,20,40,80,160").split(",")]
    return cfg | {
        "source_database": source,
        "database_url": url._replace(path=f"/{source}_load").geturl(),
        "redis_url": env.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "port": int(env.get("LOAD_PORT", "8780")),
        "steps": steps,
        "step_seconds": int(env.get("LOAD_STEP_SECONDS", "60")),
        "topologies": [int(n) for n in env.get("LOAD_TOPOLOGIES", "1,2").split(",")],
        # Enterprise users are 4 of every 12 (the weights of bench/load/locustfile.py), each needs an account.
        "enterprises_cast": int(env.get("LOAD_ENTERPRISES", str(max(steps) // 3 + 10))),
        "staff_copies": int(env.get("LOAD_STAFF_COPIES", "2")),
        "drain_seconds": int(env.get("LOAD_DRAIN_SECONDS", "300")),
        "var": var,
        "load_results": Path(env.get("LOAD_RESULTS", bench.BENCH_DIR / "LOAD.md" if full else var / "LOAD.md")),
    }


def say(message: str) -> None:
    print(f"loadtest: {message}", flush=True)


def copy_database(cfg: dict) -> float:
    """Make the load database afresh from the bench database (CREATE DATABASE … TEMPLATE); return the seconds."""
    admin = urllib.parse.urlsplit(cfg["database_url"])._replace(path="/postgres").geturl()
    target = cfg["database_url"].rsplit("/", 1)[1]
    start = time.monotonic()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        for attempt in range(60):
            try:
                connection.execute(f'CREATE DATABASE "{target}" TEMPLATE "{cfg["source_database"]}"')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 59:
                    raise SystemExit(f"{cfg['source_database']} stays in use by others; cannot copy it") from None
                time.sleep(2)
    return round(time.monotonic() - start, 1)


def django_step(cfg: dict, step: str, *args: str) -> dict:
    """Run one of the Django-side steps below in a process of its own, on the load database."""
    env = bench.server_env(cfg) | {"PYTHONPATH": str(ROOT)}
    output = subprocess.run(
        [sys.executable, "-m", "bench.load.run", step, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _cast(var: str, enterprises: str, copies: str) -> dict:
    from bench.generate import BENCH_PASSWORD
    from bench.load.accounts import write_cast

    return write_cast(
        Path(var) / "cast.json", enterprises=int(enterprises), staff_copies=int(copies), password=BENCH_PASSWORD
    )


def _ledger(var: str, since: str) -> dict:
    """The ledger: acknowledged submissions against the database, the notices since the start against the mailbox."""
    from applications.models import Application, Event, Notice
    from applications.notices.delivery import recipient_languages

    folder = Path(var)
    lines = (folder / "ledger.jsonl").read_text().splitlines() if (folder / "ledger.jsonl").exists() else []
    acknowledged = [json.loads(line)["pk"] for line in lines]
    submitted = set(
        Application.objects.filter(pk__in=acknowledged)
        .exclude(status="draft")
        .filter(pk__in=Event.objects.filter(action="submit").values("application"))
        .values_list("pk", flat=True)
    )
    started = datetime.datetime.fromisoformat(since)
    notices = list(Notice.objects.filter(created_at__gte=started))
    languages = recipient_languages(sorted({r for n in notices for r in n.recipients}))
    owed = []
    for notice in notices:
        for recipient in notice.recipients:
            if recipient in notice.held_for:
                continue
            owed.append((recipient, notice.text_in(languages.get(recipient) or "zh-hans")[0]))
    mailbox = folder / "mailbox.jsonl"
    delivered = [tuple(json.loads(line)) for line in mailbox.read_text().splitlines()] if mailbox.exists() else []
    states = {}
    for notice in notices:
        states[notice.state] = states.get(notice.state, 0) + 1
    return {
        "submissions": ledger(acknowledged, submitted),
        "notices": len(notices),
        "notice_states": states,
        "messages": deliveries(owed, delivered),
    }


def pending_notices(cfg: dict, since: datetime.datetime) -> int:
    with psycopg.connect(cfg["database_url"]) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM applications_notice WHERE created_at >= %s AND state = 'pending'", [since]
        ).fetchone()
    return row[0]


def drain(cfg: dict, since: datetime.datetime) -> float:
    """Wait until the workers have sent every notice written since the start; return the seconds it took.

    Requests still in flight when Locust stops commit their notices a moment later: "drained" is two readings of
    nothing pending, DRAIN_QUIET seconds apart, the first DRAIN_QUIET seconds after the load stopped (one reading at
    once took 6 notices written after it for lost when the workers were stopped)."""
    start = time.monotonic()
    quiet = 0
    while time.monotonic() - start < cfg["drain_seconds"]:
        time.sleep(DRAIN_QUIET)
        quiet = quiet + 1 if pending_notices(cfg, since) == 0 else 0
        if quiet == 2:
            break
    return round(time.monotonic() - start, 1)


DRAIN_QUIET = 3  # seconds


def run_topology(cfg: dict, nodes: int) -> dict:
    var = cfg["var"] / f"{nodes}-node"
    topology.fresh_folder(var)
    say(f"{nodes} node(s): copying {cfg['source_database']} to the load database")
    copy_seconds = copy_database(cfg)
    topology.empty_redis(cfg["redis_url"])
    cast = django_step(cfg, "_cast", str(var), str(cfg["enterprises_cast"]), str(cfg["staff_copies"]))
    say(f"  cast: {cast}")
    since, loadavg = datetime.datetime.now(datetime.UTC), os.getloadavg()
    with topology.Cluster(cfg, var, nodes) as cluster:
        cpu_before = cluster.web_cpu_seconds()
        say(f"  Locust: steps {cfg['steps']} users, {cfg['step_seconds']} s each, against {cluster.url}")
        driven = topology.locust(cfg, var, cluster.url)
        web_cpu = cluster.web_cpu_seconds() - cpu_before
        drain_seconds = drain(cfg, since)
        say(f"  the workers drained the outbox in {drain_seconds} s")
        crossing = cluster.cross_node_checks() if nodes > 1 else None
        if crossing:
            drain(cfg, since)  # the checks' own transition wrote notices too
    result = django_step(cfg, "_ledger", str(var), since.isoformat())
    say(f"  ledger: {result}")
    return {
        "nodes": nodes,
        "copy_seconds": copy_seconds,
        "cast": cast,
        "locust_seconds": driven["seconds"],
        "locust_cpu_seconds": driven["cpu_seconds"],
        "drain_seconds": drain_seconds,
        "web_cpu_seconds": round(web_cpu, 2),
        "loadavg_before": [round(x, 2) for x in loadavg],
        "ledger": result,
        "cross_node": crossing,
        "var": str(var),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0].startswith("_"):
        import django

        django.setup()
        print(json.dumps({"_cast": _cast, "_ledger": _ledger}[argv[0]](*argv[1:]), ensure_ascii=False))
        return
    from bench.load.report import write_load_report

    cfg = load_config()
    if argv == ["report"]:  # LOAD.md again from the last run's results (var/loadtest/<db>/runs.json)
        saved = json.loads((cfg["var"] / "runs.json").read_text())
        runs, started = (saved, "?") if isinstance(saved, list) else (saved["runs"], saved["started"])
        cfg |= saved.get("ramp", {}) if isinstance(saved, dict) else {}
        write_load_report(cfg, runs, started)
        say(f"wrote {cfg['load_results']}")
        return
    say(f"preparing the bench database {cfg['source_database']} (reused when it holds the data asked for)")
    bench.prepare(bench.config(), {})
    started = bench._now()
    runs = [run_topology(cfg, nodes) for nodes in cfg["topologies"]]
    cfg["var"].mkdir(parents=True, exist_ok=True)
    saved = {"started": started, "runs": runs, "ramp": {"steps": cfg["steps"], "step_seconds": cfg["step_seconds"]}}
    (cfg["var"] / "runs.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1, default=str))
    write_load_report(cfg, runs, started)
    say(f"wrote {cfg['load_results']}")


if __name__ == "__main__":
    main(sys.argv[1:])
