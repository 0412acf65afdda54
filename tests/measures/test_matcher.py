"""The nightly run's shortcuts give the page's answers: Matcher (a measure's match kept for the facts it reads),
sme.size_of (the size without the explanation) and the topics a person may follow."""

import datetime
import itertools
from decimal import Decimal

import pytest

from measures import rules
from measures.matching import Matcher, facts_for_enterprise, match_measures, measures_for_matching
from measures.models import District
from measures.sme import Industry, classify, size_of
from measures.topics import RULE_FAMILIES
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def outcome(match) -> tuple:
    return match.measure.pk, match.group, [(c.outcome, c.label, c.message, c.field) for c in match.checks]


def test_the_matcher_answers_as_matching_each_enterprise_afresh(policy_data):
    chaoyang, haidian = District.objects.get(slug="chaoyang"), District.objects.get(slug="haidian")
    enterprises = [
        EnterpriseFactory(
            registered_district=district,
            tax_district=district,
            industry=industry,
            employees=employees,
            revenue=Decimal("800"),
            total_assets=Decimal("900"),
            founded_on=datetime.date(2020, 1, 1),
        )
        for district, industry, employees in itertools.product(
            (chaoyang, haidian), ("软件和信息技术服务业", "餐饮业"), (8, 50, 50, 400)
        )
    ]
    measures = list(measures_for_matching())
    matcher = Matcher(TODAY)
    for enterprise in enterprises:
        facts = facts_for_enterprise(enterprise, TODAY)
        expected = [outcome(m) for m in match_measures(facts, measures, TODAY)]
        assert [outcome(m) for m in matcher.match(facts, measures)] == expected
    assert matcher.looked_up > matcher.checked  # the same facts were not checked twice


@pytest.mark.parametrize("industry", list(Industry))
def test_size_of_decides_as_classify(industry):
    for employees, revenue, assets in itertools.product(
        (None, 5, 10, 99, 300, 1000), (None, 50, 500, 20000), (None, 100, 90000)
    ):
        figures = {"employees": employees, "revenue": revenue, "assets": assets}
        decided = classify(industry=industry, **figures)
        assert size_of(industry=industry, **figures) == (decided.size, decided.missing)


def test_every_rule_kind_is_in_one_family():
    kinds = [kind for _label, family in RULE_FAMILIES.values() for kind in family]
    assert sorted(kinds) == sorted(rules.KINDS)
