"""The staff's side in a browser: a reviewer works the queue, finance pays in parts and exports to Excel, and an
auditor looks without being able to act."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from applications.models import Application
from applications.workflow import TRANSITIONS
from measures.models import Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory

pytestmark = pytest.mark.browser

QUEUE = "/admin/applications/application/"


def measure(number: str, clause: str) -> Measure:
    return Measure.objects.get(document__number=number, clause=clause)


def case(name: str, measure: Measure, status: str, **fields) -> Application:
    user = EnterpriseUserFactory(enterprise__name=name)
    return ApplicationFactory(created_by=user, measure=measure, status=status, inputs={"persons": "12"}, **fields)


def references(page) -> list[str]:
    return sorted(page.locator("#result_list tbody th a").all_inner_texts())


def pick_filter(page, title: str, choice: str) -> None:
    """Click one choice of one of the queue's filters (the panel on the right)."""
    panel = page.locator("#changelist-filter details", has=page.get_by_text(f"以 {title}", exact=True))
    with page.expect_navigation():
        panel.get_by_role("link", name=choice, exact=True).click()


@pytest.fixture
def chaoyang_queue(page):
    """Cases of 区人力社保局's two measures in Chaoyang, in the states the filters tell apart."""
    training, jobs = measure("朝政办发〔2020〕8号", "16."), measure("朝政办发〔2020〕2号", "9.")
    past = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "first": case("北京甲软件有限公司", training, "submitted"),
        "second": case("北京乙软件有限公司", training, "submitted"),
        "other_measure": case("北京丙餐饮有限公司", jobs, "submitted"),
        "overdue": case(
            "北京丁物流有限公司", training, "returned", correction_request="补充名单", correction_due_on=past
        ),
        "sampled": case(
            "北京戊科技有限公司",
            training,
            "verification",
            sampled=True,
            estimate_amount=Decimal("12000.00"),
            proposed_amount=Decimal("12000.00"),
            verification_due_on=timezone.localdate() + datetime.timedelta(days=5),
        ),
    }


def test_a_reviewer_filters_the_queue_searches_and_accepts_two_cases_at_once(
    page, shot, admin_sign_in, demo_staff, chaoyang_queue
):
    cases = {key: application.reference for key, application in chaoyang_queue.items()}
    admin_sign_in(page, "cy-rsj")
    page.goto(page.base_url + QUEUE)
    assert references(page) == sorted(cases.values())
    shot(page, "queue")

    pick_filter(page, "政策措施", "9. 鼓励企业稳定工作岗位")
    assert references(page) == [cases["other_measure"]]
    shot(page, "by-measure")

    page.goto(page.base_url + QUEUE)
    pick_filter(page, "状态", "已提交，待预审")
    assert references(page) == sorted([cases["first"], cases["second"], cases["other_measure"]])

    page.goto(page.base_url + QUEUE)
    pick_filter(page, "是否逾期", "已逾期")
    assert references(page) == [cases["overdue"]]
    shot(page, "overdue")

    page.goto(page.base_url + QUEUE)
    pick_filter(page, "抽中核实", "是")
    assert references(page) == [cases["sampled"]]

    page.goto(page.base_url + QUEUE)
    page.locator("#searchbar").fill(chaoyang_queue["second"].enterprise.credit_code)
    with page.expect_navigation():
        page.locator("#changelist-search").get_by_role("button").click()
    assert references(page) == [cases["second"]]
    shot(page, "by-credit-code")

    # Both submitted cases of the training measure, accepted with one bulk action.
    page.goto(page.base_url + QUEUE)
    pick_filter(page, "政策措施", "16. 技能提升培训补贴、稳岗培训补贴和临时性岗位补贴")
    pick_filter(page, "状态", "已提交，待预审")
    assert references(page) == sorted([cases["first"], cases["second"]])
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="预审通过")
    page.get_by_role("button", name="执行").click()
    assert "预审通过" in page.locator("h2").first.inner_text()
    shot(page, "bulk-confirm")
    page.get_by_role("button", name="确定").click()
    messages = page.locator(".messagelist").inner_text()
    assert f"{cases['first']}：已预审通过" in messages and f"{cases['second']}：已预审通过" in messages
    shot(page, "bulk-done")
    statuses = dict(Application.objects.values_list("reference", "status"))
    assert statuses[cases["first"]] == statuses[cases["second"]] == "under_review"
    assert statuses[cases["other_measure"]] == "submitted"


