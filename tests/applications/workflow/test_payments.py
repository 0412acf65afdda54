"""Disbursement: one or more payments, never more than the approved amount."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications.workflow import Invalid, apply_transition

pytestmark = pytest.mark.django_db


def pay(application, finance, amount):
    return apply_transition(
        application_id=application.pk,
        action="record_payment",
        actor=finance,
        amount=Decimal(amount),
        paid_on=timezone.localdate(),
        bank_reference=f"BJ-{amount}",
    )


def test_a_partial_payment_leaves_the_rest_outstanding(make_application, finance):
    application = pay(make_application("approved"), finance, "5000")
    assert application.status == "disbursing" and application.outstanding() == Decimal("7000")


def test_the_last_payment_completes_the_disbursement(make_application, finance):
    application = make_application("approved")
    pay(application, finance, "5000")
    assert pay(application, finance, "7000").status == "disbursed"


def test_payments_cannot_exceed_the_approved_amount(make_application, finance):
    application = make_application("approved")
    pay(application, finance, "5000")
    with pytest.raises(Invalid, match=r"尚可拨付 7,000\.00 元"):
        pay(application, finance, "7000.01")
    assert application.payments.count() == 1


def test_a_payment_needs_a_bank_reference(make_application, finance):
    application = make_application("approved")
    with pytest.raises(Invalid, match="银行流水号"):
        apply_transition(
            application_id=application.pk,
            action="record_payment",
            actor=finance,
            amount=Decimal("100"),
            paid_on=timezone.localdate(),
        )
