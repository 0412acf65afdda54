"""A real Celery worker for tests: a subprocess that consumes a queue of its own on Redis and uses the test database.

Tests use the `celery_worker_process` fixture (tests/conftest.py), which yields a started `CeleryWorker`. While it
runs, every task this test process sends (`task.delay()`, `transaction.on_commit(...)`) goes to the worker's queue
on the worker's Redis database, and the worker's own sends (a sweep queueing per-case tasks) stay on that queue too.

This module is also the worker's Celery app module (`celery -A tests.celery_harness worker`): the portal's own app
(`portal.celery.app`, same configuration and tasks), plus, in the worker process only, the routing to the test's
queue, an event log of the tasks it receives and finishes, and optionally a moved clock (time-machine).
"""

import datetime
import email
import email.message
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from celery import signals

from portal.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
DEFAULT_REDIS_DB = 15
FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
IN_WORKER = os.environ.get("CELERY_HARNESS_WORKER") == "1"


def harness_redis_url() -> str | None:
    """Return the Redis URL the test worker uses: CELERY_HARNESS_REDIS_URL, else REDIS_URL on database 15."""
    if explicit := os.environ.get("CELERY_HARNESS_REDIS_URL"):
        return explicit
    if not (base := os.environ.get("REDIS_URL")):
        return None
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{DEFAULT_REDIS_DB}"))


def redis_problem(url: str | None) -> str | None:
    """Return why Redis at url cannot be used, or None if it answers."""
    if not url:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"{url}: {error}"
    return None


