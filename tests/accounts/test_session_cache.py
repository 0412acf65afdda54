"""Sessions read from Redis (accounts.sessions): no session query per page, and the same limits as in the database."""

import datetime
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.celery_harness import redis_problem
from tests.conftest import clear_cache, require_service
from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

START = timezone.now()


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-sessions-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_sessions(settings):
    url = settings.REDIS_URL  # the tests' own database (portal/settings/test.py)
    problem = redis_problem(url)
    require_service("Redis", problem is None, str(problem))
    settings.CACHES = redis_cache(url)
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.SESSION_COOKIE_AGE = 60 * 60
    backend = caches["default"]
    yield
    clear_cache(backend)


def get(client, path, seconds=0):
    """Fetch the page `seconds` after START; return its response and the SQL that touched the session table."""
    with time_machine.travel(START + datetime.timedelta(seconds=seconds), tick=False):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def sign_in(client, user):
    with time_machine.travel(START, tick=False):
        client.force_login(user)
    return client


def test_a_signed_in_page_reads_its_session_from_the_cache(redis_sessions, client):
    user = EnterpriseUserFactory()
    sign_in(client, user)
    response, session_sql = get(client, reverse("accounts:profile"), 5)
    assert response.status_code == 200 and user.enterprise.name in response.text
    assert session_sql == []


def test_signing_out_ends_the_session_at_once(redis_sessions, client):
    sign_in(client, EnterpriseUserFactory())
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert get(client, reverse("accounts:profile"), 5)[0].status_code == 200
    client.post(reverse("accounts:logout"))

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response, _sql = get(thief, reverse("accounts:profile"), 6)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("idle_until", "status"), [(60 * 60 - 1, 200), (60 * 60 + 1, 302)])
def test_the_cached_copy_ends_with_the_idle_limit(redis_sessions, client, idle_until, status):
    sign_in(client, EnterpriseUserFactory())
    get(client, reverse("accounts:profile"), 30)  # within the minute: not saved, the clock started at signing in
    response, session_sql = get(client, reverse("accounts:profile"), idle_until)
    assert response.status_code == status
    if status == 200:
        assert not any(sql.startswith("SELECT") for sql in session_sql)  # still read from the cache


def test_a_staff_session_ends_after_its_shorter_limit(redis_sessions, client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    sign_in(client, StaffUserFactory(is_superuser=True))
    assert get(client, reverse("admin:index"), 30 * 60 - 1)[0].status_code == 200
    response, _sql = get(client, reverse("admin:index"), 2 * 30 * 60)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_without_redis_the_session_is_read_from_the_database(redis_sessions, client, settings, caplog):
    user = EnterpriseUserFactory()
    sign_in(client, user)
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens there
    response, session_sql = get(client, reverse("accounts:profile"), 5)
    assert response.status_code == 200 and user.enterprise.name in response.text
    assert any(sql.startswith("SELECT") for sql in session_sql)
    assert "Redis cache unreachable" in caplog.text  # portal.cache fails open and logs the outage once
