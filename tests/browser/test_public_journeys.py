"""What anyone can do without an account, in a browser: find a policy and whom to call, check a firm's size and
the measures it may qualify for, estimate a subsidy, read the announcements and object to one."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import Objection
from measures.models import Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.browser


def test_a_visitor_searches_the_library_and_reads_a_document(page, screenshot):
    page.goto(page.base_url + "/library/")
    page.get_by_label("关键词").fill("租金")
    page.get_by_label("行政区").select_option(label="门头沟区")
    page.get_by_role("button", name="筛选").click()
    cards = page.locator(".measure-card")
    assert "延长租金减免政策实施时限" in cards.first.inner_text()
    assert all("门政发〔2020〕25号" in text for text in cards.all_inner_texts())
    screenshot("search")

    cards.first.get_by_role("link", name="延长租金减免政策实施时限").click()
    assert "延长租金减免政策实施时限" in page.locator("h1").inner_text()
    screenshot("measure")
    page.locator("p.text-muted").get_by_role("link", name="门政发〔2020〕25号").click()
    assert "实施细则" in page.locator("h1").inner_text()
    facts = page.locator("dl").first.inner_text()
    assert "北京市门头沟区人民政府" in facts and "2020-05-14" in facts and "有效期为新冠肺炎疫情防控期间" in facts
    assert "附则与通用条款" in page.content()
    screenshot("document")


def test_a_visitor_finds_whom_to_call_about_a_measure(page, screenshot):
    page.goto(page.base_url + "/directory/")
    page.get_by_label("搜索").fill("李伟松")
    page.get_by_role("button", name="查找").click()
    row = page.locator("tbody tr").first
    assert "区人力社保局" in row.inner_text() and "010-65090441" in row.inner_text()
    screenshot("directory")
    row.get_by_role("link", name="区人力社保局").click()
    assert page.locator("h1").inner_text().endswith("区人力社保局")
    assert "技能提升培训补贴" in page.content()
    screenshot("department")


def test_a_visitor_checks_the_firms_size(page, screenshot):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="规模自测").click()
    page.get_by_label("行业").select_option("工业")
    page.get_by_label("从业人员（人）").fill("-5")
    page.get_by_role("button", name="判断规模类型").click()
    assert "从业人员须为不小于 0 的整数。" in page.content()
    assert page.get_by_label("从业人员（人）").input_value() == "-5"
    screenshot("error")

    page.get_by_label("从业人员（人）").fill("350")
    page.get_by_label("营业收入（万元）").fill("1800")
    page.get_by_role("button", name="判断规模类型").click()
    assert page.locator("#sme-result h2").inner_text() == "小型企业"
    assert "≥ 40000" in page.locator("#sme-thresholds").inner_text()
    screenshot("result")


def test_a_visitor_checks_which_measures_fit_without_an_account(page, screenshot):
    page.goto(page.base_url + "/matching/check/")
    page.get_by_label("行业").select_option("软件和信息技术服务业")
    page.locator("#id_location").select_option(label="门头沟区")
    page.get_by_label("从业人员（人）").fill("50")
    page.get_by_label("营业收入（万元）").fill("800")
    page.get_by_role("button", name="开始匹配").click()
    assert page.locator("#match-size").inner_text() == "小型"
    assert "延长租金减免政策实施时限" in page.locator("#group-qualifies").inner_text()
    assert int(page.locator("#count-not").inner_text()) > 0
    screenshot("matches")
    page.locator("#other-districts a").click()  # the district's and the city's first; the others on request
    page.locator("#group-not summary").click()
    assert "注册地不在" in page.locator("#group-not").inner_text()
    assert page.get_by_label("从业人员（人）").input_value() == "50"


def test_a_visitor_estimates_a_subsidy_on_a_measure_page(page, screenshot):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    page.goto(page.base_url + measure.get_absolute_url())
    estimator = page.locator("#estimator")
    estimator.get_by_label("一次性培训补贴：参加技能提升培训的职工人数（人）").fill("-3")
    estimator.get_by_role("button", name="测算").click()
    assert "#estimator" in page.url and page.locator("#estimate-result").count() == 0
    assert page.locator("#estimator .invalid-feedback").count() > 0
    screenshot("error")

    page.locator("#estimator").get_by_label("一次性培训补贴：参加技能提升培训的职工人数（人）").fill("20")
    page.locator("#estimator").get_by_role("button", name="测算").click()
    assert page.locator("#estimate-amount").inner_text() == "20,000.00 元"
    assert "20 人 × 1,000.00 元" in page.locator("#estimate-steps").inner_text()
    assert "朝政办发〔2020〕8号 16." in page.locator("#estimate-result").inner_text()
    screenshot("estimate")


def test_a_visitor_objects_by_name_and_the_case_stays_in_publicity_until_a_reviewer_examines_it(
    page, screenshot, demo_staff
):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    today = timezone.localdate()
    owner = EnterpriseUserFactory(enterprise__name="北京朝阳示例培训有限公司")
    application = ApplicationFactory(
        created_by=owner,
        measure=measure,
        status="publicity",
        inputs={"persons": "30"},
        estimate_amount=Decimal("30000.00"),
        proposed_amount=Decimal("30000.00"),
        publicity_starts_on=today,
        publicity_ends_on=today + datetime.timedelta(days=7),
    )
    page.goto(page.base_url + "/gongshi/")
    row = page.locator("tbody tr", has_text=application.reference)
    assert "北京朝阳示例培训有限公司" in row.inner_text() and "30,000.00" in row.inner_text()
    screenshot("announcements")

    row.get_by_role("link", name="提出异议").click()
    page.get_by_role("button", name="提交异议").click()
    assert page.locator(".invalid-feedback").count() == 5  # name, phone, e-mail, facts and the pledge
    page.get_by_label("姓名（或单位名称）").fill("张先生")
    page.get_by_label("联系电话").fill("13900139000")
    page.get_by_label("电子邮箱").fill("zhang.objector@example.cn")
    page.get_by_label("异议事实和理由").fill("该企业2020年并未组织30名职工参加培训。")
    page.get_by_label("本人承诺以真实身份提出异议，所反映的情况属实。").check()
    screenshot("objection-form")
    page.get_by_role("button", name="提交异议").click()
    assert "您的姓名和联系方式不会告知申请企业" in page.locator(".alert-success").inner_text()
    assert application.reference in page.locator("tbody").inner_text()  # still announced while it is examined
    screenshot("objection-received")

    application.refresh_from_db()
    objection = Objection.objects.get(application=application)
    assert application.status == "publicity" and objection.outcome == "pending"
    assert not any("张先生" in event.comment or "13900139000" in event.comment for event in application.events.all())
    to_reviewer = [m for m in mail.outbox if m.to == [demo_staff["cy-rsj"].email]]
    assert [m.subject for m in to_reviewer] == [f"待核实：申请 {application.reference} 公示期间收到异议"]

    # The reviewer finds it on the staff home, reads who objected and upholds it: the case goes back to review.
    page.goto(page.base_url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill("cy-rsj")
    page.locator("#id_password").fill("demo-pass-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="待核实的公示异议").click()
    page.locator("#result_list tbody tr", has_text=application.reference).locator("th a").click()
    page.wait_for_url("**/objection/*/change/**")
    details = page.locator("#content").inner_text()
    assert "张先生" in details and "13900139000" in details and "zhang.objector@example.cn" in details
    page.get_by_label("异议成立：申请退回审核").check()
    page.get_by_label("核实意见").fill("经查社保记录，该企业2020年参训职工不足30人。")
    screenshot("objection-triage")
    page.get_by_role("button", name="提交核实结果").click()
    assert "异议已核实成立" in page.locator(".messagelist").inner_text()
    application.refresh_from_db()
    objection.refresh_from_db()
    assert application.status == "under_review" and objection.outcome == "upheld"
    assert [m.subject for m in mail.outbox if m.to == ["zhang.objector@example.cn"]] == [
        f"您对公示项目 {application.reference} 所提异议的核实结果"
    ]


def test_the_announcements_show_the_enterprises_name_on_a_line_or_two(page, screenshot):
    """The name column was squeezed to one character a line at 1280 px (the credit code and the period do not wrap)."""
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    today = timezone.localdate()
    owner = EnterpriseUserFactory(enterprise__name="北京朝阳示例培训有限公司")
    application = ApplicationFactory(
        created_by=owner,
        measure=measure,
        status="publicity",
        proposed_amount=Decimal("30000.00"),
        publicity_starts_on=today,
        publicity_ends_on=today + datetime.timedelta(days=7),
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + "/gongshi/")
    name = page.locator("tbody tr", has_text=application.reference).locator("td.enterprise-name")
    lines = name.evaluate(
        "cell => { const text = document.createRange(); text.selectNodeContents(cell);"
        " return text.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight); }"
    )
    assert name.inner_text() == "北京朝阳示例培训有限公司" and lines <= 2, lines
    table = page.locator(".table-responsive")  # every column in view: the table does not scroll sideways
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth"), table.evaluate("box => box.scrollWidth")
    screenshot("announcements-1280")
