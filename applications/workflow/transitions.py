"""The life of an application: one declarative table of transitions and the one function that applies them.

Each row says from which states an action may be taken, the state it leads to, its Chinese label and who may take
it. `apply_transition` locks the case, checks the row again, applies the action's effect, writes an audit event and
announces it (signals.transition_applied), to which the notices answer with their e-mails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.models import User
from accounts.services import profile_record_version
from measures.workdays import add_working_days, working_period_end
from portal.formatting import format_money

from ..models import AWARDED_STATUSES, Application, Event, Status
from . import objections, safeguards
from .checks import submission_problems
from .errors import Forbidden, Invalid, NotAllowedNow, Stale, TransitionError  # noqa: F401  (callers import them here)
from .estimates import estimate, parse_inputs
from .permissions import Role, roles_for
from .signals import transition_applied

DEFAULT_PUBLICITY_WORKING_DAYS = 5  # "公示…5个工作日" (DOMAIN.md, section 4), where a measure states none
VERIFICATION_WORKING_DAYS = 5  # "5个工作日内随机抽取服务对象进行调查核实"
CORRECTION_WORKING_DAYS = 10

S = Status
REVIEW_STATES = frozenset({S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW, S.VERIFICATION, S.REVIEWED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[Status]
    target: Status | None  # None: the case stays where it is (a recorded decision, not a move)
    roles: frozenset[Role]
    needs_comment: bool = False
    amount: str = ""  # "required", "optional" or "" (no amount)
    bulk: bool = False  # safe to apply to many cases with one comment
    target_when_partly_paid: Status | None = None
    # Offered only when this says the case needs it (e.g. a proposal waiting for approval); the effect checks again.
    offered_when: Callable[[Application], bool] | None = None

    @property
    def done_label(self) -> str | Promise:
        """Return the name of the action once taken, as the case history shows it (DONE)."""
        return DONE[self.action]


def as_written(label: str | Promise) -> str:
    """Return a label in Chinese, as an event keeps it whatever the language of the person acting."""
    with translation.override(None):
        return str(label)


def _t(action, label, sources, target, roles, **kwargs) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(roles), **kwargs)


E, R, F, A, SYS = Role.ENTERPRISE, Role.REVIEWER, Role.FINANCE, Role.DISTRICT_ADMIN, Role.SYSTEM
HEAD = Role.HEAD
# Open cases after submission, until the money is paid: where a ban may stop them.
BANNABLE_STATES = REVIEW_STATES | {S.RETURNED, S.PUBLICITY, S.FINANCE_REVIEW, S.APPROVED, S.DISBURSING}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", pgettext_lazy("action button", "提交申请"), {S.DRAFT}, S.SUBMITTED, {E}),
        _t("resubmit", pgettext_lazy("action button", "补正后重新提交"), {S.RETURNED}, S.RESUBMITTED, {E}),
        _t(
            "return_for_correction",
            pgettext_lazy("action button", "退回补正"),
            {S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW, S.VERIFICATION},
            S.RETURNED,
            {R},
            needs_comment=True,
        ),
        _t(
            "accept",
            pgettext_lazy("action button", "预审通过"),
            {S.SUBMITTED, S.RESUBMITTED},
            S.UNDER_REVIEW,
            {R},
            bulk=True,
        ),
        _t(
            "final_review_pass",
            pgettext_lazy("action button", "终审通过，提出拟支持金额"),
            {S.UNDER_REVIEW},
            S.REVIEWED,
            {R},
            amount="required",
        ),
        _t(
            "approve_proposal",
            pgettext_lazy("action button", "同意高于测算金额的拟支持金额"),
            {S.REVIEWED},
            None,
            {HEAD, A},
            offered_when=safeguards.proposal_pending,
        ),
        _t(
            "refuse_proposal",
            pgettext_lazy("action button", "不同意拟支持金额，退回终审"),
            {S.REVIEWED},
            S.UNDER_REVIEW,
            {HEAD, A},
            needs_comment=True,
            offered_when=safeguards.proposal_pending,
        ),
        _t("mark_sampled", pgettext_lazy("action button", "抽中核实"), {S.REVIEWED}, S.VERIFICATION, {R}, bulk=True),
        _t("verify", pgettext_lazy("action button", "核实无误"), {S.VERIFICATION}, S.REVIEWED, {R}),
        _t(
            "start_publicity",
            pgettext_lazy("action button", "开始公示"),
            {S.REVIEWED},
            S.PUBLICITY,
            {R, A},
            bulk=True,
            offered_when=safeguards.proposal_settled,
        ),
        # Carried out by the portal (applications.publicity) when a reviewer upholds an objection; an objection
        # itself leaves the case in 公示 until it is examined.
        _t(
            "object",
            pgettext_lazy("action button", "公示异议经核实成立，退回审核"),
            {S.PUBLICITY},
            S.UNDER_REVIEW,
            {SYS},
            needs_comment=True,
        ),
        _t(
            "end_publicity",
            pgettext_lazy("action button", "公示期满无异议，报财政审批"),
            {S.PUBLICITY},
            S.FINANCE_REVIEW,
            {SYS, A},
            bulk=True,
            offered_when=objections.received_none,
        ),
        _t(
            "end_publicity_after_objections",
            pgettext_lazy("action button", "公示期满，异议经核实不成立，报财政审批"),
            {S.PUBLICITY},
            S.FINANCE_REVIEW,
            {SYS, A},
            bulk=True,
            offered_when=objections.all_dismissed,
        ),
        _t(
            "finance_approve",
            pgettext_lazy("action button", "财政审批通过"),
            {S.FINANCE_REVIEW},
            S.APPROVED,
            {F},
            amount="optional",
        ),
        _t(
            "finance_send_back",
            pgettext_lazy("action button", "财政退回主管部门重审"),
            {S.FINANCE_REVIEW},
            S.UNDER_REVIEW,
            {F},
            needs_comment=True,
        ),
        _t(
            "record_payment",
            pgettext_lazy("action button", "登记拨付"),
            {S.APPROVED, S.DISBURSING},
            S.DISBURSED,
            {F},
            amount="required",
            target_when_partly_paid=S.DISBURSING,
        ),
        _t("close", pgettext_lazy("action button", "办结"), {S.DISBURSED}, S.CLOSED, {F, A, SYS}, bulk=True),
        _t("reject", pgettext_lazy("action button", "不予支持"), REVIEW_STATES, S.REJECTED, {R, A}, needs_comment=True),
        _t(
            "withdraw",
            pgettext_lazy("action button", "企业撤回申请"),
            {S.DRAFT, S.RETURNED, S.PUBLICITY} | REVIEW_STATES,
            S.WITHDRAWN,
            {E},
        ),
        _t(
            "lapse", pgettext_lazy("action button", "逾期未补正，视为放弃"), {S.RETURNED}, S.LAPSED, {SYS, A}, bulk=True
        ),
        # A ban stops a case at approval and payment, unless a district administrator records why it should not.
        _t(
            "override_ban",
            pgettext_lazy("action button", "登记禁止申请期间继续办理的理由"),
            BANNABLE_STATES,
            None,
            {A},
            needs_comment=True,
            offered_when=safeguards.is_banned,
        ),
        # Carried out by the portal (applications.sanctions) after a district administrator records a fraud finding.
        _t(
            "revoke",
            pgettext_lazy("action button", "查实弄虚作假，撤销奖励补贴"),
            # From any open state after submission: the case may have moved on before the finding is carried out.
            set(AWARDED_STATUSES) | REVIEW_STATES | {S.RETURNED},
            S.REVOKED,
            {SYS},
            needs_comment=True,
        ),
    ]
}

# The actions that open a case rather than move one (open_case). 免申即享 (applications.direct): the enterprise's
# answer to an offer opens its case; confirmed, it enters 公示 with the amount of the approved list; declined or
# lapsed, it ends at once, so that the list, its approval and the answer are in a case's audit chain whatever the
# answer.
OPENINGS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("offer_confirm", pgettext_lazy("action button", "确认免申即享奖励，进入公示"), set(), S.PUBLICITY, {E}),
        _t("offer_decline", pgettext_lazy("action button", "放弃免申即享奖励"), set(), S.WITHDRAWN, {E}),
        _t("offer_lapse", pgettext_lazy("action button", "逾期未确认免申即享奖励，视为放弃"), set(), S.LAPSED, {SYS}),
    ]
}


# The same actions as the case history names them once taken. The Chinese is the button's (an event keeps it as
# written); English reads differently on a button and in the history: "Return for correction" / "Returned for
# correction". Each label has its context ("action button" in the tables above, "timeline" here) for that reason.
DONE: dict[str, Promise] = {
    "submit": pgettext_lazy("timeline", "提交申请"),
    "resubmit": pgettext_lazy("timeline", "补正后重新提交"),
    "return_for_correction": pgettext_lazy("timeline", "退回补正"),
    "accept": pgettext_lazy("timeline", "预审通过"),
    "final_review_pass": pgettext_lazy("timeline", "终审通过，提出拟支持金额"),
    "approve_proposal": pgettext_lazy("timeline", "同意高于测算金额的拟支持金额"),
    "refuse_proposal": pgettext_lazy("timeline", "不同意拟支持金额，退回终审"),
    "mark_sampled": pgettext_lazy("timeline", "抽中核实"),
    "verify": pgettext_lazy("timeline", "核实无误"),
    "start_publicity": pgettext_lazy("timeline", "开始公示"),
    "object": pgettext_lazy("timeline", "公示异议经核实成立，退回审核"),
    "end_publicity": pgettext_lazy("timeline", "公示期满无异议，报财政审批"),
    "end_publicity_after_objections": pgettext_lazy("timeline", "公示期满，异议经核实不成立，报财政审批"),
    "finance_approve": pgettext_lazy("timeline", "财政审批通过"),
    "finance_send_back": pgettext_lazy("timeline", "财政退回主管部门重审"),
    "record_payment": pgettext_lazy("timeline", "登记拨付"),
    "close": pgettext_lazy("timeline", "办结"),
    "reject": pgettext_lazy("timeline", "不予支持"),
    "withdraw": pgettext_lazy("timeline", "企业撤回申请"),
    "lapse": pgettext_lazy("timeline", "逾期未补正，视为放弃"),
    "override_ban": pgettext_lazy("timeline", "登记禁止申请期间继续办理的理由"),
    "revoke": pgettext_lazy("timeline", "查实弄虚作假，撤销奖励补贴"),
    "offer_confirm": pgettext_lazy("timeline", "确认免申即享奖励，进入公示"),
    "offer_decline": pgettext_lazy("timeline", "放弃免申即享奖励"),
    "offer_lapse": pgettext_lazy("timeline", "逾期未确认免申即享奖励，视为放弃"),
}


def history_name(event: Event) -> str:
    """Return what happened, in the reader's language: the action's name once taken, or the portal's own label.

    A label stored by the portal's other steps (a review's own work, an objection, a sanction...) is read as a
    history reads it: its "timeline" translation, which each module marks beside its labels, else the plain one.
    """
    done = DONE.get(event.action)
    if done is not None:
        return str(done)
    label = event.action_label
    if not label:
        return ""
    name = pgettext("timeline", label)
    return name if name != label else _(label)


@dataclass
class Context:
    actor: User | None
    comment: str
    amount: Decimal | None
    data: dict[str, Any]
    on: datetime.date


def available_transitions(user: User | None, application: Application) -> list[Transition]:
    """Return the actions the person may take on the case in its present state."""
    roles = roles_for(user, application)
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources
        and roles & t.roles
        and (t.offered_when is None or t.offered_when(application))
    ]


# Effects: what each action changes besides the status. Each may raise Invalid.


def _submission(application: Application, ctx: Context) -> None:
    problems = submission_problems(application, on=ctx.on)
    if problems:
        raise Invalid(_("申请未能提交：") + problems[0], problems)
    _values, errors = parse_inputs(application.measure, application.inputs)
    if errors:
        raise Invalid(_("申报数据有误，请返回修改。"), list(errors.values()))
    result = estimate(
        application.measure,
        application.inputs,
        enterprise=application.enterprise,
        exclude_pk=application.pk,
        on=ctx.on,
    )
    application.estimate_amount = result.amount
    application.estimate_steps = result.steps
    application.amount_ceiling = result.ceiling
    application.discretionary = result.discretionary
    application.rule_version = result.rule_version
    application.rule_snapshot = result.rule_snapshot
    ctx.amount = result.amount
    enterprise = application.enterprise
    version = profile_record_version(enterprise=enterprise, user=ctx.actor)
    application.profile_version = version or enterprise.profile_versions.order_by("-number").first()
    application.submitted_at = timezone.now()
    application.enterprise_name, application.enterprise_credit_code = enterprise.name, enterprise.credit_code


def _return_for_correction(application: Application, ctx: Context) -> None:
    due_on = ctx.data.get("due_on") or add_working_days(ctx.on, CORRECTION_WORKING_DAYS)
    if due_on <= ctx.on:
        raise Invalid(_("补正截止日期须晚于今天。"))
    application.correction_request = ctx.comment
    application.correction_due_on = due_on


def _final_review_pass(application: Application, ctx: Context) -> None:
    ceiling = application.amount_ceiling
    if ceiling is not None and ctx.amount > ceiling:
        raise Invalid(_("拟支持金额不能超过条款规定的上限 %(ceiling)s。") % {"ceiling": format_money(ceiling)})
    safeguards.bound_proposal(application, ctx.amount, ctx.comment)
    application.proposed_amount = ctx.amount


def _mark_sampled(application: Application, ctx: Context) -> None:
    application.sampled = True
    application.verification_due_on = add_working_days(ctx.on, VERIFICATION_WORKING_DAYS)


def _start_publicity(application: Application, ctx: Context) -> None:
    safeguards.refuse_pending_proposal(application)
    days = application.measure.publicity_working_days or DEFAULT_PUBLICITY_WORKING_DAYS
    application.publicity_starts_on = ctx.on
    application.publicity_ends_on = working_period_end(ctx.on, days)


def _publicity_over(application: Application, ctx: Context) -> None:
    if application.publicity_ends_on and application.publicity_ends_on >= ctx.on:
        raise Invalid(_("公示期至%(date)s，尚未结束。") % {"date": application.publicity_ends_on.isoformat()})


def _end_publicity(application: Application, ctx: Context) -> None:
    _publicity_over(application, ctx)
    objections.end_without_objection(application)


def _end_publicity_after_objections(application: Application, ctx: Context) -> None:
    _publicity_over(application, ctx)
    summary = objections.end_after_dismissed_objections(application)
    ctx.comment = " ".join(part for part in (summary, ctx.comment.strip()) if part)


def _finance_approve(application: Application, ctx: Context) -> None:
    safeguards.refuse_if_banned(application, ctx.on)
    amount = application.proposed_amount if ctx.amount is None else ctx.amount
    if amount is None or amount <= 0:
        raise Invalid(_("请填写批准金额。"))
    if application.proposed_amount is not None and amount > application.proposed_amount:
        raise Invalid(
            _("批准金额不能超过主管部门的拟支持金额 %(amount)s。")
            % {"amount": format_money(application.proposed_amount)}
        )
    ctx.amount = amount
    application.approved_amount = amount


def _record_payment(application: Application, ctx: Context) -> None:
    paid_on, bank_reference = ctx.data.get("paid_on"), (ctx.data.get("bank_reference") or "").strip()
    if not paid_on or not bank_reference:
        raise Invalid(_("请填写拨付日期和银行流水号。"))
    if paid_on > ctx.on:
        raise Invalid(_("拨付日期不能晚于今天。"))
    safeguards.refuse_if_banned(application, ctx.on)
    outstanding = application.outstanding()
    if outstanding is None or ctx.amount > outstanding:
        raise Invalid(
            _("累计拨付金额不能超过批准金额 %(approved)s；尚可拨付 %(outstanding)s。")
            % {
                "approved": format_money(application.approved_amount),
                "outstanding": format_money(outstanding or Decimal("0.00")),
            }
        )
    safeguards.record_payment_once(application, ctx.actor, paid_on, ctx.amount, bank_reference)


def _reject(application: Application, ctx: Context) -> None:
    application.rejection_reason = ctx.comment


def _lapse(application: Application, ctx: Context) -> None:
    if application.correction_due_on and application.correction_due_on >= ctx.on:
        raise Invalid(_("补正期限至%(date)s，尚未届满。") % {"date": application.correction_due_on.isoformat()})


def _offer_confirm(application: Application, ctx: Context) -> None:
    if application.proposed_amount is None or application.proposed_amount <= 0:
        raise Invalid(_("免申即享的金额须大于零。"))
    _start_publicity(application, ctx)
    application.submitted_at = timezone.now()


EFFECTS: dict[str, Callable[[Application, Context], None]] = {
    "submit": _submission,
    "resubmit": _submission,
    "return_for_correction": _return_for_correction,
    "final_review_pass": _final_review_pass,
    "mark_sampled": _mark_sampled,
    "start_publicity": _start_publicity,
    "end_publicity": _end_publicity,
    "end_publicity_after_objections": _end_publicity_after_objections,
    "finance_approve": _finance_approve,
    "record_payment": _record_payment,
    "reject": _reject,
    "lapse": _lapse,
    "approve_proposal": safeguards.approve_proposal,
    "refuse_proposal": safeguards.refuse_proposal,
    "override_ban": safeguards.override_ban,
    "offer_confirm": _offer_confirm,
}

AMOUNT_FIELDS = {
    "submit": "estimate_amount",
    "resubmit": "estimate_amount",
    "final_review_pass": "proposed_amount",
    "approve_proposal": "proposed_amount",
    "finance_approve": "approved_amount",
    "record_payment": "payment",
    "offer_confirm": "proposed_amount",
}


def _check_input(transition: Transition, comment: str, amount: Decimal | None) -> None:
    if transition.needs_comment and not comment.strip():
        raise Invalid(_("请填写意见或理由。"))
    if transition.amount == "required" and amount is None:
        raise Invalid(_("请填写金额。"))
    if amount is not None and amount <= 0:
        raise Invalid(_("金额须大于零。"))


def write_event(application: Application, transition: Transition, ctx: Context, from_status: str) -> Event:
    return Event.objects.create(
        application=application,
        actor=ctx.actor,
        action=transition.action,
        action_label=as_written(transition.label),
        from_status=from_status,
        to_status=application.status,
        comment=ctx.comment.strip(),
        amount=ctx.amount,
        amount_field=AMOUNT_FIELDS.get(transition.action, ""),
    )


def apply_transition(
    *,
    application_id: int,
    action: str,
    actor: User | None,
    comment: str = "",
    amount: Decimal | None = None,
    on: datetime.date | None = None,
    seen_version: int | None = None,
    **data: Any,
) -> Application:
    """Apply one action to a case with its row locked, write the audit event and announce it.

    `actor` None is the portal itself (scheduled tasks, a public objection). `seen_version` is the case's audit
    sequence on the page the person acted from: if anything was recorded on the case since, the action is refused
    (Stale) rather than applied to a case they have not seen. Raises a TransitionError subclass with a Chinese
    message when the action cannot be taken.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Invalid(_("未知的操作。"))
    if amount is not None:
        amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # yuan, to the fen
    _check_input(transition, comment, amount)
    ctx = Context(actor=actor, comment=comment, amount=amount, data=data, on=on or timezone.localdate())
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("measure__document", "enterprise")
            .get(pk=application_id)
        )
        if not roles_for(actor, application) & transition.roles:
            raise Forbidden(_("您无权对该申请执行“%(action)s”。") % {"action": transition.label})
        if seen_version is not None and application.audit_sequence != seen_version:
            raise Stale(
                _(
                    "您打开页面后，该申请已有新的办理记录（当前状态：%(status)s），“%(action)s”未执行。"
                    "请查看最新办理情况后再决定。"
                )
                % {"status": application.get_status_display(), "action": transition.label}
            )
        if application.status not in transition.sources:
            raise NotAllowedNow(
                _("该申请当前状态为“%(status)s”，不能“%(action)s”。可能已由他人处理，请刷新页面后查看。")
                % {"status": application.get_status_display(), "action": transition.label}
            )
        from_status = application.status
        effect = EFFECTS.get(action)
        if effect:
            effect(application, ctx)
        application.status = transition.target or from_status
        if transition.target_when_partly_paid and application.outstanding() > 0:
            application.status = transition.target_when_partly_paid
        if application.status != from_status:
            application.status_changed_at = timezone.now()
        application.save()
        event = write_event(application, transition, ctx, from_status)
        # Listeners (the notices' outbox) write their rows now, in this transaction (signals.py).
        transition_applied.send(sender=Application, event=event)
    return application


