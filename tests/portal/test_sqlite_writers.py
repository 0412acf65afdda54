"""`make run` on SQLite: the web server, the Celery worker's two processes and beat write to one database file. Two
processes that each read and then write inside a transaction must both succeed, one after the other, instead of one
failing with "database is locked" (which left the demo's e-mails 待发送 and the worker's log full of tracebacks)."""

import os
import subprocess
import sys
import time

from django.conf import settings

BASE_DIR = settings.BASE_DIR

# Each process reads, then waits (at most WAIT seconds) for the other to have read too, then writes. Without a
# write lock taken when the transaction begins, both hold a read snapshot and one of the two writes is refused.
WRITER = """
import os, sys, time, django
django.setup()
from django.db import connection, transaction
flags, me = sys.argv[1], sys.argv[2]
open(os.path.join(flags, me + ".ready"), "w").close()
while not os.path.exists(os.path.join(flags, "go")):
    time.sleep(0.01)
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM walk")
        open(os.path.join(flags, me + ".read"), "w").close()
        deadline = time.monotonic() + {wait}
        while sum(name.endswith(".read") for name in os.listdir(flags)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        cursor.execute("INSERT INTO walk (who) VALUES (%s)", [me])
print("written")
"""
WAIT = 1.5


def test_two_processes_writing_to_the_sqlite_file_at_once_both_succeed(tmp_path):
    database, flags = tmp_path / "portal.sqlite3", tmp_path / "flags"
    flags.mkdir()
    import sqlite3

    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE walk (id INTEGER PRIMARY KEY, who TEXT)")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    script = WRITER.format(wait=WAIT)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(flags), name],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("worker-1", "worker-2")
    ]
    deadline = time.monotonic() + 60
    while sum(name.endswith(".ready") for name in os.listdir(flags)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    (flags / "go").touch()
    results = [writer.communicate(timeout=60) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], [err[-600:] for _out, err in results]
    with sqlite3.connect(database) as connection:
        assert sorted(who for (who,) in connection.execute("SELECT who FROM walk")) == ["worker-1", "worker-2"]
