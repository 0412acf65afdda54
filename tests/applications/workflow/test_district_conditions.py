"""A district's measure is for that district's enterprises (issue 23: a Mentougou enterprise passed every submission
check for Chaoyang's measure 16)."""

import pytest

from applications.workflow.checks import submission_problems
from measures.models import District
from tests.factories import ApplicationFactory, chaoyang_software_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentougou_firm(policy_data):
    """The same small software firm as the Chaoyang owner's, registered, taxed and counted in Mentougou."""
    mentougou = District.objects.get(name="门头沟区")
    return chaoyang_software_owner(registered_district=mentougou, tax_district=mentougou, stats_district=mentougou)


def test_a_firm_of_another_district_cannot_submit_to_a_chaoyang_measure(mentougou_firm, measure):
    case = ApplicationFactory(
        status="draft",
        measure=measure,
        enterprise=mentougou_firm.enterprise,
        created_by=mentougou_firm,
        inputs={"persons": "12"},
        declarations={"truthful": True},
    )
    problems = submission_problems(case)
    # The condition comes from the document's own words on whom it is for.
    assert any("注册地" in problem and "我区中小微企业" in problem for problem in problems), problems


def test_a_firm_whose_district_is_not_on_its_profile_is_asked_for_it(policy_data, measure):
    owner = chaoyang_software_owner(registered_district=None, tax_district=None, stats_district=None)
    case = ApplicationFactory(
        status="draft", measure=measure, enterprise=owner.enterprise, created_by=owner, inputs={"persons": "12"}
    )
    assert any("注册" in problem for problem in submission_problems(case))
