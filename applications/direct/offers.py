"""The enterprise's answer to a 免申即享 offer, and the lapse of an offer left unanswered.

Each answer opens a case through the workflow (workflow.transitions.open_case), so that the list, its approval and
the answer are the first events of a case's audit chain: confirmed (the bank account and the declarations the
measure requires), the case enters 公示 with the amount of the approved list and goes on to finance like any other;
declined, or lapsed (by the deadline sweep, the day after the offer's date), it ends at once. The case keeps what the
list decided: the verified profile version, the inputs, the estimate and the rules it was computed with (rule_version
and rule_snapshot), so that a later change of the profile or of the data does not alter the award.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import User
from portal.formatting import format_money

from ..models import Application, Ban, DirectEntry, DirectList
from ..workflow.declarations import required_declarations
from ..workflow.transitions import PriorEvent, open_case

Entry = DirectEntry.State
LISTED, APPROVED = "direct_list", "direct_approve"
LIST_LABELS = {
    LISTED: gettext_lazy("生成免申即享名单"),
    APPROVED: gettext_lazy("批准免申即享名单，通知企业确认"),
}
# Each label's name in a case history (history_name reads the context "timeline", else the plain translation).
HISTORY_NAMES = (
    pgettext_lazy("timeline", "生成免申即享名单"),
    pgettext_lazy("timeline", "批准免申即享名单，通知企业确认"),
)
_ACCOUNT = re.compile(r"^\d{8,30}$")
ANSWERED = (Entry.CONFIRMED, Entry.DECLINED, Entry.LAPSED)


def offers_of(enterprise_id: int) -> QuerySet[DirectEntry]:
    """Return the offers made to an enterprise (entries of approved lists), the open ones first."""
    return (
        DirectEntry.objects.filter(
            enterprise_id=enterprise_id,
            direct_list__state=DirectList.State.APPROVED,
            state__in=[Entry.OFFERED, *ANSWERED],
        )
        .select_related("direct_list__measure__document__district", "application")
        .order_by("-offered_at", "-pk")
    )


def _prior(entry: DirectEntry) -> tuple[PriorEvent, ...]:
    """Return the list's steps as the first events of the case: who generated it and on what, who approved it."""
    direct_list = entry.direct_list
    verification = entry.verification
    basis = _("依据经核验的企业画像第%(number)s版（%(who)s于%(date)s核验）") % {
        "number": entry.profile_version.number,
        "who": _person(verification.verified_by),
        "date": f"{timezone.localtime(verification.verified_at):%Y-%m-%d}",
    }
    met = "；".join(f"{row['label']}：{row['figures'] or row['outcome_label']}" for row in entry.checks)
    listed = _("%(time)s生成名单，%(basis)s符合全部条件（%(met)s），测算金额 %(amount)s。") % {
        "time": f"{timezone.localtime(direct_list.generated_at):%Y-%m-%d %H:%M}",
        "basis": basis,
        "met": met,
        "amount": format_money(entry.amount),
    }
    approved = _("%(time)s批准名单，通知企业于%(due)s前确认。%(comment)s") % {
        "time": f"{timezone.localtime(direct_list.decided_at):%Y-%m-%d %H:%M}",
        "due": entry.due_on.isoformat(),
        "comment": direct_list.decision_comment,
    }
    return (
        PriorEvent(direct_list.generated_by, LISTED, LIST_LABELS[LISTED], listed),
        PriorEvent(direct_list.decided_by, APPROVED, LIST_LABELS[APPROVED], approved.strip()),
    )


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _case(entry: DirectEntry, created_by: User) -> Application:
    """Return the case the answer opens (unsaved), with what the list decided frozen in it."""
    return Application(
        enterprise=entry.enterprise,
        measure=entry.direct_list.measure,
        district_id=entry.direct_list.district_id,
        created_by=created_by,
        inputs=entry.inputs,
        estimate_amount=entry.amount,
        estimate_steps=entry.steps,
        amount_ceiling=entry.ceiling,
        discretionary=entry.discretionary,
        rule_version=entry.rule_version,
        rule_snapshot=entry.rule_snapshot,
        profile_version=entry.profile_version,
    )


def _open_offer(entry_id: int, enterprise_id: int | None, on: datetime.date) -> DirectEntry:
    """Return the offer, its row locked, if it is still open for the enterprise's answer."""
    entry = (
        DirectEntry.objects.select_for_update(of=("self",))
        .select_related(
            "direct_list__measure__document__district",
            "direct_list__generated_by",
            "direct_list__decided_by",
            "enterprise",
            "verification__verified_by",
            "profile_version",
        )
        .filter(pk=entry_id, direct_list__state=DirectList.State.APPROVED)
        .first()
    )
    if entry is None or (enterprise_id is not None and entry.enterprise_id != enterprise_id):
        raise PermissionDenied(_("没有这份免申即享通知。"))
    if entry.state != Entry.OFFERED:
        raise ValidationError(_("这份通知已答复（%(state)s）。") % {"state": entry.get_state_display()})
    if entry.due_on < on:
        raise ValidationError(_("确认期限已于%(date)s届满，视为放弃。") % {"date": entry.due_on.isoformat()})
    return entry


