"""免申即享 fixtures: 西城区's 第七条 (加大优质中小企业培育力度), marked direct_award in the data files, with its
document put in force (the file transcribes a draft), its lead department's reviewers and Xicheng enterprises."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Certification, StaffRole
from accounts.services import profile_record_version
from applications.direct.verification import profile_verify
from contacts.models import Department
from measures.models import District, Measure, PolicyDocument
from tests.factories import EnterpriseUserFactory, StaffUserFactory

TODAY = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture
def xicheng(policy_data):
    return District.objects.get(name="西城区")


@pytest.fixture
def measure(xicheng):
    """第七条: 小巨人 120万, 北京市专精特新 30万, 创新型中小企业 2万 (最高), once, 晋级补差, yearly ceiling 上年度区收."""
    measure = Measure.objects.get(document__key="xicheng-2025-draft", key="7")
    PolicyDocument.objects.filter(pk=measure.document_id).update(status=PolicyDocument.Status.IN_FORCE)
    measure.refresh_from_db()
    return measure


@pytest.fixture
def department(xicheng):
    return Department.objects.get(district=xicheng, name="西城区经济促进局")


@pytest.fixture
def reviewer(department):
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department)


@pytest.fixture
def second_reviewer(department):
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department)


@pytest.fixture
def head(department):
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department, is_head=True)


@pytest.fixture
def district_admin(xicheng):
    return StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=xicheng)


@pytest.fixture
def finance(xicheng):
    return StaffUserFactory(role=StaffRole.FINANCE, staff_district=xicheng)


@pytest.fixture
def make_owner(xicheng):
    """Return a factory of Xicheng enterprises' owners with a certification and a prior-year contribution."""

    def make(name: str, certification: str | None = "beijing_specialized", **fields):
        values = {
            "name": name,
            "industry": "软件和信息技术服务业",
            "employees": 60,
            "revenue": Decimal("3000"),
            "total_assets": Decimal("5000"),
            "registered_district": xicheng,
            "tax_district": xicheng,
            "stats_district": xicheng,
            "prior_year_district_contribution": Decimal("800000"),
            **fields,
        }
        owner = EnterpriseUserFactory(**{f"enterprise__{key}": value for key, value in values.items()})
        if certification:
            Certification.objects.create(
                enterprise=owner.enterprise, kind=certification, level="市级", certified_on=datetime.date(2025, 6, 1)
            )
        profile_record_version(enterprise=owner.enterprise, user=owner)
        return owner

    return make


@pytest.fixture
def verify(district_admin):
    """Return a function recording the district administrator's verification of an enterprise's profile now."""

    def verify_(enterprise):
        return profile_verify(
            user=district_admin, credit_code=enterprise.credit_code, evidence="2025年度纳税申报表、资质证书核对一致。"
        )

    return verify_
