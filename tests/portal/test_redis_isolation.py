"""The suite keeps to a Redis database and a key prefix of its own, and clears only its own keys: the database
REDIS_URL names may be shared (a portal running on it, another test run), and FLUSHDB there wiped their data."""

import os
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.celery_harness import harness_redis_url, redis_problem
from tests.conftest import clear_cache, require_service


def database(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


@pytest.fixture
def shared_redis():
    """The database REDIS_URL names, as someone else uses it."""
    url = os.environ.get("REDIS_URL")
    problem = redis_problem(url)
    require_service("Redis", problem is None, str(problem))
    return redis.Redis.from_url(url)


def test_the_tests_cache_has_its_own_database_and_key_prefix(shared_redis):
    location = settings.CACHES["default"]["LOCATION"]
    assert database(location) not in {database(os.environ["REDIS_URL"]), database(harness_redis_url())}
    assert settings.CACHES["default"]["KEY_PREFIX"].startswith("test-")


def test_clearing_the_cache_deletes_only_this_runs_keys(shared_redis):
    theirs = f"someone-else:{uuid.uuid4().hex}"
    shared_redis.set(theirs, "a session", ex=60)
    tests_database = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    another_run = f"test-{uuid.uuid4().hex[:12]}:1:queue-page"
    tests_database.set(another_run, "another run's page", ex=60)
    cache.set("queue-page", "this run's page")
    try:
        clear_cache()
        assert cache.get("queue-page") is None
        assert shared_redis.get(theirs) == b"a session"
        assert tests_database.get(another_run) == b"another run's page"
    finally:
        shared_redis.delete(theirs)
        tests_database.delete(another_run)
