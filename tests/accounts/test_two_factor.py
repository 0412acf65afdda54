"""Two-factor sign-in for staff (django-otp, TOTP): with STAFF_OTP_REQUIRED, no admin page before a code is verified.

The test settings leave STAFF_OTP_REQUIRED off, so that the other tests sign staff in with force_login alone;
every test here turns it on.
"""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.STAFF_OTP_REQUIRED = True


@pytest.fixture
def staff(client):
    user = StaffUserFactory(is_superuser=True)
    client.force_login(user)
    return user


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def verified(client, user) -> TOTPDevice:
    """Give the user a confirmed device and mark the client's session as verified with it."""
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_staff_without_a_device_are_sent_to_set_one_up(client, staff):
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url == f"{reverse('accounts:otp_setup')}?next={ADMIN}"


def test_the_setup_page_shows_the_secret_and_the_otpauth_address(client, staff):
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert "启用两步验证" in page and "otpauth://totp/" in page and "<svg" in page
    assert device.config_url.split("secret=")[1][:4] in page


def test_a_first_code_confirms_the_device_and_opens_the_admin(client, staff):
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(reverse("accounts:otp_setup"), {"token": code(device), "next": ADMIN})
    device.refresh_from_db()
    assert response.status_code == 302 and response.url == ADMIN and device.confirmed
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_first_code_is_refused_in_chinese(client, staff):
    client.get(reverse("accounts:otp_setup"))
    response = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.get(user=staff).confirmed and client.get(ADMIN).status_code == 302


def test_staff_with_a_device_are_asked_for_a_code(client, staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.url.startswith(reverse("accounts:otp_verify"))


def test_the_current_code_lets_them_in(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.post(reverse("accounts:otp_verify"), {"token": code(device), "next": ADMIN})
    assert response.url == ADMIN and client.get(ADMIN).status_code == 200


def test_a_wrong_code_keeps_them_out(client, staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert "验证码不正确" in response.content.decode() and client.get(ADMIN).status_code == 302


def test_once_a_device_is_confirmed_the_setup_page_no_longer_shows_a_secret(client, staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()


def test_a_next_address_elsewhere_is_ignored(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.post(reverse("accounts:otp_verify"), {"token": code(device), "next": "https://evil.example/"})
    assert response.url == ADMIN


def test_unverified_staff_cannot_open_other_signed_in_pages_either(client, staff, policy_data):
    response = client.get(reverse("applications:attachment", args=[1, 1]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))


def test_a_verified_session_uses_the_admin(client, staff):
    verified(client, staff)
    assert client.get(ADMIN).status_code == 200


def test_enterprise_users_need_no_code(client):
    client.force_login(EnterpriseUserFactory())
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_enterprise_users_have_no_setup_page(client):
    client.force_login(EnterpriseUserFactory())
    assert client.get(reverse("accounts:otp_setup")).status_code == 403


def test_without_the_setting_staff_go_straight_in(client, staff, settings):
    settings.STAFF_OTP_REQUIRED = False
    assert client.get(ADMIN).status_code == 200
