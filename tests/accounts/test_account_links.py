"""Links sent by e-mail never bring back an account an administrator deactivated: reset and invitation links of a
deactivated user are refused, setting a password never activates, and a registration's confirmation link signs in
once, not again, not after a password change."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.factories import EnterpriseUserFactory

# Mail goes out after the transaction commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

REGISTRATION = {
    "credit_code": "91350100M000100Y43",
    "name": "北京某某科技有限公司",
    "contact_person": "张三",
    "email": "zhang@example.cn",
    "mobile": "13800138000",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}
NEW_PASSWORD = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}


def last_link() -> str:
    return re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)


def deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def set_password_from(client, link: str):
    """Open a reset or invitation link and post a new password on the page it leads to."""
    form = client.get(link, follow=True)
    return client.post(form.redirect_chain[-1][0], NEW_PASSWORD, follow=True) if form.redirect_chain else form


def test_a_reset_link_of_a_user_deactivated_since_is_refused_and_does_not_reactivate(client):
    user = EnterpriseUserFactory()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = last_link()
    deactivate(user)
    page = set_password_from(client, link).content.decode()
    user.refresh_from_db()
    assert not user.is_active and user.check_password("correct-horse-battery")
    assert "链接无效或已过期" in page
    assert not client.login(username=user.username, password=NEW_PASSWORD["new_password1"])


def test_an_invitation_link_of_a_deactivated_colleague_is_refused(client):
    owner = EnterpriseUserFactory()
    client.force_login(owner)
    client.post(reverse("accounts:team"), {"name": "赵同事", "email": "zhao@example.cn"})
    client.logout()
    colleague = User.objects.get(email="zhao@example.cn")
    deactivate(colleague)
    set_password_from(client, last_link())
    colleague.refresh_from_db()
    assert not colleague.is_active and not colleague.has_usable_password()


def test_setting_a_password_from_a_reset_link_confirms_the_address_but_never_activates(client):
    user = EnterpriseUserFactory(email_confirmed=False)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    set_password_from(client, last_link())
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed and user.check_password(NEW_PASSWORD["new_password1"])


def test_the_confirmation_link_signs_in_once_only(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    link = last_link()
    first = client.get(link, follow=True)
    assert first.redirect_chain[-1][0] == reverse("accounts:profile")
    client.post(reverse("accounts:logout"))
    again = client.get(link)
    assert again.status_code == 400 and "确认链接无效" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_confirmation_link_of_an_account_deactivated_after_confirming_is_refused(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    link = last_link()
    client.get(link)
    client.post(reverse("accounts:logout"))
    user = User.objects.get(email="zhang@example.cn")
    deactivate(user)
    response = client.get(link)
    user.refresh_from_db()
    assert response.status_code == 400 and not user.is_active and "_auth_user_id" not in client.session


def test_the_confirmation_link_dies_with_a_password_change(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    link = last_link()
    user = User.objects.get(email="zhang@example.cn")
    user.set_password("a-different-passphrase-9")
    user.save()
    response = client.get(link)
    user.refresh_from_db()
    assert response.status_code == 400 and not user.is_active


def test_confirming_never_activates_an_account_that_was_active_before():
    user = EnterpriseUserFactory(email_confirmed=False)
    user.last_login = user.date_joined
    user.is_active = False
    user.save()
    assert services.user_confirm_registration(user=user) is False
    user.refresh_from_db()
    assert not user.is_active
