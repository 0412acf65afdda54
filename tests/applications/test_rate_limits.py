"""Rate limits on submitting an application and on public objections; an idle session while editing a draft."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure

pytestmark = pytest.mark.django_db

OBJECTION = {
    "name": "张三",
    "contact": "13800000000",
    "email": "zhangsan@example.cn",
    "text": "该企业培训人数不实，实际只有三人参加。",
    "pledge": "on",
}


def in_publicity_until() -> datetime.date:
    """A last day of the public announcement still ahead, whatever today is."""
    return timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture
def limits(settings):
    """One request of each kind per hour, counted apart from every other test."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1/h")


@pytest.fixture
def two_cases(make_application, measure):
    """Two cases of the owner in the same status, for two measures (one open case per measure)."""
    other = Measure.objects.filter(monetary=True).exclude(pk=measure.pk).first()

    def make(status="draft", **fields):
        return make_application(status, **fields), make_application(status, measure=other, **fields)

    return make


def test_submitting_again_too_soon_gets_a_chinese_429_page(client, owner, two_cases, limits):
    client.force_login(owner)
    first, second = two_cases()
    client.post(reverse("applications:confirm", args=[first.pk]))
    response = client.post(reverse("applications:confirm", args=[second.pk]))
    second.refresh_from_db()
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert second.status == "draft" and second.inputs == {"persons": "12"}


def test_the_429_page_links_back_to_the_confirmation_page(client, owner, make_application, limits):
    client.force_login(owner)
    application = make_application("returned", correction_request="请补充名单")
    client.post(reverse("applications:confirm", args=[application.pk]))
    url = reverse("applications:confirm", args=[application.pk])
    response = client.post(url)
    assert f'href="{url}"' in response.content.decode() and int(response["Retry-After"]) > 0


def test_viewing_the_confirmation_page_is_not_limited(client, owner, make_application, limits):
    client.force_login(owner)
    application = make_application()
    url = reverse("applications:confirm", args=[application.pk])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]


def test_a_limited_objection_shows_the_form_again_with_the_text_kept(client, two_cases, limits):
    first, second = two_cases("publicity", publicity_ends_on=in_publicity_until())
    client.post(reverse("applications:objection", args=[first.reference]), OBJECTION)
    response = client.post(reverse("applications:objection", args=[second.reference]), OBJECTION)
    page = response.content.decode()
    assert response.status_code == 429 and "提交过于频繁" in page
    assert "实际只有三人参加" in page and 'value="13800000000"' in page
    second.refresh_from_db()
    assert second.status == "publicity" and not second.objections.exists()


def test_objections_from_another_address_are_counted_apart(client, two_cases, limits):
    first, second = two_cases("publicity", publicity_ends_on=in_publicity_until())
    sent = [
        (first, "10.0.0.1"),
        (second, "10.0.0.1"),  # past the limit of one an hour from this address
        (second, "10.0.0.2"),
    ]
    statuses = [
        client.post(
            reverse("applications:objection", args=[case.reference]), OBJECTION, REMOTE_ADDR=address
        ).status_code
        for case, address in sent
    ]
    assert statuses == [302, 429, 302]
    assert (first.objections.count(), second.objections.count()) == (1, 1)


def test_an_expired_session_sends_the_editor_to_sign_in_and_the_saved_draft_survives(
    client, owner, make_application, settings
):
    application = make_application(inputs={})
    edit_url = reverse("applications:edit", args=[application.pk])
    client.force_login(owner)
    client.post(edit_url, {"input_persons": "8", "declare_truthful": "on", "intent": "save"})
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.post(edit_url, {"input_persons": "9", "intent": "save"})
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={edit_url}"
        client.force_login(owner)
        page = client.get(edit_url).content.decode()
    assert 'value="8"' in page


def test_a_session_in_use_does_not_expire(client, owner, make_application, settings):
    application = make_application(inputs={})
    edit_url = reverse("applications:edit", args=[application.pk])
    client.force_login(owner)
    start, step = timezone.now(), datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    for n in (1, 2):
        with time_machine.travel(start + n * step):
            response = client.get(edit_url)
    assert response.status_code == 200
