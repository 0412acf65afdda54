import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"

# The Django ORM is used by the tests' own fixtures while Playwright's sync API runs an event loop in this thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require_service("Chromium", Path(CHROMIUM).exists(), f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db, policy_data):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under test-artifacts/screenshots/<test>-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def private_media(settings, tmp_path):
    """Keep the attachments uploaded through the browser out of var/private (the live server shares settings)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def demo_staff(page):
    """The demo staff of `manage.py setup_demo` (cy-rsj, cy-czj, cy-audit, ...), password demo-pass-2026."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    from accounts.models import User

    with override_settings(DEBUG=True):  # setup_demo refuses to run otherwise
        call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    return {user.username: user for user in User.objects.filter(is_staff=True)}


@pytest.fixture
def chaoyang_owner(page):
    """The owner of a small Chaoyang software firm whose revenue fell 85%: it meets the conditions of 8号 16.

    The same enterprise as tests/applications/conftest.py's `owner`; its password is correct-horse-battery.
    """

    from tests.factories import chaoyang_software_owner

    return chaoyang_software_owner(name="北京朝阳云帆软件有限公司")


@pytest.fixture
def new_page(browser, page):
    """Return a factory of pages, each in a browser context of its own: another person at another computer."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        contexts.append(context)
        other = context.new_page()
        other.set_default_timeout(10_000)
        other.base_url = page.base_url
        return other

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """Save a full-page screenshot of any page under test-artifacts/screenshots/<test>-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(any_page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        any_page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _sign_in(page, username: str, password: str) -> None:
    """Sign in through the enterprise login page (/accounts/login/)."""
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _admin_sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in to the staff's admin site (/admin/)."""
    page.goto(page.base_url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def sign_in():
    """Return a function that signs a page in as an enterprise user: sign_in(page, username, password)."""
    return _sign_in


@pytest.fixture
def admin_sign_in():
    """Return a function that signs a page in to the admin site: admin_sign_in(page, username[, password])."""
    return _admin_sign_in
