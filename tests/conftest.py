import os
import re
import shutil

import pytest
from django.conf import settings
from django.utils import translation

from measures.loading import load_policy_data
from tests.policy_snapshot import PolicySnapshot

POLICY_SNAPSHOT = pytest.StashKey[PolicySnapshot]()


def pytest_configure(config):
    if os.environ.get("REQUIRE_SERVICES") == "1" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs DATABASE_URL pointing at PostgreSQL")


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip a test whose service is missing, or fail it when CI requires every service (REQUIRE_SERVICES=1)."""
    if available:
        return
    message = f"{name} is not available: {reason}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def clear_cache(backend=None) -> None:
    """Delete the keys of this test run from a cache (the default one if none is given), and nothing else.

    A Redis cache is cleared by its key prefix (KEY_PREFIX, portal/settings/test.py), never with FLUSHDB: its database
    may be shared with other test runs, or with people. A per-process cache holds nobody else's keys.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = backend or caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    assert backend.key_prefix, "a Redis cache shared by tests needs a key prefix to clear by"
    client = backend._cache.get_client(write=True)
    pattern = re.sub(r"([\\*?\[\]])", r"\\\1", backend.key_prefix) + ":*"
    batch = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 1000:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """Leave the site's language active after each test: a request in English leaves English active in the thread
    (LocaleMiddleware activates the reader's language and does not switch back), and later tests read Chinese."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def cache_keys_of_the_run_removed():
    """At the end of the session, delete the keys this run left in the cache (its own key prefix only)."""
    yield
    from redis.exceptions import ConnectionError as RedisDown

    try:
        clear_cache()
    except RedisDown:
        pass  # nothing to delete where nothing answers


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Load the policy data from the repository's data files once for the whole session, and keep a snapshot.

    Non-transactional tests see these rows (their writes are rolled back); the snapshot brings them back after a
    transactional test flushed the database.
    """
    with django_db_blocker.unblock():
        load_policy_data()
        request.config.stash[POLICY_SNAPSHOT] = PolicySnapshot.take()


@pytest.fixture(scope="session")
def policy_snapshot(django_db_setup, request) -> PolicySnapshot:
    """The policy tables as the session's `load_policy_data` left them (tests/policy_snapshot.py)."""
    return request.config.stash[POLICY_SNAPSHOT]


@pytest.fixture
def policy_data(db, policy_snapshot):
    """The policy library as loaded from the data files (restored from the snapshot if a transactional test
    flushed it)."""
    policy_snapshot.restore_if_flushed()


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the data files, for tests that break them on purpose."""
    root = tmp_path / "data"
    shutil.copytree(settings.BASE_DIR / "measures" / "data", root / "measures")
    shutil.copytree(settings.BASE_DIR / "contacts" / "data", root / "contacts")
    return root


@pytest.fixture
def celery_worker_options():
    """Options for `celery_worker_process` (tests.celery_harness.CeleryWorker: now, env, visibility_timeout).

    Override this fixture in a test module, or parametrize it, e.g.
    `@pytest.mark.parametrize("celery_worker_options", [{"now": datetime(2026, 12, 1, 9, tzinfo=...)}])`.
    """
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, celery_worker_options):
    """A real Celery worker (a subprocess, solo pool) on Redis and the test database, started and ready.

    The tasks this test sends go to the worker's own queue; `wait_until_idle()` waits for them all, `sent_mail()`
    returns what the worker mailed (file backend), `kill()`/`restart()` simulate a crash. Needs PostgreSQL (the
    worker reads committed rows: the test runs in transactional_db) and Redis (REDIS_URL; database 15 is used).
    """
    from django.db import connection
    from django.test import override_settings

    from tests.celery_harness import CeleryWorker, database_url, harness_redis_url, redis_problem, routed_to

    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "a worker process needs a shared database (DATABASE_URL)"
    )
    redis_url = harness_redis_url()
    problem = redis_problem(redis_url)
    require_service("Redis", problem is None, str(problem))
    worker = CeleryWorker(
        database_url=database_url(connection.settings_dict),
        redis_url=redis_url,
        directory=tmp_path / "celery-worker",
        **celery_worker_options,
    )
    # This process shares the worker's cache, so a lock or counter taken on one side is seen on the other.
    cache = {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": worker.queue,
    }
    with routed_to(worker), override_settings(CACHES={"default": cache}):
        try:
            worker.start()
            yield worker
        finally:
            worker.stop()
            worker.purge()
