"""The admin pages where an administrator unlocks a person (django-axes) or removes a lost authenticator (django-otp)
speak Chinese, though neither package ships Chinese."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.cn", "x-long-password")
    client.force_login(user)
    return user


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        username="li@example.cn",
        ip_address="10.0.0.8",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/accounts/login/",
        attempt_time=timezone.now(),
        failures_since_start=5,
    )


@pytest.fixture
def device(db):
    return TOTPDevice.objects.create(user=StaffUserFactory(), name="身份验证器", confirmed=True)


def test_the_index_names_the_lockouts_and_devices_in_chinese(client, root):
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录失败记录" in page and "两步验证设备" in page
    assert "Access attempts" not in page and "TOTP devices" not in page


def test_the_lockout_list_says_who_is_locked_out(client, root, attempt):
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "连续失败次数" in page and "已锁定" in page and "Failed Logins" not in page and "Locked Out" not in page


def test_a_lockout_row_reads_in_chinese(client, root, attempt):
    page = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).content.decode()
    assert "浏览器标识" in page and "User Agent" not in page and "Meta Data" not in page


def test_a_lockout_row_is_named_in_chinese_on_its_page_and_when_deleted(client, root, attempt):
    page = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).content.decode()
    assert "li@example.cn 的登录失败记录" in page and "Attempted Access" not in page
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    history = client.get(reverse("admin:index")).content.decode()
    assert "li@example.cn 的登录失败记录" in history and "Attempted Access" not in history


def test_in_english_the_device_form_labels_start_with_a_capital(client, root, device):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert ">User:</label>" in page and ">user:</label>" not in page


def test_a_device_page_reads_in_chinese(client, root, device):
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert "时间步长（秒）" in page and "失败限制" in page
    assert "The time step in seconds" not in page and "Throttling" not in page


def test_the_qr_code_page_reads_in_chinese(client, root, device):
    page = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).content.decode()
    assert "扫描下面的二维码" in page and device.config_url.replace("&", "&amp;") in page and "Install" not in page


def test_the_lockout_page_tells_staff_where_an_administrator_unlocks_them(client, db):
    user = StaffUserFactory(username="cy-admin-walk")
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": user.username, "password": "wrong-password"})
    assert response.status_code == 429 and "“登录锁定 › 登录失败记录”" in response.content.decode()
