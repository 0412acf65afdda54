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
def page(browser, live_server, transactional_db):
    from measures.loading import load_policy_data

    load_policy_data()
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
