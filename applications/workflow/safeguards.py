"""What stops a case where a person alone should not move it on: a proposal above the engine's figure waits for a
second person, a ban stops approval and payment unless a district administrator records why not, and one bank
transfer is recorded once. Each refusal is a Chinese sentence (errors.Invalid)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from portal.formatting import format_money

from ..models import Application, Event, Payment, Status
from .checks import ban_problems, blocking_bans
from .errors import Invalid
from .permissions import may_approve_proposals

# Proposals: above the engine's figure, a reason and a second person's approval before 公示.


def proposal_above_estimate(application: Application, amount: Decimal) -> bool:
    """Return whether a proposed amount goes beyond what the engine computed (or there is no figure at all)."""
    return application.estimate_amount is None or amount > application.estimate_amount


def proposal_pending(application: Application) -> bool:
    return application.proposal_needs_approval and application.proposal_approved_by_id is None


def proposal_settled(application: Application) -> bool:
    """Return whether no proposal waits for the second person (offered_when of "start_publicity")."""
    return not proposal_pending(application)


def proposals_waiting_for(user: User, queue: QuerySet[Application]) -> QuerySet[Application]:
    """Return the cases of the person's queue (applications_visible_to) whose proposal waits for their approval
    (待我同意): in 终审通过, where approve_proposal is offered, not yet approved, and proposed by someone else (the
    proposer may not approve their own). None for whoever may not approve proposals."""
    if not may_approve_proposals(user):
        return queue.none()
    # The latest proposal's author, read along the (application, sequence) key of the events.
    proposer = Event.objects.filter(application=OuterRef("pk"), action="final_review_pass").order_by("-sequence")
    return (
        queue.filter(status=Status.REVIEWED, proposal_needs_approval=True, proposal_approved_by__isnull=True)
        .alias(proposer_id=Subquery(proposer.values("actor_id")[:1]))
        .filter(Q(proposer_id__isnull=True) | ~Q(proposer_id=user.pk))
    )


def bound_proposal(application: Application, amount: Decimal, comment: str) -> None:
    """Mark a proposal above the engine's figure as waiting for approval; it needs its reason in the comment."""
    above = proposal_above_estimate(application, amount)
    if above and not comment.strip():
        figure = application.estimate_amount
        raise Invalid(
            _("拟支持金额 %(amount)s高于系统测算金额 %(estimate)s，请在意见中说明理由；公示前须经部门负责人同意。")
            % {"amount": format_money(amount), "estimate": format_money(figure) if figure is not None else _("（无）")}
        )
    if not above and amount != application.estimate_amount and not comment.strip():
        # Below the engine's figure: no second person, but the reviewer says why (the enterprise sees the amount).
        raise Invalid(
            _("拟支持金额 %(amount)s低于系统测算金额 %(estimate)s，请在意见中说明差额的理由。")
            % {"amount": format_money(amount), "estimate": format_money(application.estimate_amount)}
        )
    application.proposal_needs_approval = above
    application.proposal_approved_by = None


def refuse_pending_proposal(application: Application) -> None:
    if proposal_pending(application):
        raise Invalid(
            _("拟支持金额 %(amount)s高于系统测算金额，须经部门负责人或区级管理员同意后方可公示。")
            % {"amount": format_money(application.proposed_amount)}
        )


def _proposer_id(application: Application) -> int | None:
    event = application.events.filter(action="final_review_pass").order_by("-sequence").only("actor_id").first()
    return event.actor_id if event else None


def _check_second_person(application: Application, actor: User | None) -> None:
    if not proposal_pending(application):
        raise Invalid(_("该申请没有待同意的拟支持金额。"))
    if actor is None or actor.pk == _proposer_id(application):
        raise Invalid(_("拟支持金额须由提出人以外的部门负责人或区级管理员同意。"))


def approve_proposal(application: Application, ctx: Any) -> None:
    _check_second_person(application, ctx.actor)
    application.proposal_approved_by = ctx.actor
    ctx.amount = application.proposed_amount


def refuse_proposal(application: Application, ctx: Any) -> None:
    _check_second_person(application, ctx.actor)
    application.proposal_needs_approval = False


# Bans: a case opened before the ban is stopped at approval and payment, unless a district administrator records
# why it should go on (Application.ban_override_at, with the reason in the audit trail).


def is_banned(application: Application, on: datetime.date | None = None) -> bool:
    return blocking_bans(application, on or timezone.localdate()).exists()


def refuse_if_banned(application: Application, on: datetime.date) -> None:
    problems = ban_problems(application, on)
    if problems:
        raise Invalid(
            _("该企业在本区处于禁止申请期内，不能批准或拨付；如确需继续办理，须由区级管理员登记理由。") + problems[0],
            problems,
        )


def override_ban(application: Application, ctx: Any) -> None:
    if not is_banned(application, ctx.on):
        raise Invalid(_("该企业目前没有影响本申请的禁止申请记录，无需登记。"))
    application.ban_override_at = timezone.now()


# Payments: one bank transfer, one payment.


def _payment_with_reference(bank_reference: str) -> Payment | None:
    payments = Payment.objects.annotate(reference=Upper("bank_reference")).filter(reference=bank_reference.upper())
    return payments.select_related("application").first()


def record_payment_once(
    application: Application, actor: User | None, paid_on: datetime.date, amount: Decimal, bank_reference: str
) -> Payment:
    """Record a payment whose bank reference no payment has used before (whatever the letters' case); the
    database's unique key decides between two recorded at the same moment."""
    taken = _payment_with_reference(bank_reference)
    if taken is None:
        try:
            with transaction.atomic():
                return Payment.objects.create(
                    application=application,
                    paid_on=paid_on,
                    amount=amount,
                    bank_reference=bank_reference,
                    recorded_by=actor,
                )
        except IntegrityError:
            taken = _payment_with_reference(bank_reference)
            if taken is None:
                raise
    raise Invalid(
        _("银行流水号 %(reference)s 已登记为申请 %(case)s 于 %(date)s 的拨付，同一笔转账不能登记两次。")
        % {"reference": bank_reference, "case": taken.application.reference, "date": taken.paid_on.isoformat()}
    )
