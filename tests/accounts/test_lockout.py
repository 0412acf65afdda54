"""Failed-login lockout (django-axes): five wrong passwords lock a name from one address for a cooling-off period."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, username, password, url="accounts:login"):
    return client.post(reverse(url), {"username": username, "password": password})


def fail(client, username, times, url="accounts:login"):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", url)
    return response


@pytest.fixture
def user(db):
    return EnterpriseUserFactory(username="li@example.cn")


def test_it_lets_a_user_who_mistyped_four_times_in(client, user):
    fail(client, user.username, 4)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user == user


def test_it_locks_the_fifth_failure_out_with_a_chinese_page_saying_when(client, user, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        response = fail(client, user.username, 5)
    page = response.content.decode()
    assert response.status_code == 429 and "登录已暂时锁定" in page
    assert "17:15" in page and "15 分钟" in page  # 09:00 UTC is 17:00 in Beijing
    assert response["Retry-After"] == "900"


def test_the_right_password_is_refused_during_the_lockout(client, user):
    fail(client, user.username, 5)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated


def test_the_lockout_ends_after_the_cooling_off_period(client, user, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    fail(client, user.username, 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user == user


def test_the_name_is_counted_whatever_its_case(client, user):
    fail(client, "LI@Example.cn", 5)
    assert sign_in(client, user.username, PASSWORD).status_code == 429


def test_a_lockout_does_not_reach_other_users(client, user):
    fail(client, user.username, 5)
    other = EnterpriseUserFactory()
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_too(client):
    staff = StaffUserFactory(username="cy-admin-test")
    fail(client, staff.username, 5, url="admin:login")
    response = sign_in(client, staff.username, PASSWORD, url="admin:login")
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_the_failure_limit_comes_from_the_settings(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert fail(client, user.username, 2).status_code == 429