def database_url(settings_dict: dict) -> str:
    """Return a DATABASE_URL naming the database of a Django connection (the test database during tests)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def read_mail(directory: Path) -> list[email.message.EmailMessage]:
    """Return the messages Django's file backend wrote to directory, oldest file first.

    Each is an `email.message.EmailMessage` (policy `default`): headers decoded (`message["Subject"]`,
    `message["To"]`) and `message.get_body(("plain",)).get_content()` the decoded text.
    """
    if not directory.exists():
        return []
    messages = []
    for path in sorted(directory.iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name)):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


class CeleryWorker:
    """One `celery worker --pool=solo` subprocess, restartable, with its queue, mail directory and event log.

    now:                the worker's clock starts there (time-machine, ticking), e.g. to run a daily task's
                        date logic; None for the real time. Use the same instant in the test (time_machine.travel).
    env:                extra environment variables for the worker (e.g. {"ADMINS": "ops@example.cn"}).
    visibility_timeout: seconds before Redis redelivers a message a killed worker had taken (short here, so a
                        test of a killed worker does not wait an hour).
    """

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        directory: Path,
        now: datetime.datetime | None = None,
        env: dict[str, str] | None = None,
        visibility_timeout: int = 30,
        beat_every: float | None = None,
    ) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.directory = directory
        self.mail_dir = directory / "mail"
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.hostname = f"{self.queue}@%h"
        self.now = now
        self.env = dict(env or {})
        assert visibility_timeout >= 3, "the visibility timeout must leave room for the time limits below it"
        self.visibility_timeout = visibility_timeout
        self.beat_every = beat_every
        self.process: subprocess.Popen | None = None
        self.runs = 0
        self.mail_dir.mkdir(parents=True, exist_ok=True)

    # Process control

    def start(self, *, now: datetime.datetime | None = None, env: dict[str, str] | None = None) -> "CeleryWorker":
        """Start the worker (now and env replace the constructor's if given) and wait until it consumes."""
        assert self.process is None or self.process.poll() is not None, "the worker is running"
        if now is not None:
            self.now = now
        if env is not None:
            self.env = dict(env)
        self.runs += 1
        environment = {
            **os.environ,
            **self.env,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_VISIBILITY_TIMEOUT": str(self.visibility_timeout),
            # The settings refuse time limits above the visibility timeout (the solo pool does not enforce them).
            "CELERY_TASK_SOFT_TIME_LIMIT": str(self.visibility_timeout // 2),
            "CELERY_TASK_TIME_LIMIT": str(self.visibility_timeout - 1),
            "TEST_EMAIL_BACKEND": FILE_EMAIL_BACKEND,
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "TEST_CACHE_KEY_PREFIX": self.queue,
            # The worker's cache and broker are on the harness's database, not on the tests' (portal/settings/test.py).
            "TEST_REDIS_URL": self.redis_url,
            "CELERY_HARNESS_WORKER": "1",
            "CELERY_HARNESS_QUEUE": self.queue,
            "CELERY_HARNESS_EVENTS": str(self._events_path(self.runs)),
            "CELERY_HARNESS_NOW": self.now.isoformat() if self.now else "",
            "CELERY_HARNESS_BEAT_EVERY": str(self.beat_every or ""),
        }
        command = [
            str(CELERY),
            "-A",
            "tests.celery_harness",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            self.queue,
            "-n",
            self.hostname,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.beat_every:
            # Beat inside the worker, running the portal's real schedule entries every beat_every seconds.
            command += [
                "-B",
                "--scheduler",
                "celery.beat:PersistentScheduler",
                "-s",
                str(self.directory / "beat-schedule"),
            ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()
        return self

    def stop(self, timeout: float = 15) -> None:
        """Stop the worker warmly (SIGTERM: it finishes its task, returns unstarted ones to the queue)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL), as a crash would: its unacknowledged task waits in Redis."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, **kwargs) -> "CeleryWorker":
        """Stop the worker if it runs and start it again (see start for the arguments)."""
        self.stop()
        return self.start(**kwargs)

    # What the worker did

    @property
    def log_path(self) -> Path:
        return self.directory / "worker.log"

    def log(self) -> str:
        """Return everything the worker printed, over all its runs."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def events(self, run: int | None = None) -> list[dict]:
        """Return the worker's task events (received, finished with its state, unknown), of one run or all."""
        runs = [run] if run is not None else range(1, self.runs + 1)
        events = []
        for number in runs:
            path = self._events_path(number)
            if path.exists():
                events += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return events

    def finished(self, name: str | None = None) -> list[dict]:
        """Return the events of task runs that ended (state SUCCESS, FAILURE, RETRY...), optionally of one task."""
        return [e for e in self.events() if e["event"] == "finished" and (name is None or e["name"] == name)]

    def sent_mail(self) -> list[email.message.EmailMessage]:
        """Return every message the worker sent (see read_mail)."""
        return read_mail(self.mail_dir)

    def wait_until_idle(self, timeout: float = 30, *, raise_on_error: bool = True) -> None:
        """Wait until every task queued for the worker has run (ETAs and retries included).

        Then, unless raise_on_error is False, fail if any task failed or was unknown to the worker, with the error.
        """
        deadline = time.monotonic() + timeout
        quiet_polls = 0
        while quiet_polls < 3:
            if time.monotonic() > deadline:
                raise AssertionError(f"the Celery worker was still busy after {timeout}s\n{self._tail()}")
            if self.process is None or self.process.poll() is not None:
                raise AssertionError(f"the Celery worker is not running\n{self._tail()}")
            quiet_polls = quiet_polls + 1 if self._idle() else 0
            time.sleep(0.15)
        if raise_on_error:
            errors = [e for e in self.events() if e["event"] in ("error", "unknown")]
            assert not errors, f"tasks failed in the worker: {errors}\n{self._tail()}"

    def wait_for_event(self, event: str, name: str, timeout: float = 30) -> dict:
        """Wait until this run of the worker logs event ("received", "started", "finished") for task name."""
        deadline = time.monotonic() + timeout
        while True:
            for logged in self.events(self.runs):
                if logged["event"] == event and logged["name"] == name:
                    return logged
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event} event for {name} after {timeout}s\n{self._tail()}")
            time.sleep(0.1)

    def wait_for_mail(self, count: int, timeout: float = 30) -> list[email.message.EmailMessage]:
        """Wait until the worker has sent at least count messages; return them all."""
        deadline = time.monotonic() + timeout
        while len(messages := self.sent_mail()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(messages)} of {count} messages after {timeout}s\n{self._tail()}")
            time.sleep(0.15)
        return messages

    # Broker state

    def redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url)

    def pending_messages(self) -> int:
        """Return the messages for this worker's queue still in Redis: waiting, or taken and not acknowledged."""
        client = self.redis()
        waiting = sum(
            client.llen(key) for key in client.scan_iter(match=f"{self.queue}*") if client.type(key) == b"list"
        )
        taken = sum(1 for _tag, raw in client.hscan_iter("unacked") if json.loads(raw)[2] == self.queue)
        return waiting + taken

    def purge(self) -> None:
        """Remove this worker's queue, bindings and unacknowledged messages from Redis."""
        client = self.redis()
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)
        for tag, raw in client.hscan_iter("unacked"):
            if json.loads(raw)[2] == self.queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)

    # Internals

    def _events_path(self, run: int) -> Path:
        return self.directory / f"events-{run}.jsonl"

    def _tail(self, lines: int = 60) -> str:
        return "--- worker log (last lines) ---\n" + "\n".join(self.log().splitlines()[-lines:])

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["event"] == "ready" for e in self.events(self.runs)):
            if self.process.poll() is not None:
                raise AssertionError(f"the Celery worker exited with {self.process.returncode}\n{self._tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the Celery worker was not ready after {timeout}s\n{self._tail()}")
            time.sleep(0.1)

    def _idle(self) -> bool:
        events = self.events(self.runs)
        received = sum(e["event"] == "received" for e in events)
        finished = sum(e["event"] == "finished" for e in events)
        return received == finished and self.pending_messages() == 0


