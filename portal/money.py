"""Sums of money read from the database: a Decimal in yuan with two places, the same on every database.

PostgreSQL sums a numeric(…, 2) column into a numeric with two places; SQLite sums it as a float, which Django hands
back as Decimal("12000") or Decimal("0.300000000000000"), so a message would say "12000 元". Every sum of an amount
of money goes through MoneySum (aggregate or annotate), which rounds half up to the fen and gives 0.00, not None,
when there is nothing to add up.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value) -> Decimal:
    """Return value (a number or None, read from the database) as yuan with two places; None is 0.00."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class MoneySum(Sum):
    """Sum(expression) of an amount of money, as yuan with two places (yuan()); 0.00 over no rows."""

    empty_result_set_value = ZERO

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), _to_yuan]


def _to_yuan(value, expression, connection) -> Decimal:
    return yuan(value)
