"""Issue 20's journey in a browser, as an enterprise after applying: the case page's stepper of stages with their
dates, the inbox with its unread count, and the decision letter downloaded as a PDF whose text states the amount in
figures and in capitals."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import StaffRole
from applications.workflow import apply_transition
from contacts.models import Department
from measures.models import Measure
from tests.factories import ApplicationFactory, StaffUserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def approved_case(chaoyang_owner):
    """The owner's case of 朝政办发〔2020〕8号 16., approved by the district's finance at 100,000.00 yuan."""
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    finance = StaffUserFactory(role=StaffRole.FINANCE, staff_district=measure.document.district)
    application = ApplicationFactory(
        enterprise=chaoyang_owner.enterprise,
        created_by=chaoyang_owner,
        measure=measure,
        status="finance_review",
        inputs={"persons": "100"},
        proposed_amount=Decimal("100000.00"),
        submitted_at=timezone.now(),
    )
    return apply_transition(application_id=application.pk, action="finance_approve", actor=finance)


@pytest.fixture
def submitted_case(chaoyang_owner):
    """The owner's case of 朝政办发〔2020〕2号 9., accepted in pre-review by the lead department today."""
    measure = Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")
    department = Department.objects.get(district=measure.document.district, name="区人力社保局")
    reviewer = StaffUserFactory(role=StaffRole.REVIEWER, department=department)
    application = ApplicationFactory(
        enterprise=chaoyang_owner.enterprise,
        created_by=chaoyang_owner,
        measure=measure,
        status="submitted",
        inputs={"persons": "12"},
        submitted_at=timezone.now(),
    )
    return apply_transition(application_id=application.pk, action="accept", actor=reviewer)


def test_an_enterprise_follows_its_case_reads_its_notices_and_downloads_its_letter(
    page, shot, sign_in, chaoyang_owner, approved_case, submitted_case, private_media, tmp_path
):
    today = timezone.localdate().isoformat()
    sign_in(page, chaoyang_owner.username, "correct-horse-battery")

    # The stepper: pre-review done today, final review the current stage with the day it is expected by.
    page.goto(page.base_url + submitted_case.get_absolute_url())
    stepper = page.locator(".stepper")
    assert f"{today} 完成" in stepper.locator('[data-stage="pre_review"]').inner_text()
    current = stepper.locator('[aria-current="step"]')
    assert "终审" in current.inner_text() and "预计不晚于" in current.inner_text()
    assert "办理部门和联系人" in page.content() and "区人力社保局" in page.locator(".case-contacts").inner_text()
    shot(page, "stepper")

    # The header counts the two unread notices; the inbox lists them; opening one marks it read.
    assert page.locator(".nav-inbox .unread-count").inner_text().endswith("2")
    page.locator(".nav-inbox").click()
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 2 and page.locator("tr.notice-unread").count() == 2
    shot(page, "inbox")
    page.locator("table.inbox").get_by_role("link", name=f"申请 {submitted_case.reference}").first.click()
    assert submitted_case.reference in page.locator("pre.notice-body").inner_text()
    assert page.locator(".nav-inbox .unread-count").inner_text().endswith("1")
    page.goto(page.base_url + "/notifications/")
    page.get_by_role("button", name="全部标为已读").click()
    assert page.locator(".nav-inbox .unread-count").count() == 0 and page.locator("tr.notice-unread").count() == 0

    # The approved case's page offers its 批准决定书; the PDF states the amount in figures and capitals.
    page.goto(page.base_url + approved_case.get_absolute_url())
    assert "已批准" in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.locator(".letters").get_by_role("link", name="批准决定书（PDF）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert path.name.startswith("批准决定书-") and "¥100,000.00" in text and "人民币壹拾万元整" in text
    assert "朝政办发〔2020〕8号 16." in text and chaoyang_owner.enterprise.name in text
    shot(page, "approved-case")
