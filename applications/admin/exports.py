"""The finance officers' Excel export of approved and paid cases, over a queryset already restricted to the user."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contacts.models import Department
from measures.models import Measure
from portal.formatting import style_money_cells
from portal.money import MoneySum

from ..models import Application, Ban, Payment, Recovery, Status
from ..ratings.stats import rating_rows

EXPORTED_STATUSES = [Status.APPROVED, Status.DISBURSING, Status.DISBURSED, Status.CLOSED]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What a spreadsheet reads as the start of a formula (or, after a tab or line break, may be made to): such text, e.g.
# an enterprise named "=HYPERLINK(...)", is written as text, with Excel's quote prefix so that editing keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cells) -> None:
    """Keep every text cell of a row text: openpyxl writes a string starting with "=" as a formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        elif isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"  # "#N/A" and the other error codes, read as errors otherwise


def _sheet(workbook: Workbook, title: str, header: list[str], rows, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        _as_text(sheet[sheet.max_row])
        style_money_cells(sheet[sheet.max_row])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (16, 30, 22, 10, 40, 14, 14, 14, 16, 12), strict=False):
        sheet.column_dimensions[column].width = width
    return sheet


def approved_and_paid_workbook(applications: QuerySet[Application]) -> Workbook:
    """Return a workbook with the approved cases and the payments made on them."""
    approved = (
        applications.filter(status__in=EXPORTED_STATUSES)
        .select_related("enterprise", "district", "measure__document")
        .order_by("district__order", "reference")
    )
    workbook = Workbook()
    _sheet(
        workbook,
        _("已批准"),
        [
            _("申请编号"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("行政区"),
            _("政策措施"),
            _("批准金额（元）"),
            _("已拨付（元）"),
            _("未拨付（元）"),
            _("状态"),
        ],
        (
            [
                a.reference,
                a.enterprise.name,
                a.enterprise.credit_code,
                a.district.name,
                f"{a.measure.citation} {a.measure.title}",
                a.approved_amount,
                a.paid_total(),
                a.outstanding(),
                a.get_status_display(),
            ]
            for a in approved
        ),
        first=True,
    )
    payments = (
        Payment.objects.filter(application__in=approved.values("pk"))
        .select_related("application__enterprise", "application__district", "recorded_by")
        .order_by("paid_on", "pk")
    )
    _sheet(
        workbook,
        _("已拨付"),
        [
            _("申请编号"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("行政区"),
            _("拨付日期"),
            _("拨付金额（元）"),
            _("银行流水号"),
            _("登记人"),
        ],
        (
            [
                p.application.reference,
                p.application.enterprise.name,
                p.application.enterprise.credit_code,
                p.application.district.name,
                p.paid_on,
                p.amount,
                p.bank_reference,
                p.recorded_by.get_full_name() or p.recorded_by.username,
            ]
            for p in payments
        ),
    )
    _sanction_sheets(workbook, applications)
    _rating_sheets(workbook, applications)
    return workbook


def _rating_sheets(workbook: Workbook, applications: QuerySet[Application]) -> None:
    """好差评 of the decisions of the cases the user may see, per department and per measure: 好评/中评/差评 and the
    rectifications still unanswered (and past their deadline)."""
    today = timezone.localdate()
    header = [_("好评"), _("中评"), _("差评"), _("差评待答复"), _("其中已逾期")]
    by_department = rating_rows(applications, "department", today)
    departments = Department.objects.select_related("district").in_bulk([r.key for r in by_department if r.key])
    _sheet(
        workbook,
        _("服务评价（按部门）"),
        [_("行政区"), _("部门"), *header],
        (
            [
                departments[r.key].district.name if r.key in departments else "—",
                departments[r.key].name if r.key in departments else "—",
                r.good,
                r.neutral,
                r.bad,
                r.open,
                r.overdue,
            ]
            for r in by_department
        ),
    )
    by_measure = rating_rows(applications, "measure", today)
    measures = Measure.objects.select_related("document").in_bulk([r.key for r in by_measure])
    _sheet(
        workbook,
        _("服务评价（按政策措施）"),
        [_("政策措施"), *header],
        (
            [f"{measures[r.key].citation} {measures[r.key].title}", r.good, r.neutral, r.bad, r.open, r.overdue]
            for r in by_measure
            if r.key in measures
        ),
    )


def _sanction_sheets(workbook: Workbook, applications: QuerySet[Application]) -> None:
    """The recoveries of revoked awards and the bans, for the cases (and their enterprises) the user may see."""
    recoveries = (
        Recovery.objects.filter(application__in=applications.values("pk"))
        .select_related("application", "enterprise", "district", "finding")
        .annotate(repaid=MoneySum("repayments__amount"))
        .order_by("due_on", "pk")
    )
    _sheet(
        workbook,
        _("资金收缴"),
        [
            _("申请编号"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("行政区"),
            _("处理决定文号"),
            _("应收缴金额（元）"),
            _("已退回（元）"),
            _("尚欠（元）"),
            _("退回截止日期"),
            _("状态"),
        ],
        (
            [
                r.application.reference,
                r.enterprise.name,
                r.enterprise.credit_code,
                r.district.name,
                r.finding.decision_number,
                r.amount_due,
                r.repaid,
                r.amount_due - r.repaid,
                r.due_on,
                r.get_state_display(),
            ]
            for r in recoveries
        ),
    )
    bans = (
        Ban.objects.filter(
            enterprise__in=applications.values("enterprise"), district__in=applications.values("district")
        )
        .select_related("enterprise", "district")
        .order_by("-starts_on", "pk")
    )
    _sheet(
        workbook,
        _("禁止申请"),
        [
            _("企业名称"),
            _("统一社会信用代码"),
            _("行政区"),
            _("处理决定文号"),
            _("决定日期"),
            _("禁止申请起始日"),
            _("禁止申请截止日"),
            _("事由"),
        ],
        (
            [
                b.enterprise.name,
                b.enterprise.credit_code,
                b.district.name,
                b.decision_number,
                b.decision_date,
                b.starts_on,
                b.ends_on,
                b.reason,
            ]
            for b in bans
        ),
    )


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
