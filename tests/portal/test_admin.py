"""Every model is in the admin, searchable and editable by an administrator, with Chinese names."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label in {"measures", "contacts", "accounts"}]


@pytest.fixture
def superuser(client, policy_data):
    user = User.objects.create_superuser("root", "root@example.cn", "x-long-password")
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_an_administrator_searches_and_opens_every_model(client, superuser, model):
    meta = model._meta
    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {"q": "区"})
    assert changelist.status_code == 200
    first = model.objects.first()
    if first is not None:
        change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
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
