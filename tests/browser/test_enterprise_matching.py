"""A new enterprise registers, confirms its email, fills its profile and sees its size and its measures."""

import re

import pytest
from django.core import mail

from tests.factories import EnterpriseUserFactory, credit_code

pytestmark = pytest.mark.browser


def register(page, code: str) -> None:
    page.goto(page.base_url + "/accounts/register/")
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("企业名称").fill("北京门城软件有限公司")
    page.get_by_label("联系人").fill("王经理")
    page.get_by_label("电子邮箱").fill("wang@mencheng.example.cn")
    page.get_by_label("手机").fill("13800138000")
    page.locator("#id_password1").fill("Mencheng-2026-safe")
    page.locator("#id_password2").fill("Mencheng-2026-safe")
    page.get_by_role("button", name="注册").click()


def test_a_new_enterprise_registers_fills_its_profile_and_sees_its_matches(page, screenshot):
    good = credit_code(4242)
    mistyped = good[:-1] + ("0" if good[-1] != "0" else "1")
    register(page, mistyped)
    assert "校验" in page.locator(".invalid-feedback, .errorlist").first.inner_text()
    assert page.get_by_label("企业名称").input_value() == "北京门城软件有限公司"
    screenshot("mistyped-code")

    register(page, good)
    assert "确认" in page.content()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", mail.outbox[-1].body).group(1)
    page.goto(page.base_url + link)
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill("wang@mencheng.example.cn")
    page.locator("#id_password").fill("Mencheng-2026-safe")
    page.get_by_role("button", name="登录").click()

    page.goto(page.base_url + "/accounts/profile/edit/")
    page.locator("#id_industry").select_option("软件和信息技术服务业")
    page.locator("#id_employees").fill("50")
    page.locator("#id_revenue").fill("800")
    page.locator("#id_total_assets").fill("1000")
    for field in ("registered_district", "tax_district", "stats_district"):
        page.locator(f"#id_{field}").select_option(label="门头沟区")
    page.get_by_role("button", name="保存").click()
    assert page.locator("#sme-size").inner_text().count("小型") >= 1
    screenshot("profile")

    page.get_by_role("link", name="政策匹配").click()
    assert page.locator("#match-size").inner_text() == "小型"
    qualifies = page.locator("#group-qualifies")
    assert "延长租金减免政策实施时限" in qualifies.inner_text()
    assert int(page.locator("#count-not").inner_text()) > 0
    screenshot("matches")
    # The filters are the page's own controls: the district's label above a full-width select (it was the browser's
    # bare select squeezed beside its label).
    label, select = page.locator("#match-filters label").first.bounding_box(), page.locator("#id_district")
    assert select.bounding_box()["y"] >= label["y"] + label["height"] - 1 and select.bounding_box()["width"] > 200
    assert "form-check-input" in page.locator("#id_monetary").get_attribute("class")
    # The page opens on the firm's own district (and the city's); the others' measures on request.
    assert "其他区的" in page.locator("#other-districts").inner_text()
    page.locator("#other-districts a").click()
    page.locator("#group-not summary").click()
    assert "注册地不在" in page.locator("#group-not").inner_text()


def test_a_second_enterprise_sees_only_its_own_profile_and_matches(page, live_server):
    first = EnterpriseUserFactory(enterprise__name="北京甲公司")
    second = EnterpriseUserFactory(enterprise__name="北京乙公司")
    assert first.enterprise_id != second.enterprise_id
    page.goto(page.base_url + "/accounts/login/")
    page.locator("#id_username").fill(second.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="登录").click()
    for path in ("/accounts/profile/", "/accounts/profile/history/", "/accounts/team/", "/matching/"):
        page.goto(page.base_url + path)
        assert "北京乙公司" in page.content() and "北京甲公司" not in page.content(), path