def _check_account(entry: DirectEntry, bank_name: str, account_name: str, account: str) -> str:
    account = re.sub(r"[\s-]", "", account or "")
    if not (bank_name or "").strip():
        raise ValidationError(_("请填写开户银行。"))
    if (account_name or "").strip() != entry.enterprise.name:
        raise ValidationError(_("账户名称须与企业名称“%(name)s”一致（对公账户）。") % {"name": entry.enterprise.name})
    if not _ACCOUNT.match(account):
        raise ValidationError(_("银行账号应为8至30位数字。"))
    return account


@transaction.atomic
def offer_confirm(
    *,
    entry_id: int,
    user: User,
    bank_name: str,
    bank_account_name: str,
    bank_account: str,
    declarations: dict[str, bool],
    on: datetime.date | None = None,
) -> Application:
    """Confirm the offer: the bank account and every declaration the measure requires. The case enters 公示.

    Raises PermissionDenied when the offer is not the user's enterprise's, ValidationError (in Chinese) when it is
    answered or past its date, the account or a declaration is missing, the enterprise is banned, or it has an open
    case under the measure.
    """
    on = on or timezone.localdate()
    entry = _open_offer(entry_id, user.enterprise_id, on)
    account = _check_account(entry, bank_name, bank_account_name, bank_account)
    needed = required_declarations(entry.direct_list.measure)
    if not all(declarations.get(d.key) for d in needed):
        raise ValidationError(_("请确认全部承诺事项。"))
    banned = Ban.objects.active(on=on).filter(enterprise=entry.enterprise, district_id=entry.direct_list.district_id)
    if banned.exists():
        raise ValidationError(_("贵企业目前被禁止申请本区补贴奖励资金，不能确认。"))
    open_case_ = Application.objects.open().filter(enterprise=entry.enterprise, measure=entry.direct_list.measure)
    if reference := open_case_.values_list("reference", flat=True).first():
        raise ValidationError(
            _("贵企业已有本措施进行中的申请 %(reference)s：请先撤回该申请再确认。") % {"reference": reference}
        )
    application = _case(entry, user)
    application.proposed_amount = entry.amount
    application.declarations = {d.key: True for d in needed}
    with translation.override(None):  # the audit trail is kept in Chinese, whatever the enterprise reads
        comment = _("收款账户：%(bank)s，户名 %(name)s，账号 %(account)s。已确认承诺事项：%(declared)s") % {
            "bank": bank_name.strip(),
            "name": entry.enterprise.name,
            "account": account,
            "declared": "；".join(str(d.label) for d in needed),
        }
        prior = _prior(entry)
    application = open_case(
        application=application,
        action="offer_confirm",
        actor=user,
        comment=comment,
        amount=entry.amount,
        prior=prior,
        on=on,
    )
    entry.state, entry.responded_at, entry.responded_by, entry.application = (
        Entry.CONFIRMED,
        timezone.now(),
        user,
        application,
    )
    entry.bank_name, entry.bank_account_name, entry.bank_account = bank_name.strip(), entry.enterprise.name, account
    entry.declarations = application.declarations
    entry.save()
    return application


@transaction.atomic
def offer_decline(*, entry_id: int, user: User, reason: str = "", on: datetime.date | None = None) -> Application:
    """Decline the offer; the case that records it ends at once (撤回)."""
    on = on or timezone.localdate()
    entry = _open_offer(entry_id, user.enterprise_id, on)
    application = open_case(
        application=_case(entry, user),
        action="offer_decline",
        actor=user,
        comment=reason.strip(),
        prior=_prior(entry),
        on=on,
    )
    entry.state, entry.responded_at, entry.responded_by = Entry.DECLINED, timezone.now(), user
    entry.decline_reason, entry.application = reason.strip(), application
    entry.save()
    return application


def offers_lapse_due(*, today: datetime.date | None = None) -> list[Application]:
    """Lapse the offers not answered by their date (逾期视为放弃), one transaction each; return the cases opened."""
    today = today or timezone.localdate()
    due = DirectEntry.objects.filter(state=Entry.OFFERED, due_on__lt=today).values_list("pk", flat=True)
    lapsed = []
    for pk in list(due):
        with transaction.atomic():
            entry = (
                DirectEntry.objects.select_for_update(of=("self",))
                .select_related(
                    "direct_list__measure__document", "direct_list__generated_by", "direct_list__decided_by"
                )
                .select_related("enterprise", "verification__verified_by", "profile_version")
                .filter(pk=pk, state=Entry.OFFERED)
                .first()
            )
            if entry is None:
                continue  # answered meanwhile
            comment = _("确认期限%(date)s届满，未确认。") % {"date": entry.due_on.isoformat()}
            application = open_case(
                application=_case(entry, entry.direct_list.decided_by),
                action="offer_lapse",
                actor=None,
                comment=comment,
                prior=_prior(entry),
                on=today,
            )
            entry.state, entry.responded_at, entry.application = Entry.LAPSED, timezone.now(), application
            entry.save()
            lapsed.append(application)
    return lapsed
