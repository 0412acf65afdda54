"""The menu in a browser: on one line at 1280 px in English (signed in, with a long enterprise name, too), with
links that reach WCAG AA contrast on its blue."""

import pytest

from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.browser

CONTRAST = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const back = rgb(getComputedStyle(document.querySelector("nav.navbar")).backgroundColor);
  return [...document.querySelectorAll("nav.navbar .nav-link")].map((link) => {
    const [r, g, b, a = 1] = rgb(getComputedStyle(link).color);
    const shown = [r, g, b].map((v, i) => v * a + back[i] * (1 - a));
    const [hi, lo] = [lum(shown), lum(back)].sort((x, y) => y - x);
    return [link.textContent.trim(), (hi + 0.05) / (lo + 0.05)];
  });
}"""
ONE_LINE = """() => {
  const items = [...document.querySelectorAll("nav.navbar .navbar-brand, nav.navbar .nav-link, #language")];
  return {tops: items.map((e) => Math.round(e.getBoundingClientRect().top)),
          heights: items.map((e) => Math.round(e.getBoundingClientRect().height)),
          bar: Math.round(document.querySelector("nav.navbar").getBoundingClientRect().height),
          right: Math.round(document.querySelector("#language").getBoundingClientRect().right),
          page: document.documentElement.scrollWidth, view: window.innerWidth};
}"""


def in_english(page, width=1280):
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])


def assert_one_line(page):
    layout = page.evaluate(ONE_LINE)
    assert max(layout["heights"]) < 45, layout  # no link wraps onto a second line
    assert layout["bar"] < 70, layout
    assert layout["page"] <= layout["view"] and layout["right"] <= layout["view"], layout  # nothing runs off


def test_the_english_menu_fits_on_one_line_at_1280_px(page, screenshot):
    in_english(page)
    page.goto(page.base_url + "/")
    assert page.locator("nav.navbar .nav-link").first.inner_text() == "Library"
    assert_one_line(page)
    screenshot("menu-en-1280")


def test_the_english_menu_of_a_signed_in_enterprise_fits_too(page, screenshot):
    user = EnterpriseUserFactory(enterprise__name="北京朝阳星辰智能科技发展有限责任公司")
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(user.username.upper())
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    in_english(page)
    page.goto(page.base_url + "/")
    assert "My applications" in page.locator("nav.navbar").inner_text()
    assert_one_line(page)
    screenshot("menu-en-1280-signed-in")
    page.locator(".nav-account").click()
    page.get_by_role("button", name="Sign out").click()
    assert "Sign in" in page.locator("nav.navbar").inner_text()


def unread_notices(user, count: int) -> None:
    """Put count unread notices in the user's inbox (the header shows their number)."""
    from applications.models import Notice, NoticeKind, NoticeReceipt

    for number in range(count):
        notice = Notice.objects.create(
            kind=NoticeKind.EVENT,
            audience=Notice.Audience.ENTERPRISE,
            enterprise=user.enterprise,
            subject=f"通知 {number}",
            body="正文",
        )
        NoticeReceipt.objects.create(notice=notice, user=user)


@pytest.mark.parametrize("unread", [12, 120])
def test_the_english_menu_fits_with_the_unread_count_too(page, screenshot, unread):
    """The demo enterprise (12 unread notices) saw the menu run 5 px past the window at 1280 px in English."""
    user = EnterpriseUserFactory(enterprise__name="北京朝阳星辰智能科技发展有限责任公司")
    unread_notices(user, unread)
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main button[type=submit]").click()
    in_english(page)
    page.goto(page.base_url + "/")
    assert page.locator(".unread-count").inner_text().endswith(str(unread) if unread < 100 else "99+")
    assert_one_line(page)
    screenshot(f"menu-en-1280-{unread}-unread")


def test_the_menu_links_reach_wcag_aa_contrast(page):
    page.goto(page.base_url + "/")
    ratios = page.evaluate(CONTRAST)
    assert ratios and all(ratio >= 4.5 for _name, ratio in ratios), ratios
