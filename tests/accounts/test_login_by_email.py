"""Enterprises sign in with the e-mail they registered with, typed in any letter case."""

import re

import pytest
from django.urls import reverse

from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, login: str):
    return client.post(reverse("accounts:login"), {"username": login, "password": "correct-horse-battery"})


@pytest.mark.parametrize("typed", ["zhanghong@example.cn", "Zhanghong@example.cn", " ZHANGHONG@Example.CN "])
def test_it_signs_in_whatever_the_letter_case_of_the_email(client, typed):
    user = EnterpriseUserFactory(username="zhanghong@example.cn")
    response = sign_in(client, typed)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_still_refuses_a_wrong_password(client):
    EnterpriseUserFactory(username="zhanghong@example.cn")
    response = client.post(reverse("accounts:login"), {"username": "Zhanghong@example.cn", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_login_field_is_called_email_as_on_the_registration_form(client):
    html = client.get(reverse("accounts:login")).content.decode()
    label = re.search(r'<label\s+for="id_username"[^>]*>(.*?)</label>', html, re.S).group(1)
    assert "电子邮箱" in label
    assert "用户名" not in html
