import datetime
from decimal import Decimal

import pytest

from accounts.models import StaffRole
from applications.models import Application
from contacts.models import Department
from measures.models import District, Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory, chaoyang_software_owner

TODAY = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def chaoyang(policy_data):
    return District.objects.get(name="朝阳区")


@pytest.fixture
def mentougou(policy_data):
    return District.objects.get(name="门头沟区")


@pytest.fixture
def measure(chaoyang):
    """朝政办发〔2020〕8号 16.: training subsidy led by 区人力社保局, 1000元 per trainee, no window stated."""
    return Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")


def department(district, name):
    return Department.objects.get(district=district, name=name)


@pytest.fixture
def owner(chaoyang):
    """The owner of a small Chaoyang software firm whose revenue fell 85%: it meets the conditions of 8号 16."""
    return chaoyang_software_owner()


@pytest.fixture
def outsider(db):
    return EnterpriseUserFactory()


@pytest.fixture
def reviewer(chaoyang):
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department(chaoyang, "区人力社保局"))


@pytest.fixture
def head(chaoyang):
    """The head (负责人) of 区人力社保局, the measure's lead department: the second person on a proposal."""
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department(chaoyang, "区人力社保局"), is_head=True)


@pytest.fixture
def other_reviewer(chaoyang):
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department(chaoyang, "区发展改革委"))


@pytest.fixture
def finance(chaoyang):
    return StaffUserFactory(
        role=StaffRole.FINANCE, staff_district=chaoyang, department=department(chaoyang, "区财政局")
    )


@pytest.fixture
def other_finance(mentougou):
    return StaffUserFactory(role=StaffRole.FINANCE, staff_district=mentougou)


@pytest.fixture
def district_admin(chaoyang):
    return StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=chaoyang)


@pytest.fixture
def auditor(chaoyang):
    return StaffUserFactory(role=StaffRole.AUDITOR, staff_district=chaoyang)


@pytest.fixture
def make_application(owner, measure):
    """Return a factory of the owner's applications for the measure, in any status."""

    def make(status="draft", **fields) -> Application:
        fields.setdefault("inputs", {"persons": "12"})
        if status in ("finance_review", "approved", "disbursing", "disbursed", "closed", "publicity", "reviewed"):
            fields.setdefault("proposed_amount", Decimal("12000.00"))
        if status in ("approved", "disbursing", "disbursed", "closed"):
            fields.setdefault("approved_amount", Decimal("12000.00"))
        return ApplicationFactory(
            status=status,
            measure=fields.pop("measure", measure),
            created_by=owner,
            enterprise=owner.enterprise,
            **fields,
        )

    return make
