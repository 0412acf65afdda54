"""The statutory sanctions for fraud (DOMAIN.md, Sanctions; 门政发〔2020〕25号 附则 and Haidian's notice):
"除将奖励补贴资金全额收缴外，三年内不准其申请区内各类补贴奖励资金".

A district administrator records a `FraudFinding`; after the commit, Celery runs `finding_process`, which in one
transaction revokes the award, opens the recovery of everything paid under it and bans the enterprise from the
district's subsidies for three years from the decision date. It is idempotent: a second run finds the finding
processed and does nothing. Finance then records the repayments until the recovery is closed.
"""

from __future__ import annotations

import datetime
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from measures.models import Measure, MeasureCondition, PolicyDocument
from portal.formatting import format_money

from ..models import AWARDED_STATUSES, Application, Ban, Event, FraudFinding, NoticeKind, Recovery, Repayment
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link, admins_of, emails, enterprise_emails, finance_of
from ..workflow import TRANSITIONS, apply_transition

logger = logging.getLogger(__name__)

BAN_YEARS = 3


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def ban_period(decision_date: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a three-year ban counted from the decision date."""
    return decision_date, add_years(decision_date, BAN_YEARS) - datetime.timedelta(days=1)


_SANCTION_SENTENCE = re.compile(r"[^。\n]*弄虚作假[^。\n]*(?:收缴|不准|不得申请|取消)[^。\n]*。")


def district_sanction_clause(district_id: int) -> str:
    """Return the sanction clause of the district's documents, or '' where none states one.

    The clause is read from a measure's condition that quotes it (not_banned in the data files) or, where the data
    flags none, from the documents' 附则 and clauses themselves: the sentence on 弄虚作假 with its consequence
    (全额收缴, 三年内不准申请). Chaoyang's documents state none; its administrators name the basis themselves.
    """
    # A condition's quote may be the whole 附则 (the districts of registration, the SME standard, then the sanction):
    # only the sentence on 弄虚作假 is the clause.
    quotes = (
        MeasureCondition.objects.filter(
            kind=MeasureCondition.Kind.NOT_BANNED,
            measure__document__district_id=district_id,
            quote__contains="弄虚作假",
        )
        .order_by("measure__document_id", "measure__order", "order")
        .values_list("quote", flat=True)
    )
    documents = PolicyDocument.objects.filter(district_id=district_id).order_by("-issued_on", "pk")
    texts = [*quotes, *(d.general_provisions for d in documents)]
    texts += (
        Measure.objects.filter(document__district_id=district_id)
        .order_by("document_id", "order")
        .values_list("text", flat=True)
    )
    for text in texts:
        found = _SANCTION_SENTENCE.search(text or "")
        if found:
            return found.group(0).strip()
    return ""


def finding_consequences(application: Application, decision_date: datetime.date, recovery_due_on) -> dict:
    """Return what carrying out a finding on the case will do, for the confirmation page before it is recorded."""
    starts_on, ends_on = ban_period(decision_date)
    return {
        "revokes": application.status in TRANSITIONS["revoke"].sources,
        "status": application.get_status_display(),
        "recovery_amount": application.paid_total(),
        "recovery_due_on": recovery_due_on or default_recovery_due_on(decision_date),
        "ban_starts_on": starts_on,
        "ban_ends_on": ends_on,
        "district": application.district,
    }


def default_recovery_due_on(decision_date: datetime.date) -> datetime.date:
    return decision_date + datetime.timedelta(days=settings.RECOVERY_DUE_DAYS)


def finding_problems(application: Application, user: User) -> list[str]:
    """Return why this person cannot record a fraud finding on this case (nothing when they can)."""
    from accounts.models import StaffRole

    problems = []
    if not (user.role == StaffRole.DISTRICT_ADMIN and user.work_district_id == application.district_id):
        problems.append(_("只有该申请所在区的区级管理员可以登记查处记录。"))
    if application.status not in AWARDED_STATUSES:
        problems.append(
            _("该申请当前状态为“%(status)s”，尚未形成奖励补贴，不能登记弄虚作假查处。")
            % {"status": application.get_status_display()}
        )
    if FraudFinding.objects.filter(application=application).exists():
        problems.append(_("该申请已有查处记录。"))
    return problems


# Each label's name in a case history (history_name reads the context "timeline", else the plain translation).
HISTORY_NAMES = (
    pgettext_lazy("timeline", "立案收缴已拨付资金"),
    pgettext_lazy("timeline", "禁止申请区内各类补贴奖励资金三年"),
    pgettext_lazy("timeline", "登记退回资金"),
)


def _record_event(application: Application, action: str, label: str, comment: str, amount: Decimal | None = None):
    return Event.objects.create(
        application=application,
        actor=None,
        action=action,
        action_label=label,
        from_status=application.status,
        to_status=application.status,
        comment=comment,
        amount=amount,
        amount_field="recovery" if amount is not None else "",
    )


def finding_process(*, finding_id: int) -> bool:
    """Carry out a fraud finding: revoke, open the recovery, ban. Return False if it had been done already."""
    with transaction.atomic():
        finding = (
            FraudFinding.objects.select_for_update()
            .select_related("application__enterprise", "application__district")
            .get(pk=finding_id)
        )
        if finding.processed_at is not None:
            return False
        application = finding.application
        comment = _("依据%(decision)s（%(date)s）：%(evidence)s") % {
            "decision": finding.decision_number,
            "date": finding.decision_date.isoformat(),
            "evidence": finding.evidence,
        }
        if application.status in TRANSITIONS["revoke"].sources:
            # A case that has meanwhile ended (withdrawn, rejected, lapsed) keeps its status: the recovery of what
            # was paid and the ban apply all the same.
            application = apply_transition(application_id=application.pk, action="revoke", actor=None, comment=comment)
        paid = application.paid_total()
        recovery = None
        if paid > 0:
            recovery = Recovery.objects.create(
                finding=finding,
                application=application,
                enterprise=application.enterprise,
                district=application.district,
                amount_due=paid,
                due_on=finding.recovery_due_on,
            )
            _record_event(
                application,
                "recovery_open",
                str(_("立案收缴已拨付资金")),
                _("应全额收缴 %(amount)s，退回截止日期 %(due)s。")
                % {"amount": format_money(paid), "due": finding.recovery_due_on.isoformat()},
                paid,
            )
        starts_on, ends_on = ban_period(finding.decision_date)
        ban = Ban.objects.create(
            enterprise=application.enterprise,
            district=application.district,
            starts_on=starts_on,
            ends_on=ends_on,
            decision_number=finding.decision_number,
            decision_date=finding.decision_date,
            reason=_("在申请 %(reference)s（%(measure)s）中弄虚作假骗取奖励补贴")
            % {"reference": application.reference, "measure": application.measure},
            clause_quote=finding.clause_quote,
            finding=finding,
            created_by=finding.recorded_by,
        )
        _record_event(
            application,
            "ban",
            str(_("禁止申请区内各类补贴奖励资金三年")),
            _("%(start)s至%(end)s不得申请%(district)s各类补贴奖励资金。")
            % {"start": starts_on.isoformat(), "end": ends_on.isoformat(), "district": application.district.name},
        )
        finding.processed_at = timezone.now()
        finding.save(update_fields=["processed_at"])
        _sanction_notices(finding, application, recovery, ban)
    logger.info("Fraud finding %s carried out on %s", finding.pk, application.reference)
    return True


def _sanction_notices(finding: FraudFinding, application: Application, recovery: Recovery | None, ban: Ban) -> None:
    context = {"finding": finding, "application": application, "recovery": recovery, "ban": ban}
    enterprise_context = {**context, "link": absolute_link(reverse("applications:sanctions"))}
    staff_context = {
        **context,
        "link": absolute_link(reverse("admin:applications_fraudfinding_change", args=[finding.pk])),
    }
    staff = emails(finance_of(application.district_id) | admins_of(application.district_id))
    common = {"kind": NoticeKind.SANCTION, "application": application, "due_on": finding.decision_date}
    write_notices(
        [
            build_notice(
                "sanction",
                enterprise_context,
                enterprise_emails(application.enterprise),
                audience="enterprise",
                enterprise=application.enterprise,
                **common,
            ),
            build_notice("sanction_staff", staff_context, staff, audience="staff", **common),
        ]
    )


def repayment_record(
    *, recovery_id: int, user: User, amount: Decimal, paid_on: datetime.date, bank_reference: str
) -> Repayment:
    """Record money returned under a recovery; close the recovery once everything is back."""
    from accounts.models import StaffRole

    with transaction.atomic():
        recovery = Recovery.objects.select_for_update().select_related("application").get(pk=recovery_id)
        if not (user.role == StaffRole.FINANCE and user.work_district_id == recovery.district_id):
            raise ValidationError(_("只有该区财政经办人员可以登记退回资金。"))
        if recovery.state == Recovery.State.CLOSED:
            raise ValidationError(_("该收缴已结案，不能再登记退回资金。"))
        if amount is None or amount <= 0:
            raise ValidationError(_("退回金额须大于零。"))
        outstanding = recovery.outstanding()
        if amount > outstanding:
            raise ValidationError(
                _("退回金额不能超过尚未收缴的 %(outstanding)s（应收缴 %(due)s）。")
                % {"outstanding": format_money(outstanding), "due": format_money(recovery.amount_due)}
            )
        if paid_on > timezone.localdate():
            raise ValidationError(_("退回日期不能晚于今天。"))
        if not (bank_reference or "").strip():
            raise ValidationError(_("请填写银行流水号。"))
        repayment = Repayment.objects.create(
            recovery=recovery, amount=amount, paid_on=paid_on, bank_reference=bank_reference.strip(), recorded_by=user
        )
        remaining = outstanding - amount
        with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
            Event.objects.create(
                application=recovery.application,
                actor=user,
                action="repayment",
                action_label=str(_("登记退回资金")),
                from_status=recovery.application.status,
                to_status=recovery.application.status,
                comment=_("%(date)s 退回 %(amount)s，银行流水号 %(ref)s；尚欠 %(remaining)s。")
                % {
                    "date": paid_on.isoformat(),
                    "amount": format_money(amount),
                    "ref": repayment.bank_reference,
                    "remaining": format_money(remaining),
                },
                amount=amount,
                amount_field="repayment",
            )
        if remaining == 0:
            recovery.state = Recovery.State.CLOSED
            recovery.closed_at = timezone.now()
            recovery.save(update_fields=["state", "closed_at"])
        context = {
            "recovery": recovery,
            "repayment": repayment,
            "remaining": remaining,
            "application": recovery.application,
            "link": absolute_link(reverse("applications:sanctions")),
        }
        write_notices(
            [
                build_notice(
                    "repayment",
                    context,
                    enterprise_emails(recovery.enterprise),
                    kind=NoticeKind.EVENT,
                    audience="enterprise",
                    application=recovery.application,
                    enterprise=recovery.enterprise,
                    event=recovery.application.events.order_by("-sequence").first(),
                )
            ]
        )
    return repayment
