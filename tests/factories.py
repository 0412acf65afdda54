import factory
from factory.django import DjangoModelFactory

from accounts.credit_code import CHARSET, check_character
from accounts.models import Enterprise, User


def credit_code(n: int) -> str:
    """Return a valid unified social credit code, different for each n."""
    body = "9111010" + "".join(CHARSET[(n // 31**i) % 31] for i in range(10))
    return body + check_character(body)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(credit_code)
    name = factory.Sequence(lambda n: f"北京测试科技有限公司{n}")
    contact_person = "王经理"
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")
    mobile = "13800138000"
    # An enterprise whose claim to its credit code an administrator has verified (an unverified one cannot submit).
    claim_status = "verified"


class EnterpriseUserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.cn")
    email = factory.SelfAttribute("username")
    first_name = "李用户"
    enterprise = factory.SubFactory(EnterpriseFactory)
    email_confirmed = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def make_owner(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.enterprise.owner_id is None:
                obj.enterprise.owner = obj
                obj.enterprise.save(update_fields=["owner"])


class StaffUserFactory(DjangoModelFactory):
    """A member of staff; give role plus staff_district, and department for a reviewer."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.Sequence(lambda n: f"staff{n}@example.gov.cn")
    first_name = "张工作"
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            if obj.department_id and not obj.staff_district_id:
                obj.staff_district_id = obj.department.district_id
            obj.save()


class ApplicationFactory(DjangoModelFactory):
    """An application by an enterprise (with its owner as creator) for the measure given."""

    class Meta:
        model = "applications.Application"

    enterprise = factory.LazyAttribute(lambda o: o.created_by.enterprise)
    created_by = factory.SubFactory(EnterpriseUserFactory)
    inputs = factory.Dict({})
    declarations = factory.Dict({"truthful": True})


def chaoyang_software_owner(**enterprise_fields):
    """The owner of a small Chaoyang software firm whose revenue fell 85%: it meets 朝政办发〔2020〕8号 16.'s
    conditions. Needs the policy data (the district)."""
    from decimal import Decimal

    from measures.models import District

    chaoyang = District.objects.get(name="朝阳区")
    fields = {
        "industry": "软件和信息技术服务业",
        "employees": 40,
        "revenue": Decimal("900"),
        "total_assets": Decimal("1200"),
        "registered_district": chaoyang,
        "tax_district": chaoyang,
        "stats_district": chaoyang,
        "revenue_change": Decimal("-85"),
        **enterprise_fields,
    }
    return EnterpriseUserFactory(**{f"enterprise__{name}": value for name, value in fields.items()})
