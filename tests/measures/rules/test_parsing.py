"""Reading the applicant's inputs (measures.rules.parsing): every bad or missing field named, numbers, choices, dates."""

import datetime
from decimal import Decimal

import pytest

from measures.rules import RuleInputError, parse_inputs
from tests.measures.rules.examples import GOOD_LOAN, LOAN, RENT_REWARD

D = Decimal


def test_parse_inputs_names_every_bad_or_missing_field():
    with pytest.raises(RuleInputError) as error:
        parse_inputs(
            "interest_subsidy", LOAN, {"loan_amount": "-1", "loan_term_months": "1.5", "issued_on": "2020-13-01"}
        )
    assert error.value.errors == {
        "loan_amount": "贷款金额必须是不小于0的金额",
        "loan_term_months": "贷款期限必须是不小于0的整数",
        "issued_on": "贷款发放日期必须是日期，格式为YYYY-MM-DD",
        "interest_paid": "请填写实际支付的贷款利息",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,000,000.5", D("1000000.50")), (1000, D("1000.00")), (12.5, D("12.50")), (D("3"), D("3.00"))],
)
def test_money_is_read_from_strings_and_numbers(raw, expected):
    assert parse_inputs("percent_of_base", RENT_REWARD, {"base": raw}) == {"base": expected}


@pytest.mark.parametrize("raw", ["abc", "1.001", "-0.01", "NaN", True])
def test_money_that_is_not_an_amount_is_refused(raw):
    with pytest.raises(RuleInputError) as error:
        parse_inputs("percent_of_base", RENT_REWARD, {"base": raw})
    assert list(error.value.errors) == ["base"]


def test_choices_accept_the_value_or_its_label():
    params = {"months": ["2020-03"], "rate": "1", "office_rate": "0.5"}
    assert parse_inputs("rent_months_waived", params, {"monthly_rent": "1", "use": "办公用房"})["use"] == "office"


def test_dates_are_typed():
    values = parse_inputs("interest_subsidy", LOAN, GOOD_LOAN)
    assert values["issued_on"] == datetime.date(2020, 3, 1)
