"""A new visitor finds a document, its measures, whom to call, and the department's page, in a real browser."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_visitor_finds_a_document_its_measure_and_whom_to_call(page, screenshot):
    page.goto(page.base_url + "/")
    screenshot("home")
    page.get_by_role("searchbox").fill("朝政办发〔2020〕8号")
    page.get_by_role("button", name="搜索政策").click()
    assert page.locator("#result-count").inner_text() == "共 18 条措施"
    screenshot("search")
    page.get_by_role("link", name="朝政办发〔2020〕8号").first.click()
    assert "北京市朝阳区人民政府办公室" in page.content()
    page.get_by_role("link", name=re.compile(r"^2\. ")).click()
    assert "每个单位不超过100万元" in page.locator(".clause-text").inner_text()
    assert "苏品" in page.locator(".contact-card").first.inner_text()
    screenshot("measure")
    page.get_by_role("link", name="区发展改革委").first.click()
    assert page.locator("h1").inner_text().endswith("区发展改革委")
    assert "牵头的措施" in page.content()
    screenshot("department")


def test_a_visitor_finds_a_contact_by_phone_number(page, screenshot):
    page.goto(page.base_url + "/directory/")
    page.get_by_label("搜索").fill("65094387")
    page.get_by_role("button", name="查找").click()
    row = page.locator("tbody tr").first
    assert "张云飞" in row.inner_text() and "区国资委" in row.inner_text()
    screenshot("directory")


def test_a_visitor_switches_the_interface_to_english(page):
    page.goto(page.base_url + "/library/")
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("h1").inner_text() == "Policy library"
