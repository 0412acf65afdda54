"""The language a signed-in person last used is kept on their account (their e-mails are written in it)."""

import pytest
from django.urls import reverse

from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def test_switching_to_english_is_remembered_and_back_to_chinese_too(client):
    user = EnterpriseUserFactory()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    client.get(reverse("accounts:profile"))
    user.refresh_from_db()
    assert user.language == "en"
    client.cookies["django_language"] = "zh-hans"
    client.get(reverse("accounts:profile"))
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_browsing_in_the_portals_own_language_writes_nothing(client):
    user = EnterpriseUserFactory()
    client.force_login(user)
    client.get(reverse("accounts:profile"))
    user.refresh_from_db()
    assert user.language == ""
