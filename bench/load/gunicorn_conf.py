"""gunicorn hooks that measure each request inside the worker that serves it (sync workers: one at a time).

For every request: the page (the X-Load-Page header the Locust user sends), the web CPU (process time), the CPU of
the PostgreSQL backend serving this worker's connection (from /proc/<pid>/schedstat, nanoseconds) and the cache's
hits and misses (Django's cache `get`/`get_many`, counted in the process). One line per request in
LOAD_WEB_LOG.<pid>; bench/load/run.py adds them up per page.
"""

from __future__ import annotations

import os
import time

_state = {"cpu": 0.0, "db": 0, "backend": None, "hits": 0, "misses": 0, "log": None}
_MISSING = object()


def _backend_ns(pid) -> int:
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _backend_pid():
    from django.db import connection

    raw = connection.connection
    return getattr(getattr(raw, "info", None), "backend_pid", None) if raw is not None else None


def post_worker_init(worker):
    from django.core.cache import caches

    cache_class = type(caches["default"])  # the class in use: portal.cache.RedisCache in production
    get, get_many = cache_class.get, cache_class.get_many

    def counted_get(self, key, default=None, version=None):
        value = get(self, key, _MISSING, version)
        _state["hits" if value is not _MISSING else "misses"] += 1
        return default if value is _MISSING else value

    def counted_get_many(self, keys, version=None):
        keys = list(keys)
        found = get_many(self, keys, version)
        _state["hits"] += len(found)
        _state["misses"] += len(keys) - len(found)
        return found

    cache_class.get, cache_class.get_many = counted_get, counted_get_many
    _state["log"] = open(f"{os.environ['LOAD_WEB_LOG']}.{os.getpid()}", "a", buffering=1)


def pre_request(worker, req):
    _state["cpu"] = time.process_time()
    pid = _backend_pid()
    _state["backend"], _state["db"] = pid, _backend_ns(pid) if pid else 0
    _state["hits0"], _state["misses0"] = _state["hits"], _state["misses"]


def post_request(worker, req, environ, resp):
    cpu = time.process_time() - _state["cpu"]
    pid = _backend_pid() or _state["backend"]
    db = (_backend_ns(pid) - (_state["db"] if pid == _state["backend"] else 0)) / 1e6 if pid else 0.0
    page = next((v for k, v in req.headers if k == "X-LOAD-PAGE"), "-").replace(",", " ")
    hits, misses = _state["hits"] - _state["hits0"], _state["misses"] - _state["misses0"]
    status = getattr(resp, "status_code", 0)
    _state["log"].write(f"{time.time():.3f},{page},{cpu * 1000:.3f},{max(db, 0.0):.3f},{hits},{misses},{status}\n")
