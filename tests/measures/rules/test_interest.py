"""interest_subsidy (measures.rules.interest): the loan conditions, the benchmark, the cap per product and year."""

from decimal import Decimal

import pytest

from measures.rules import Context, estimate, rule_inputs
from tests.measures.rules.examples import GOOD_LOAN, LOAN, amount, labels

D = Decimal


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "30000.00"),
        ({"loan_amount": "10000000"}, "30000.00"),
        ({"loan_amount": "10000000.01"}, "0.00"),
        ({"loan_term_months": "13"}, "0.00"),
        ({"issued_on": "2020-02-01"}, "30000.00"),
        ({"issued_on": "2020-01-31"}, "0.00"),
        ({"issued_on": "2020-05-31"}, "30000.00"),
        ({"issued_on": "2020-06-01"}, "0.00"),
    ],
)
def test_a_loan_outside_the_conditions_gets_nothing(change, expected):
    assert amount("interest_subsidy", LOAN, **{**GOOD_LOAN, **change}) == D(expected)


def test_the_failing_loan_condition_is_named():
    result = estimate("interest_subsidy", LOAN, {**GOOD_LOAN, "loan_term_months": "24"})
    assert "贷款期限：不符合，不予贴息" in labels(result)
    assert "贷款金额：符合" in labels(result)


def test_interest_above_the_benchmark_is_not_subsidised():
    params = {**LOAN, "benchmark_cap": True}
    result = estimate("interest_subsidy", params, {**GOOD_LOAN, "benchmark_interest": "80000"})
    assert result.amount == D("24000.00")
    assert "超出基准利率的部分不予补贴" in labels(result)


def test_an_of_benchmark_subsidy_asks_for_the_benchmark_interest_only():
    params = {"rate": "0.50", "of_benchmark": True}
    assert [i.name for i in rule_inputs("interest_subsidy", params)] == ["benchmark_interest"]
    assert amount("interest_subsidy", params, benchmark_interest="12345.67") == D("6172.84")


@pytest.mark.parametrize(
    ("interest", "earlier", "expected"),
    [
        ("300000", "0", "150000.00"),
        ("1000000", "0", "500000.00"),
        ("1000000.02", "0", "500000.00"),
        ("300000", "400000", "100000.00"),
    ],
)
def test_a_per_product_yearly_cap_counts_the_same_products_awards(interest, earlier, expected):
    params = {"rate": "0.50", "cap_per_product_year": "500000"}
    context = Context(earlier_this_item=D(earlier))
    assert amount("interest_subsidy", params, context, interest_paid=interest, project="A") == D(expected)