@dataclass(frozen=True)
class PriorEvent:
    """A step taken before a case existed (the 免申即享 list and its approval), written first in its audit chain."""

    actor: User | None
    action: str
    label: str | Promise
    comment: str


def open_case(
    *,
    application: Application,
    action: str,
    actor: User | None,
    comment: str = "",
    amount: Decimal | None = None,
    prior: tuple[PriorEvent, ...] = (),
    on: datetime.date | None = None,
) -> Application:
    """Create a case by one of the opening actions (OPENINGS: offer_confirm, …), filled in by the caller, and write
    its events: the `prior` steps, then the action's own; announce it as apply_transition does.

    Raises Forbidden when the actor may not take the action on the case, Invalid when its effect refuses it.
    """
    transition = OPENINGS.get(action)
    if transition is None:
        raise Invalid(_("未知的操作。"))
    if not roles_for(actor, application) & transition.roles:
        raise Forbidden(_("您无权对该申请执行“%(action)s”。") % {"action": transition.label})
    ctx = Context(actor=actor, comment=comment, amount=amount, data={}, on=on or timezone.localdate())
    with transaction.atomic():
        effect = EFFECTS.get(action)
        if effect:
            effect(application, ctx)
        enterprise = application.enterprise
        application.enterprise_name, application.enterprise_credit_code = enterprise.name, enterprise.credit_code
        application.status, application.status_changed_at = transition.target, timezone.now()
        application.save(force_insert=True)
        for step in prior:
            Event.objects.create(
                application=application,
                actor=step.actor,
                action=step.action,
                action_label=as_written(step.label),
                comment=step.comment,
                to_status="",
            )
        event = write_event(application, transition, ctx, "")
        transition_applied.send(sender=Application, event=event)
    return application
