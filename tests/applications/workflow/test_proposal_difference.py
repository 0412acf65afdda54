"""A reviewer who proposes an amount other than the engine's figure says why: below it with a reason, above it with a
reason and a second person's approval (workflow/safeguards.py)."""

from decimal import Decimal

import pytest

from applications.models import Application
from applications.workflow import Invalid, apply_transition

pytestmark = pytest.mark.django_db


def propose(application, reviewer, amount, comment=""):
    return apply_transition(
        application_id=application.pk,
        action="final_review_pass",
        actor=reviewer,
        amount=Decimal(amount),
        comment=comment,
    )


def test_a_proposal_below_the_engines_figure_needs_a_reason(make_application, reviewer):
    case = make_application("under_review", estimate_amount=Decimal("12000.00"))
    with pytest.raises(Invalid, match=r"低于系统测算金额 12,000\.00 元，请在意见中说明差额的理由"):
        propose(case, reviewer, "9000")
    assert Application.objects.get(pk=case.pk).status == "under_review"


def test_with_its_reason_it_goes_on_without_a_second_approval(make_application, reviewer):
    case = propose(
        make_application("under_review", estimate_amount=Decimal("12000.00")), reviewer, "9000", "三人未完成40课时"
    )
    assert (case.status, case.proposed_amount, case.proposal_needs_approval) == ("reviewed", Decimal("9000.00"), False)
    assert case.events.get().comment == "三人未完成40课时"


def test_the_engines_own_figure_needs_no_reason(make_application, reviewer):
    case = propose(make_application("under_review", estimate_amount=Decimal("12000.00")), reviewer, "12000")
    assert case.status == "reviewed"
