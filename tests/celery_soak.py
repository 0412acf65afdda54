"""`make run`'s Celery without Redis, compressed in time: beat, two workers and control commands on the embedded broker.

This module is the Celery app of those processes (`celery -A tests.celery_soak worker|beat|inspect`): the portal's
app (portal.celery, its settings and broker), plus a task beat sends every SOAK_BEAT_EVERY seconds that sends a few
more, each recording its run in SOAK_RUNS. `EmbeddedCelery` starts and watches the processes from a test.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from portal.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
CHILDREN_PER_TICK = 4
SENT_BY_BEAT = "Sending due task soak-tick"


def _record(kind: str, task_id: str) -> None:
    with open(os.environ["SOAK_RUNS"], "a") as runs:
        runs.write(f"{kind} {task_id}\n")


@app.task(name="soak.tick", bind=True)
def tick(self) -> None:
    """Send CHILDREN_PER_TICK echo tasks (more traffic on the broker), then record the run."""
    for _ in range(CHILDREN_PER_TICK):
        echo.delay()
    _record("tick", self.request.id)


@app.task(name="soak.echo", bind=True)
def echo(self) -> None:
    _record("echo", self.request.id)


if every := os.environ.get("SOAK_BEAT_EVERY"):
    app.conf.beat_schedule = {"soak-tick": {"task": "soak.tick", "schedule": float(every)}}
if poll := os.environ.get("SOAK_POLL_EVERY"):
    # How often a process looks at an empty queue (kombu's default: every second). Looking fifty times as often
    # compresses hours of looking into minutes.
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, "polling_interval": float(poll)}


class EmbeddedCelery:
    """Processes of `make run`'s Celery (settings portal.settings.local, no REDIS_URL) on a broker in directory."""

    def __init__(self, directory: Path, *, beat_every: float, poll_every: float) -> None:
        self.directory = directory
        self.runs_path = directory / "runs.txt"
        self.processes: dict[str, subprocess.Popen] = {}
        database = directory / "portal.sqlite3"
        environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_FILE"}}
        self.env = environment | {
            "DJANGO_SETTINGS_MODULE": "portal.settings.local",
            "DATABASE_URL": f"sqlite:///{database}",
            "CELERY_BROKER_FILE": str(directory / "celery-broker.sqlite3"),
            "SOAK_RUNS": str(self.runs_path),
            "SOAK_BEAT_EVERY": str(beat_every),
            "SOAK_POLL_EVERY": str(poll_every),
            "PYTHONPATH": str(BASE_DIR),
        }

    def start(self, name: str, *arguments: str) -> subprocess.Popen:
        """Start `celery -A tests.celery_soak <arguments>` as process name, its output in <name>.log."""
        with open(self.log_path(name), "ab") as log:
            process = subprocess.Popen(
                [str(CELERY), "-A", "tests.celery_soak", *arguments],
                cwd=self.directory,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = process
        return process

    def start_worker(self, name: str) -> None:
        """Start a worker as Procfile.dev does (prefork pool of two, the default node name)."""
        self.start(name, "worker", "--loglevel=INFO", "--concurrency=2")

    def start_beat(self) -> None:
        schedule = str(self.directory / "beat-schedule")
        self.start("beat", "beat", "--loglevel=INFO", "--scheduler", "celery.beat:PersistentScheduler", "-s", schedule)

    def control(self, *arguments: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run a control command (e.g. "inspect", "ping") against the broker, as a developer would."""
        return subprocess.run(
            [str(CELERY), "-A", "tests.celery_soak", *arguments],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def stop(self, name: str, timeout: float = 30) -> None:
        """Stop a process warmly (SIGTERM), as Ctrl-C on honcho does; kill it if it does not stop."""
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def exited(self) -> dict[str, int]:
        """Return the processes that have exited, with their exit codes."""
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def log_path(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {path.name} ---\n{path.read_text(errors='replace')}" for path in self._log_files())

    def sent_by_beat(self) -> int:
        return self.log("beat").count(SENT_BY_BEAT)

    def messages_in_broker(self) -> int:
        """Return the messages kept in the broker's file, taken or not (kombu's SQLAlchemy transport's table)."""
        with sqlite3.connect(self.directory / "celery-broker.sqlite3") as broker:
            return broker.execute("SELECT count(*) FROM kombu_message").fetchone()[0]

    def runs(self) -> list[tuple[str, str]]:
        """Return (task kind, task id) of every task run, in order."""
        if not self.runs_path.exists():
            return []
        return [tuple(line.split()) for line in self.runs_path.read_text().splitlines() if line.strip()]

    def wait_for_runs(self, count: int, timeout: float) -> list[tuple[str, str]]:
        """Wait until at least count tasks have run; return the runs."""
        deadline = time.monotonic() + timeout
        while len(runs := self.runs()) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return runs

    def _log_files(self) -> list[Path]:
        return sorted(self.directory.glob("*.log"))
