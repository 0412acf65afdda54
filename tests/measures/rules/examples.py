"""Parameter sets and helpers the tests of the benefit rules share."""

from measures.rules import estimate

RENT_REWARD = {"base": "减免的租金金额", "rate": "0.30", "cap_per_entity": "1000000"}
LEVELS = {
    "levels": [
        {"level": "national", "label": "国家级", "amount": "1200000"},
        {"level": "municipal", "label": "市级", "amount": "300000"},
        {"level": "innovative", "label": "创新型", "amount": "20000"},
    ],
    "no_repeat": True,
    "top_up": True,
}
LOAN = {
    "rate": "0.30",
    "loan_max_amount": "10000000",
    "loan_max_term_months": 12,
    "issued_from": "2020-02-01",
    "issued_to": "2020-05-31",
}
GOOD_LOAN = {"loan_amount": "5000000", "loan_term_months": "12", "issued_on": "2020-03-01", "interest_paid": "100000"}


def amount(kind, params, context=None, **values):
    return estimate(kind, params, values, context=context).amount


def labels(result):
    return [step.label for step in result.steps]
