"""Django's Redis cache, with one Redis client per connection pool instead of one per call, that fails open.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache operation, and redis-py's
constructor copies its table of ~170 response callbacks each time: about a tenth of the web CPU of a cached queue
page, which makes two cache reads (the session and the page). A ``redis.Redis`` object holds no connection of its
own (it borrows one from the pool for each command and gives it back) and is safe to share between threads, so one
object per pool does the same work. The pool itself notices a fork and opens new connections in the child.

If Redis cannot be reached, the cache fails open: a read is a miss, a write keeps nothing, and the pages are served
without it (sessions are read from the database, accounts/sessions.py; a queue page is rendered afresh). Counters
(``add``, ``incr``) are different: a rate limit cannot count in a cache that is not there, so they raise
``CacheUnavailable`` and the rate limiter counts in the process instead (accounts/security.py). After a failure the
cache is not tried again for ``RETRY_SECONDS``, so that an outage costs one connection timeout, not one per call; the
first failure of each outage is logged.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# Without timeouts a Redis that does not answer (rather than refusing) would hold every request forever.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """The cache could not be reached for an operation that cannot simply be skipped (a counter)."""


# When each Redis server (by its address) may be tried again; shared by the cache objects of every thread.
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._server_name = str(server)

    # Whether Redis is worth trying, and what happens when it is not there.

    def _available(self) -> bool:
        return _down_until.get(self._server_name, 0.0) <= time.monotonic()

    def _went_down(self, operation: str, error: Exception) -> None:
        with _down_lock:
            first = self._available()
            _down_until[self._server_name] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "Redis cache unreachable (%s: %s); serving without it, next try in %ss",
                operation,
                error,
                RETRY_SECONDS,
            )

    def _read(self, operation: str, default, *args, **kwargs):
        if not self._available():
            return default
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._went_down(operation, error)
            return default

    def _count(self, operation: str, *args, **kwargs):
        if not self._available():
            raise CacheUnavailable(f"Redis cache unreachable ({operation})")
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._went_down(operation, error)
            raise CacheUnavailable(f"Redis cache unreachable ({operation})") from error

    # Reads are misses and writes keep nothing while Redis is away.

    def get(self, key, default=None, version=None):
        return self._read("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._read("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._read("has_key", False, key, version)

    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        self._read("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._read("set_many", [], data, timeout, version)

    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._read("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._read("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._read("delete_many", None, keys, version)

    def clear(self):
        return self._read("clear", False)

    # Counters cannot be skipped: the caller decides what to do without them.

    def add(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._count("add", key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._count("incr", key, delta, version)
