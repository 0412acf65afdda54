import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import StaffRole
from applications.models import Application
from applications.workflow import services
from measures.materials import materials_of
from measures.models import Measure
from tests.applications.conftest import department
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def training(mentougou):
    """Mentougou's skill-training subsidy (1000元 a trainee), whose clause lists five materials."""
    return Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="px-1")


@pytest.fixture
def mtg_reviewer(mentougou):
    return StaffUserFactory(
        role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"), first_name="王审核"
    )


@pytest.fixture
def mtg_colleague(mentougou):
    return StaffUserFactory(
        role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"), first_name="李审核"
    )


@pytest.fixture
def mtg_head(mentougou):
    return StaffUserFactory(
        role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"), is_head=True, first_name="赵科长"
    )


@pytest.fixture
def mtg_owner(mentougou):
    return EnterpriseUserFactory(
        enterprise__name="北京门头沟永定机械有限公司",
        enterprise__industry="工业",
        enterprise__employees=60,
        enterprise__registered_district=mentougou,
        enterprise__tax_district=mentougou,
        enterprise__stats_district=mentougou,
    )


def upload(application: Application, material_key: str | None, name: str = "材料.pdf", content: bytes = PDF):
    material = next((m for m in materials_of(application.measure) if m.key == material_key), None)
    return services.attachment_add(
        application=application,
        user=application.created_by,
        upload=SimpleUploadedFile(name, content),
        material=material,
    )


@pytest.fixture
def training_case(training, mtg_owner):
    """A submitted training case with the plan and the roster handed in as their materials, and one other file."""
    application = ApplicationFactory(
        measure=training, created_by=mtg_owner, enterprise=mtg_owner.enterprise, inputs={"persons": "10"}
    )
    upload(application, "training-plan", "培训方案.pdf")
    upload(application, "trainee-roster", "花名册.pdf")
    upload(application, None, "说明.pdf")
    Application.objects.filter(pk=application.pk).update(status="submitted")
    application.refresh_from_db()
    return application
