"""A signed-in page saves its session at most once a minute; idle sessions still end at their limit (issue 7)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

START = timezone.now()


def get(client, path, seconds):
    """Fetch the page `seconds` after START; return its response and the SQL of the session writes it caused."""
    with time_machine.travel(START + datetime.timedelta(seconds=seconds), tick=False):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    return response, [sql for sql in writes if "django_session" in sql]


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def sign_in(client, user):
    with time_machine.travel(START, tick=False):
        client.force_login(user)
    return client


@pytest.fixture
def enterprise_client(client, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    return sign_in(client, EnterpriseUserFactory())


def test_pages_within_a_minute_of_the_last_save_write_no_session(enterprise_client):
    profile = reverse("accounts:profile")
    for seconds in (1, 30, 59):
        response, writes = get(enterprise_client, profile, seconds)
        assert response.status_code == 200 and writes == []


def test_a_page_a_minute_later_restarts_the_idle_clock(enterprise_client):
    signed_in = expiry(enterprise_client)
    _response, writes = get(enterprise_client, reverse("accounts:profile"), 61)
    assert writes and expiry(enterprise_client) == signed_in + datetime.timedelta(seconds=61)


@pytest.mark.parametrize(("idle_until", "status"), [(60 * 60 - 1, 200), (60 * 60 + 1, 302)])
def test_an_enterprise_session_ends_an_hour_after_its_clock_last_restarted(enterprise_client, idle_until, status):
    get(enterprise_client, reverse("accounts:profile"), 59)  # not saved: the clock started at signing in
    assert get(enterprise_client, reverse("accounts:profile"), idle_until)[0].status_code == status


def test_a_staff_session_ends_half_an_hour_after_its_clock_last_restarted(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    sign_in(client, StaffUserFactory(is_superuser=True))
    admin = reverse("admin:index")
    assert get(client, admin, 29 * 60)[0].status_code == 200  # restarts the clock
    response, _writes = get(client, admin, 29 * 60 + 30 * 60 + 1)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_a_page_without_a_session_stores_none(client):
    _response, writes = get(client, reverse("measures:home"), 0)
    assert writes == [] and settings.SESSION_COOKIE_NAME not in client.cookies
