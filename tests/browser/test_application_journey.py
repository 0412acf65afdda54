"""Issue 5's journey in a browser: an enterprise applies, the lead department reviews, the public sees the
announcement, the district finance approves and pays, and the enterprise follows every step by e-mail."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from applications.models import Application
from applications.workflow.services import publicity_close_due

pytestmark = pytest.mark.browser

DOCUMENT = "朝政办发〔2020〕8号"


def minimal_pdf() -> bytes:
    """Return a one-page PDF with a valid cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length 21 >>\nstream\n0 0 1 rg 10 10 50 50 re f\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def open_case_in_admin(page, reference: str) -> None:
    """Find the case in the admin's queue by its reference and open it."""
    page.goto(page.base_url + "/admin/applications/application/")
    page.locator("#searchbar").fill(reference)
    with page.expect_navigation():
        page.locator("#changelist-search").get_by_role("button").click()
    page.locator("#result_list").get_by_role("link", name=reference).click()


def act_in_admin(page, reference: str, label: str, **fields) -> None:
    """On the open case's admin page, take one action with the fields given (by their input ids)."""
    page.locator(".object-tools").get_by_role("link", name=label).click()
    for field, value in fields.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_role("button", name="确定").click()
    assert f"{reference}：已{label}" in page.locator(".messagelist").inner_text()


