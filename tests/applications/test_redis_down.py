"""With Redis down, the pages still answer (issue 23: sign-in, sign-out, registration, submission, objections and
the reviewer's queue all answered 500). The cache fails open (a miss, nothing kept); the rate limits fall back to a
count kept by each process, and the fallback is logged."""

import logging
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from applications.models import Application
from tests.applications.conftest import TODAY
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
REGISTRATION = {
    "credit_code": "91110000600037341L",
    "name": "北京门城科技有限公司",
    "contact_person": "张经理",
    "email": "zhang@example.cn",
    "mobile": "13800138000",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}
OBJECTION = {
    "name": "张三",
    "contact": "13800000000",
    "email": "zhangsan@example.cn",
    "text": "该企业培训人数不实，实际只有三人参加。",
    "pledge": "on",
}


@pytest.fixture
def redis_down(settings):
    """The production configuration (Redis cache and session copies), with REDIS_URL pointing at a closed port."""
    settings.REDIS_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": CLOSED_PORT,
            "KEY_PREFIX": f"test-down-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.QUEUE_CACHE_SECONDS = 60
    with pytest.raises(Exception):  # noqa: B017 (whatever redis-py raises: the server is not there)
        cache._cache.get_client().ping()


def test_signing_in_and_out(client, redis_down):
    user = EnterpriseUserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.wsgi_request.user == user
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_registering(client, redis_down):
    response = client.post(reverse("accounts:register"), REGISTRATION)
    assert response.status_code == 302 and response.url == reverse("accounts:register_sent")


def test_submitting(client, owner, make_application, redis_down):
    application = make_application()
    client.force_login(owner)
    response = client.post(reverse("applications:confirm", args=[application.pk]))
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_objecting(client, make_application, redis_down):
    case = make_application("publicity", publicity_ends_on=TODAY)
    with time_machine.travel(TODAY, tick=False):
        response = client.post(reverse("applications:objection", args=[case.reference]), OBJECTION)
    assert response.status_code == 302 and case.objections.count() == 1


def test_the_reviewers_queue(client, reviewer, make_application, redis_down):
    case = make_application("submitted")
    client.force_login(reviewer)
    for _look in range(2):
        response = client.get(reverse("admin:applications_application_changelist"))
        assert response.status_code == 200 and case.reference in response.content.decode()


def test_the_rate_limits_still_hold_counted_in_the_process(client, settings, redis_down, caplog):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/h"}
    user = EnterpriseUserFactory()
    wrong = {"username": user.username, "password": "wrong"}
    address = {"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        statuses = [client.post(reverse("accounts:login"), wrong, **address).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "rate limits are counted in this process" in caplog.text


def test_the_case_page(client, reviewer, make_application, redis_down):
    case = make_application("submitted")
    client.force_login(reviewer)
    response = client.get(reverse("admin:applications_application_change", args=[case.pk]))
    assert response.status_code == 200 and case.reference in response.content.decode()


def test_the_library_matching_and_the_enterprises_cases(client, owner, make_application, measure, redis_down):
    case = make_application("submitted")
    library = client.get(reverse("measures:library"), {"q": "培训"})
    assert library.status_code == 200 and measure.title in library.content.decode()
    client.force_login(owner)
    cases = client.get(reverse("applications:list"))
    assert cases.status_code == 200 and case.reference in cases.content.decode()
    matching = client.get(reverse("measures:matching"))
    assert matching.status_code == 200 and measure.title in matching.content.decode()
