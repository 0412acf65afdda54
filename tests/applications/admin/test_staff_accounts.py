"""Staff roles belong to staff accounts; the demo command creates staff for two districts."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from accounts.models import StaffRole, User
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def test_an_enterprise_user_cannot_hold_a_staff_role(owner):
    owner.role = StaffRole.AUDITOR
    with pytest.raises(IntegrityError):
        owner.save()


def test_a_reviewer_needs_a_department(chaoyang):
    with pytest.raises(IntegrityError):
        User.objects.create(username="r", is_staff=True, role=StaffRole.REVIEWER, staff_district=chaoyang)


def test_the_demo_creates_staff_of_two_districts_once(settings, policy_data, capsys):
    settings.DEBUG = True
    call_command("setup_demo")
    call_command("setup_demo")
    staff = User.objects.exclude(role="")
    assert set(staff.values_list("staff_district__name", flat=True)) == {"朝阳区", "门头沟区"}
    assert staff.filter(username="cy-fgw", department__name="区发展改革委").exists()
    assert "mtg-czj" in capsys.readouterr().out


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert "/accounts/login/" in client.get("/applications/").url


def test_an_enterprise_user_is_not_let_into_the_admin(client):
    client.force_login(EnterpriseUserFactory())
    assert client.get("/admin/applications/application/").status_code == 302
