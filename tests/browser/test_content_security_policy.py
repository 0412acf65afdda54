"""Under the Content Security Policy the pages, the admin and the API docs run in a real browser without a
violation, and the behaviour moved out of inline handlers (language switch, new application) still works."""

import pytest

from measures.models import Measure
from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def violations(page):
    """Every CSP violation the browser reports while the test runs."""
    found = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    return found


def sign_in(page, url: str, username: str) -> None:
    page.goto(page.base_url + url)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("[type=submit]").last.click()
    page.wait_for_load_state()


def test_public_pages_and_the_api_docs_run_without_violations(page, violations):
    for path in ("/", "/library/", "/directory/", "/matching/check/", "/gongshi/", "/accounts/register/", "/api/docs"):
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
    assert page.locator("#swagger-ui .info").count() == 1  # Swagger UI rendered from local scripts
    assert violations == []


def test_the_language_switch_still_submits_itself(page, violations):
    page.goto(page.base_url + "/library/")
    with page.expect_navigation():
        page.locator("#language").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en" and violations == []


def test_the_admin_runs_without_violations(page, violations):
    StaffUserFactory(username="root-admin", is_superuser=True)
    sign_in(page, "/admin/login/", "root-admin")
    measure = Measure.objects.filter(monetary=True).first()
    for path in (
        "/admin/",
        "/admin/measures/measure/",
        f"/admin/measures/measure/{measure.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/applications/application/",
        "/admin/django_celery_beat/periodictask/",
    ):
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
    assert "站点管理" in page.content() or "管理" in page.title()
    assert violations == []


def test_an_enterprise_starts_an_application_from_its_list(page, violations):
    user = EnterpriseUserFactory()
    sign_in(page, "/accounts/login/", user.username)
    page.goto(page.base_url + "/applications/")
    chosen = page.locator("#id_measure option").first.get_attribute("value")
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_load_state()
    assert f"/applications/new/{chosen}/" in page.url and violations == []


def test_a_member_of_staff_sets_up_two_factor_and_reaches_the_admin(page, violations, settings, screenshot):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_OTP_REQUIRED = True
    staff = StaffUserFactory(username="cy-new-staff", is_superuser=True)
    sign_in(page, "/admin/login/", "cy-new-staff")
    assert "/accounts/otp/setup/" in page.url and page.locator(".otp-qr svg").count() == 1
    screenshot("otp-setup")
    device = TOTPDevice.objects.get(user=staff)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.get_by_role("button", name="验证并启用").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/") and "两步验证已启用" in page.content()
    assert violations == []
