"""Error pages speak Chinese and point back home, whatever the reason."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and 'href="/"' in response.content.decode()


def test_a_forbidden_page_says_so_in_chinese(client, policy_data):
    from accounts.models import StaffRole
    from contacts.models import Department
    from tests.factories import StaffUserFactory

    department = Department.objects.get(district__name="朝阳区", name="区人力社保局")
    client.force_login(StaffUserFactory(role=StaffRole.REVIEWER, department=department))
    response = client.get("/admin/applications/application/export/")  # the Excel export is finance's
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
