"""Issue 7's administrator journey in a browser: the district administrator records a fraud finding on a paid case,
the portal revokes the award, recovers the whole amount and bans the enterprise for three years; finance records
the repayment; the enterprise sees its ban and recovery and cannot apply; a reviewer sees the ban on its open case."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from applications.models import Application, Payment
from applications.sanctions.findings import add_years
from measures.models import Measure
from portal.formatting import format_money
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

# What was paid and is recovered, as the portal prints money everywhere ("12,000.00 元").
AMOUNT = format_money(Decimal("12000.00"))
DECISION = "朝财监〔2026〕12号"
CLAUSE = "对弄虚作假骗取奖励补贴的企业，除将奖励补贴资金全额收缴外，三年内不准其申请区内各类补贴奖励资金。"


def measure(number: str, clause: str) -> Measure:
    return Measure.objects.get(document__number=number, clause=clause)


def admin_date(day: datetime.date) -> str:
    """Return a date as the admin's lists show it in Chinese (e.g. 2029年4月9日)."""
    with translation.override("zh-hans"):
        return formats.date_format(day)


def open_case_in_admin(page, reference: str) -> None:
    """Find the case in the admin's queue by its reference and open it."""
    page.goto(page.base_url + "/admin/applications/application/")
    page.locator("#searchbar").fill(reference)
    with page.expect_navigation():
        page.locator("#changelist-search").get_by_role("button").click()
    page.locator("#result_list").get_by_role("link", name=reference).click()


def open_from_admin_index(page, model: str) -> None:
    """Follow the admin index's link to one model's list (e.g. 资金收缴)."""
    page.goto(page.base_url + "/admin/")
    page.locator("#content-main").get_by_role("link", name=model, exact=True).click()


@pytest.fixture
def paid_case(demo_staff, chaoyang_owner):
    """The Chaoyang enterprise's training-subsidy case, approved for 12000 yuan and paid in two payments."""
    today = timezone.localdate()
    amounts = {key: Decimal("12000.00") for key in ("estimate_amount", "proposed_amount", "approved_amount")}
    application = ApplicationFactory(
        created_by=chaoyang_owner,
        measure=measure("朝政办发〔2020〕8号", "16."),
        status="disbursed",
        inputs={"persons": "12"},
        submitted_at=timezone.now() - datetime.timedelta(days=40),
        **amounts,
    )
    for amount, days_ago, bank_reference in [("7000", 20, "CY-PAY-7000"), ("5000", 10, "CY-PAY-5000")]:
        Payment.objects.create(
            application=application,
            amount=Decimal(amount),
            paid_on=today - datetime.timedelta(days=days_ago),
            bank_reference=bank_reference,
            recorded_by=demo_staff["cy-czj"],
        )
    return application


@pytest.fixture
def open_case(chaoyang_owner):
    """Another case of the same enterprise, submitted and waiting for 区人力社保局 (朝政办发〔2020〕2号 9.)."""
    return ApplicationFactory(
        created_by=chaoyang_owner,
        measure=measure("朝政办发〔2020〕2号", "9."),
        status="submitted",
        inputs={"persons": "3"},
        submitted_at=timezone.now(),
    )


