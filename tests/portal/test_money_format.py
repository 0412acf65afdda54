"""Money is printed one way everywhere: "100,000.00 元"; shares as percentages ("80%")."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.formatting import format_money, format_share


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("100000"), "100,000.00 元"),
        (Decimal("600000.00"), "600,000.00 元"),
        ("1234567.891", "1,234,567.89 元"),
        (Decimal("0.005"), "0.01 元"),  # half up, to the fen
        (12000, "12,000.00 元"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_money_has_thousands_separators_and_two_decimals(value, shown):
    assert format_money(value) == shown


def test_money_names_its_unit_in_english_in_english():
    with translation.override("en"):
        assert format_money(Decimal("100000")) == "100,000.00 yuan"


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("0.80"), "80%"), ("0.125", "12.5%"), (Decimal("1"), "100%"), (None, "—")]
)
def test_a_share_is_a_percentage(value, shown):
    assert format_share(value) == shown


def test_every_template_has_the_filters_without_loading_them():
    rendered = Template("{{ amount|money }} {{ rate|share }}").render(
        Context({"amount": Decimal("600000"), "rate": Decimal("0.8")})
    )
    assert rendered == "600,000.00 元 80%"