def pay(page, reference: str, amount: str, bank_reference: str) -> None:
    page.goto(page.base_url + QUEUE)
    page.locator("#result_list").get_by_role("link", name=reference).click()
    page.locator(".object-tools").get_by_role("link", name="登记拨付").click()
    page.locator("#id_amount").fill(amount)
    page.locator("#id_paid_on").fill(timezone.localdate().isoformat())
    page.locator("#id_bank_reference").fill(bank_reference)
    page.get_by_role("button", name="确定").click()
    assert f"{reference}：已登记拨付" in page.locator(".messagelist").inner_text()


def test_finance_approves_pays_in_two_parts_and_exports_the_list(page, shot, admin_sign_in, demo_staff, tmp_path):
    training = measure("朝政办发〔2020〕8号", "16.")
    amounts = {"estimate_amount": Decimal("12000.00"), "proposed_amount": Decimal("12000.00")}
    application = case("北京己软件有限公司", training, "finance_review", **amounts)
    elsewhere = case(
        "北京门头沟庚有限公司",
        measure("门政发〔2020〕25号", "（四）"),
        "approved",
        approved_amount=Decimal("5000.00"),
        **amounts,
    )
    reference = application.reference
    admin_sign_in(page, "cy-czj")
    page.goto(page.base_url + QUEUE)
    assert references(page) == [reference]
    page.locator("#result_list").get_by_role("link", name=reference).click()
    page.locator(".object-tools").get_by_role("link", name="财政审批通过").click()
    assert "主管部门拟支持金额 12,000.00 元" in page.locator(".help").inner_text()
    shot(page, "approve")
    page.get_by_role("button", name="确定").click()
    assert f"{reference}：已财政审批通过" in page.locator(".messagelist").inner_text()

    pay(page, reference, "5000", "CY-PAY-0001")
    assert "部分拨付" in page.locator("#content").inner_text()
    shot(page, "first-payment")
    pay(page, reference, "7000", "CY-PAY-0002")
    assert "已全额拨付" in page.locator("#content").inner_text()
    shot(page, "second-payment")

    page.goto(page.base_url + QUEUE)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出已批准和已拨付清单（Excel）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    approved = [row for row in workbook["已批准"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[5], r[6], r[7], r[8]) for r in approved] == [
        (reference, "北京己软件有限公司", 12000, 12000, 0, "已全额拨付")
    ]
    paid = [row[:7] for row in workbook["已拨付"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[5], r[6]) for r in paid] == [(reference, 5000, "CY-PAY-0001"), (reference, 7000, "CY-PAY-0002")]
    assert elsewhere.reference not in str(approved + paid)


def test_an_auditor_sees_the_cases_but_no_action(page, shot, admin_sign_in, demo_staff, chaoyang_queue):
    application = chaoyang_queue["first"]
    admin_sign_in(page, "cy-audit")
    page.goto(page.base_url + QUEUE)
    assert references(page) == sorted(a.reference for a in chaoyang_queue.values())
    assert page.locator("select[name=action]").count() == 0
    shot(page, "queue")

    page.locator("#result_list").get_by_role("link", name=application.reference).click()
    assert application.enterprise.name in page.locator("#content").inner_text()
    tools = page.locator(".object-tools").all_inner_texts()
    assert not [label for label in (str(t.label) for t in TRANSITIONS.values()) if label in " ".join(tools)]
    assert page.locator("input[type=submit]").count() == 0
    shot(page, "case")

    page.goto(page.base_url + f"{QUEUE}{application.pk}/act/accept/")
    assert "您不能对该申请执行“预审通过”" in page.locator(".messagelist").inner_text()
    application.refresh_from_db()
    assert application.status == "submitted"