def test_a_fraud_finding_revokes_recovers_and_bans_and_everyone_sees_it(
    page, new_page, shot, sign_in, admin_sign_in, chaoyang_owner, paid_case, open_case
):
    reference = paid_case.reference
    today = timezone.localdate()
    ban_ends = add_years(today, 3) - datetime.timedelta(days=1)

    # The district administrator opens the paid case and records the finding.
    admin = page
    admin_sign_in(admin, "cy-admin")
    open_case_in_admin(admin, reference)
    assert "已全额拨付" in admin.locator(".field-status").inner_text()
    shot(admin, "01-paid-case")
    admin.locator(".object-tools").get_by_role("link", name="登记弄虚作假查处").click()
    assert admin.locator("#id_application").input_value() == str(paid_case.pk)
    admin.locator("#id_evidence").fill("虚报参培职工人数，伪造培训签到表。")
    admin.locator("#id_decision_number").fill(DECISION)
    admin.locator("#id_decision_date").fill(today.isoformat())
    admin.locator("#id_persons_responsible").fill("赵某，总经理")
    clause = admin.locator("#id_clause_quote")
    if not clause.input_value().strip():  # Chaoyang's documents may state no sanction clause of their own
        clause.fill(CLAUSE)
    clause_text = clause.input_value()
    shot(admin, "02-finding-form")
    admin.get_by_role("button", name="保存", exact=True).click()
    consequences = admin.locator("#finding-consequences").inner_text()
    assert "已撤销" in consequences and "全额收缴" in consequences and "三年" in consequences
    shot(admin, "02b-finding-confirmation")
    admin.get_by_role("button", name="确认登记").click()
    assert f"已登记查处记录 {DECISION}" in admin.locator(".messagelist").inner_text()
    findings = admin.locator("#result_list").inner_text()
    assert DECISION in findings and reference in findings
    shot(admin, "03-finding-listed")

    # The task ran on commit: the case is revoked, the recovery of 12000.00 opened, the ban recorded.
    open_case_in_admin(admin, reference)
    assert "已撤销" in admin.locator(".field-status").inner_text()
    history = admin.locator(".inline-group").first.inner_text()
    assert "查实弄虚作假，撤销奖励补贴" in history and "禁止申请区内各类补贴奖励资金三年" in history
    assert admin.get_by_role("link", name="登记弄虚作假查处").count() == 0
    shot(admin, "04-revoked-case")
    open_from_admin_index(admin, "资金收缴")
    row = admin.locator("#result_list tbody tr", has_text=reference)
    assert AMOUNT in row.inner_text() and "追缴中" in row.inner_text()
    shot(admin, "05-recoveries")
    open_from_admin_index(admin, "禁止申请记录")
    row = admin.locator("#result_list tbody tr", has_text=chaoyang_owner.enterprise.name)
    assert DECISION in row.inner_text()
    assert admin_date(today) in row.inner_text() and admin_date(ban_ends) in row.inner_text()
    shot(admin, "06-bans")

    # Finance records the repayment: more than is owed is refused, the whole amount closes the recovery.
    finance = new_page()
    admin_sign_in(finance, "cy-czj")
    open_from_admin_index(finance, "资金收缴")
    finance.locator("#result_list").get_by_role("link", name=reference).click()
    finance.locator(".object-tools").get_by_role("link", name="登记退回资金").click()
    assert f"应收缴 {AMOUNT}，尚欠 {AMOUNT}" in finance.locator("#content").inner_text()
    assert finance.locator("#id_paid_on").input_value() == today.isoformat()  # prefilled with today
    finance.locator("#id_amount").fill("20000")
    finance.locator("#id_bank_reference").fill("CY-BACK-0001")
    finance.get_by_role("button", name="登记").click()
    assert f"退回金额不能超过尚未收缴的 {AMOUNT}" in finance.locator(".errornote").inner_text()
    shot(finance, "07-repayment-refused")
    finance.locator("#id_amount").fill("12000.00")
    finance.get_by_role("button", name="登记").click()
    assert "已登记退回资金" in finance.locator(".messagelist").inner_text()
    assert "已全额收缴" in finance.locator(".field-state").inner_text()
    repayments = finance.locator(".inline-group").inner_text()
    assert AMOUNT in repayments and "CY-BACK-0001" in repayments
    assert finance.get_by_role("link", name="登记退回资金").count() == 0
    shot(finance, "08-recovery-closed")

    # The enterprise sees its ban and its recovery, and cannot start an application in Chaoyang.
    enterprise = new_page()
    sign_in(enterprise, chaoyang_owner.username, "correct-horse-battery")
    enterprise.goto(enterprise.base_url + "/applications/")
    enterprise.get_by_role("link", name="处理决定、收缴和禁止申请").click()
    bans = enterprise.locator("table.bans tbody").inner_text()
    assert DECISION in bans and f"{today.isoformat()} — {ban_ends.isoformat()}" in bans
    assert "禁止申请中" in bans and clause_text in bans
    recovery = enterprise.locator(".recovery").inner_text()
    assert reference in recovery and "已全额收缴" in recovery
    assert f"应收缴 {AMOUNT}" in recovery and f"尚欠 {format_money(0)}" in recovery
    assert re.search(rf"{today.isoformat()}\s+{re.escape(AMOUNT)}\s+CY-BACK-0001", recovery)
    shot(enterprise, "09-sanctions")
    # The measure's page offers no 在线申请 but says why.
    enterprise.goto(enterprise.base_url + paid_case.measure.get_absolute_url())
    assert enterprise.locator("#apply").count() == 0
    alert = enterprise.locator(".ban-alert").inner_text()
    assert f"贵企业在 {ban_ends.isoformat()} 之前不得申请朝阳区各类补贴奖励资金" in alert
    assert DECISION in alert and clause_text in alert
    assert enterprise.get_by_role("button", name="创建申请草稿").count() == 0
    shot(enterprise, "10-start-refused")

    # The enterprise was told of the decision and of the repayment by e-mail.
    to_enterprise = [m for m in mail.outbox if m.to == [chaoyang_owner.email]]
    subjects = [m.subject for m in to_enterprise]
    assert f"处理决定（{DECISION}）：撤销申请 {reference} 的奖励补贴并全额收缴" in subjects
    assert f"收缴结案：申请 {reference} 的资金已全额退回" in subjects
    notice = next(m for m in to_enterprise if m.subject.startswith("处理决定"))
    assert f"全额收缴已拨付的资金 {AMOUNT}" in notice.body
    assert f"{today.isoformat()} 至 {ban_ends.isoformat()} 不得申请朝阳区各类补贴奖励资金" in notice.body

    # The reviewer of 区人力社保局 sees the ban on the enterprise's other open case.
    reviewer = new_page()
    admin_sign_in(reviewer, "cy-rsj")
    open_case_in_admin(reviewer, open_case.reference)
    ban_alert = reviewer.locator(".ban-alert").inner_text()
    assert f"该企业根据{DECISION}在 {today.isoformat()} 至 {ban_ends.isoformat()} 期间不得申请朝阳区" in ban_alert
    shot(reviewer, "11-open-case-ban-alert")
    assert Application.objects.get(pk=open_case.pk).status == "submitted"
