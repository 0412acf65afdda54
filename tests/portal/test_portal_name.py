"""The portal goes by one name, from one setting: on its mail, in authenticator apps, on its pages and its admin."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_mail_and_authenticator_apps_name_the_portal_as_its_pages_do(client):
    name = settings.PORTAL_NAME
    assert settings.DEFAULT_FROM_EMAIL.startswith(f"{name} <")
    assert settings.OTP_TOTP_ISSUER == name
    assert f"<title>{name}</title>" in client.get(reverse("measures:home")).content.decode()


def test_the_admin_is_titled_with_the_same_name(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f"{settings.PORTAL_NAME} 管理后台" in html
