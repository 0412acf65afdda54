"""Every model is in the admin, searchable and editable by an administrator, with Chinese names."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from measures.models import CalendarWarning, WorkingDayOverride
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label in {"measures", "contacts", "accounts"}]


@pytest.fixture
def superuser(client, policy_data):
    user = User.objects.create_superuser("root", "root@example.cn", "x-long-password")
    client.force_login(user)
    return user


@pytest.fixture
def a_row_of_every_model(superuser):
    """A row in the tables the policy data and the superuser leave empty."""
    EnterpriseFactory(name="北京检索测试科技有限公司")
    WorkingDayOverride.objects.create(date=datetime.date(2031, 10, 11), is_working_day=True, name="国庆节调休上班")
    CalendarWarning.objects.create(year=2032)


def searched_value(obj, field: str) -> str:
    """Return what obj shows under an admin search field ("name", "^code", "document__number"), or ""."""
    value = obj
    for part in field.lstrip("^=@").split("__"):
        value = getattr(value, part, None)
        if hasattr(value, "all"):  # a many-to-many or reverse relation: its first row
            value = value.first()
        if value is None:
            return ""
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_an_administrator_searches_and_opens_every_model(client, a_row_of_every_model, model):
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    row = model.objects.order_by("-pk").first()
    assert row is not None, f"no {meta.label} to search for: add one to a_row_of_every_model"
    if search_fields := admin.site._registry[model].search_fields:
        term = next(value for field in search_fields if (value := searched_value(row, field)))
        found = client.get(url, {"q": term})
        assert found.status_code == 200 and found.context["cl"].queryset.filter(pk=row.pk).exists(), term
        assert not client.get(url, {"q": "无此检索结果的词"}).context["cl"].queryset.exists()
    change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]))
    assert change.status_code == 200


def test_the_admin_speaks_chinese(client, superuser):
    page = client.get(reverse("admin:index")).content.decode()
    assert "政策措施" in page and "联系人" in page and "政策文件" in page


def test_an_administrator_corrects_a_phone_number(client, superuser):
    from contacts.models import ContactPerson

    person = ContactPerson.objects.get(name="唐忠华")
    url = reverse("admin:contacts_contactperson_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(office_phone="69843068", department=person.department_id, section=person.section_id or "")
    response = client.post(url, data)
    person.refresh_from_db()
    assert response.status_code == 302 and person.office_phone == "69843068"
    assert "唐忠华" in [p.name for p in ContactPerson.objects.search("69843068")]
