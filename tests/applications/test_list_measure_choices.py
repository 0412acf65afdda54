"""My applications: the list of measures to apply for is kept rendered, and stays true after the library changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def list_page(client) -> str:
    return client.get(reverse("applications:list")).content.decode()


def test_a_retitled_measure_is_offered_under_its_new_title(client, owner, measure, django_capture_on_commit_callbacks):
    client.force_login(owner)
    assert f'<option value="{measure.pk}">' in list_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        measure.title = "测试更名后的资金措施"
        measure.save()
    assert "测试更名后的资金措施" in list_page(client)


def test_a_measure_whose_document_expired_overnight_is_no_longer_offered(client, owner, measure, monkeypatch):
    client.force_login(owner)
    measure.document.valid_until = timezone.localdate()
    measure.document.save()
    assert f'<option value="{measure.pk}">' in list_page(client)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert f'<option value="{measure.pk}">' not in list_page(client)


def test_the_offered_measures_follow_the_language(client, owner, measure):
    client.force_login(owner)
    assert f'label="{measure.document.district.name}"' in list_page(client)
    client.cookies["django_language"] = "en"
    page = list_page(client)
    assert f'<option value="{measure.pk}">' in page
    assert f'label="{measure.document.district.name}"' not in page
