"""The Redis cache (portal.cache) shares one client per pool: threads and forked workers still read their own values.

A session or a queue page read by one gunicorn thread must never be answered with another's: these tests write
distinct values from many threads at once, and from a child forked after the parent used the cache (as gunicorn
forks its workers), and check each reads back exactly what it wrote.
"""

import os
import threading
import uuid

import pytest
from django.conf import settings

from portal.cache import RedisCache
from tests.celery_harness import redis_problem
from tests.conftest import clear_cache, require_service


@pytest.fixture
def cache():
    url = settings.REDIS_URL  # the tests' own database (portal/settings/test.py)
    problem = redis_problem(url)
    require_service("Redis", problem is None, str(problem))
    backend = RedisCache(url, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}", "TIMEOUT": 60})
    yield backend
    clear_cache(backend)


def test_the_cache_reuses_one_client_and_still_reads_and_writes(cache):
    cache.set("page", "审核队列" * 1000)
    assert cache.get("page") == "审核队列" * 1000
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.add("hits", 0)
    assert cache.incr("hits") == 1


def test_threads_sharing_the_client_each_read_their_own_values(cache):
    errors = []

    def work(n):
        try:
            for i in range(200):
                value = f"{n}-{i}-" + "x" * (n * 37)
                cache.set(f"key-{n}", value)
                got = cache.get(f"key-{n}")
                if got != value:
                    errors.append((n, i, got[:20] if got else got))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append((n, repr(exc)))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_forked_child_reads_and_writes_through_its_own_connections(cache):
    cache.set("parent", "before the fork")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, as a gunicorn worker after the arbiter forked it
        try:
            ok = cache.get("parent") == "before the fork"
            cache.set("child", "written by the child")
            ok = ok and cache.get("child") == "written by the child"
            os.write(write, b"ok" if ok else b"no")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 2)
    os.waitpid(pid, 0)
    assert answer == b"ok"
    assert cache.get("child") == "written by the child"
    assert cache.get("parent") == "before the fork"