@contextmanager
def routed_to(worker: CeleryWorker):
    """Send this process's tasks to the worker's queue on its Redis for the duration, then restore the app."""
    conf = app.conf
    saved = {
        key: conf[key] for key in ("broker_url", "broker_transport_options", "task_default_queue", "task_always_eager")
    }

    def reset_pools() -> None:
        # kombu keeps one pool per broker URL for the process (pools.connections): drop the app's references only,
        # so the next send picks the pool of the current URL.
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    conf.broker_url = worker.redis_url
    conf.broker_transport_options = {"visibility_timeout": worker.visibility_timeout}
    conf.task_default_queue = worker.queue
    conf.task_always_eager = False
    try:
        yield
    finally:
        reset_pools()
        conf.update(saved)


# In the worker process: the test's queue for the tasks the worker sends, the event log and the clock.

if IN_WORKER:
    if now := os.environ.get("CELERY_HARNESS_NOW"):
        import time_machine

        time_machine.travel(datetime.datetime.fromisoformat(now), tick=True).start()

    app.conf.task_default_queue = os.environ["CELERY_HARNESS_QUEUE"]
    app.conf.task_always_eager = False
    if every := os.environ.get("CELERY_HARNESS_BEAT_EVERY"):
        from django.conf import settings as django_settings

        app.conf.beat_schedule = {
            name: {**entry, "schedule": float(every)} for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items()
        }
    app.conf.worker_enable_remote_control = False
    # Look for the messages of a killed worker every second, not every 100 s, once their visibility timeout is past.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    _events_file = Path(os.environ["CELERY_HARNESS_EVENTS"])

    def _record(**event) -> None:
        with _events_file.open("a") as stream:
            stream.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")

    @signals.worker_ready.connect(weak=False)
    def _ready(**kwargs) -> None:
        _record(event="ready", pid=os.getpid())

    @signals.task_received.connect(weak=False)
    def _received(request, **kwargs) -> None:
        _record(event="received", id=request.id, name=request.name, eta=request.eta)

    @signals.task_prerun.connect(weak=False)
    def _started(task_id, task, **kwargs) -> None:
        _record(event="started", id=task_id, name=task.name)

    @signals.task_failure.connect(weak=False)
    def _failure(task_id, exception, traceback, einfo, **kwargs) -> None:
        _record(event="error", id=task_id, name=kwargs["sender"].name, exception=repr(exception), traceback=str(einfo))

    @signals.task_postrun.connect(weak=False)
    def _finished(task_id, task, state, retval, **kwargs) -> None:
        _record(event="finished", id=task_id, name=task.name, state=state, result=retval)

    @signals.task_revoked.connect(weak=False)
    def _revoked(request, **kwargs) -> None:
        _record(event="finished", id=request.id, name=request.name, state="REVOKED")

    @signals.task_unknown.connect(weak=False)
    def _unknown(name, id, message, exc, **kwargs) -> None:
        _record(event="unknown", id=id, name=name, exception=repr(exc))

    @app.task(name="harness.block_once")
    def block_once(path: str, seconds: float) -> str:
        """Sleep the first time (a task to kill the worker during), return at once when delivered again."""
        marker = Path(path)
        if marker.exists():
            return "again"
        marker.touch()
        time.sleep(seconds)
        return "first"
