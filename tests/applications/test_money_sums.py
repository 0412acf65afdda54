"""Sums of money read from the database print the same on every database: yuan with two places (portal.money).

SQLite adds decimals up as floats: without the rounding, 12000.00 paid came back as Decimal("12000") and a message
said "12000 元", and 0.10 + 0.20 as Decimal("0.300000000000000").
"""

import datetime
from decimal import Decimal

from applications.models import Application, Payment
from measures.models import Measure
from portal.money import MoneySum


def pay(application, finance, *amounts: str) -> None:
    for number, amount in enumerate(amounts):
        Payment.objects.create(
            application=application,
            paid_on=datetime.date(2026, 6, 1),
            amount=Decimal(amount),
            bank_reference=f"BJ-{number}",
            recorded_by=finance,
        )


def test_what_was_paid_prints_with_two_decimals(make_application, finance):
    application = make_application("disbursed")
    pay(application, finance, "7000.00", "5000.00")
    assert str(application.paid_total()) == "12000.00"
    assert str(application.outstanding()) == "0.00"


def test_fen_add_up_to_fen(make_application, finance):
    application = make_application("disbursing")
    pay(application, finance, "0.10", "0.20")
    assert str(application.paid_total()) == "0.30"
    assert str(application.outstanding()) == "11999.70"


def test_nothing_paid_is_zero_yuan(make_application):
    assert str(make_application("approved").paid_total()) == "0.00"
    assert Application.objects.none().aggregate(total=MoneySum("payments__amount"))["total"] == Decimal("0.00")


def test_a_sum_per_row_has_two_decimals_too(make_application, finance, measure):
    paid = make_application("disbursed")
    pay(paid, finance, "7000.00", "5000.00")
    unpaid = make_application("approved", measure=Measure.objects.exclude(pk=measure.pk).filter(monetary=True).first())
    totals = dict(
        Application.objects.filter(pk__in=[paid.pk, unpaid.pk])
        .annotate(paid=MoneySum("payments__amount"))
        .values_list("pk", "paid")
    )
    assert {pk: str(total) for pk, total in totals.items()} == {paid.pk: "12000.00", unpaid.pk: "0.00"}