def test_an_application_goes_from_the_measure_page_to_the_payment(
    page, new_page, shot, sign_in, admin_sign_in, chaoyang_owner, demo_staff, private_media, tmp_path
):
    # The enterprise finds the measure in the library and starts an application.
    enterprise = page
    sign_in(enterprise, chaoyang_owner.username, "correct-horse-battery")
    enterprise.goto(enterprise.base_url + "/library/")
    enterprise.get_by_label("关键词").fill(DOCUMENT)
    enterprise.get_by_role("button", name="筛选").click()
    enterprise.get_by_role("link", name=DOCUMENT).first.click()
    enterprise.get_by_role("link", name=re.compile(r"^16\. ")).click()
    shot(enterprise, "01-measure")
    enterprise.locator("#apply").click()
    enterprise.get_by_role("button", name="创建申请草稿").click()

    # The web form: the rule's input, the declaration and a PDF attachment.
    enterprise.get_by_label("一次性培训补贴：参加技能提升培训的职工人数（人）").fill("12")
    enterprise.get_by_label(re.compile("本企业承诺所填信息")).check()
    pdf = tmp_path / "参培职工名单.pdf"
    pdf.write_bytes(minimal_pdf())
    enterprise.get_by_label("上传附件").set_input_files(pdf)
    shot(enterprise, "02-form")
    enterprise.get_by_role("button", name="下一步：核对并提交").click()
    assert "已上传附件“参培职工名单.pdf”" in enterprise.content()
    estimate = enterprise.locator("table.estimate")
    assert "12 人 × 1,000.00 元 = 12,000.00 元" in estimate.inner_text() and "12,000.00 元" in estimate.inner_text()
    assert "参培职工名单.pdf" in enterprise.content()
    shot(enterprise, "03-confirm")
    enterprise.get_by_role("button", name="确认提交").click()
    assert "申请已提交" in enterprise.content()
    application = Application.objects.get(enterprise=chaoyang_owner.enterprise)
    reference = application.reference
    assert application.status == "submitted"
    shot(enterprise, "04-submitted")

    # The reviewer of 区人力社保局 (the measure's lead department) finds it in the queue and returns it.
    reviewer = new_page()
    admin_sign_in(reviewer, "cy-rsj")
    reviewer.get_by_role("link", name="申请", exact=True).first.click()
    assert reference in reviewer.locator("#result_list").inner_text()
    shot(reviewer, "05-queue")
    reviewer.locator("#result_list").get_by_role("link", name=reference).click()
    assert "提交申请" in reviewer.locator(".inline-group").first.inner_text()  # the case's history
    with reviewer.expect_download() as download:
        reviewer.get_by_role("link", name="参培职工名单.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf.read_bytes()
    shot(reviewer, "05b-case")
    act_in_admin(reviewer, reference, "退回补正", comment="请补充参培职工的社保缴费证明。")
    shot(reviewer, "06-returned")

    # The enterprise sees the request, corrects its figure and resubmits.
    enterprise.goto(enterprise.base_url + "/applications/")
    assert "退回补正" in enterprise.locator("tbody").inner_text()
    enterprise.get_by_role("link", name=reference).click()
    assert "请补充参培职工的社保缴费证明。" in enterprise.locator(".alert-warning").inner_text()
    shot(enterprise, "07-correction-request")
    enterprise.get_by_role("link", name="补正材料").click()
    enterprise.get_by_label("一次性培训补贴：参加技能提升培训的职工人数（人）").fill("10")
    enterprise.get_by_role("button", name="下一步：核对并提交").click()
    assert "10,000.00 元" in enterprise.locator("table.estimate").inner_text()
    enterprise.get_by_role("button", name="重新提交").click()
    assert "补正后重新提交" in enterprise.locator("h1").inner_text()

    # The reviewer accepts, passes the final review with an amount and starts the announcement.
    open_case_in_admin(reviewer, reference)
    act_in_admin(reviewer, reference, "预审通过")
    # Below the engine's 10,000.00 yuan: the reviewer says why.
    act_in_admin(reviewer, reference, "终审通过，提出拟支持金额", amount="9000", comment="一名职工培训课时不足40课时。")
    act_in_admin(reviewer, reference, "开始公示")
    shot(reviewer, "08-publicity-started")

    # The public sees the case on the announcements page.
    public = new_page()
    public.goto(public.base_url + "/gongshi/")
    row = public.locator("tbody tr", has_text=reference)
    assert chaoyang_owner.enterprise.name in row.inner_text() and "9,000.00 元" in row.inner_text()
    shot(public, "09-gongshi")

    # The announcement ends (the hourly task), then the district finance approves and pays.
    application.refresh_from_db()
    publicity_close_due(today=application.publicity_ends_on + datetime.timedelta(days=1))
    public.reload()
    assert reference not in public.content()
    finance = new_page()
    admin_sign_in(finance, "cy-czj")
    open_case_in_admin(finance, reference)
    act_in_admin(finance, reference, "财政审批通过")
    act_in_admin(
        finance,
        reference,
        "登记拨付",
        amount="9000",
        paid_on=timezone.localdate().isoformat(),
        bank_reference="CY-2026-000123",
    )
    shot(finance, "10-paid")

    # The enterprise follows the link of the payment e-mail and sees the payment and the whole timeline.
    payment_mail = [m for m in mail.outbox if m.to == [chaoyang_owner.email]][-1]
    path = re.search(r"https?://[^/\s]+(/applications/\d+/)", payment_mail.body).group(1)
    enterprise.goto(enterprise.base_url + path)
    assert "已全额拨付" in enterprise.locator("h1").inner_text()
    payments = enterprise.locator("table.payments").inner_text()
    assert "9,000.00 元" in payments and "CY-2026-000123" in payments
    timeline = enterprise.locator(".timeline").inner_text()
    steps = [
        "提交申请",
        "退回补正",
        "补正后重新提交",
        "预审通过",
        "终审通过，提出拟支持金额",
        "开始公示",
        "公示期满无异议，报财政审批",
        "财政审批通过",
        "登记拨付",
    ]
    assert [line for line in timeline.splitlines() if line in steps] == steps
    shot(enterprise, "11-case-page")

    # One e-mail to the enterprise at each step, in Chinese, with the link to its case.
    to_enterprise = [m for m in mail.outbox if m.to == [chaoyang_owner.email]]
    assert [m.subject for m in to_enterprise] == [f"申请 {reference}：{step}" for step in steps]
    link = settings.PORTAL_BASE_URL + application.get_absolute_url()
    for message in to_enterprise:
        assert f"贵企业的申请 {reference}（{DOCUMENT} 16. 技能提升培训补贴" in message.body
        assert f"查看申请和全部办理记录：{link}" in message.body
    assert "请补充参培职工的社保缴费证明。" in to_enterprise[1].body
    assert "拟支持金额：9,000.00 元" in to_enterprise[5].body
    assert "本次拨付：9,000.00 元" in to_enterprise[-1].body
