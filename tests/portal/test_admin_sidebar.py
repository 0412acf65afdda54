"""The staff site's sidebar is kept between requests (portal/admin_site.py), yet each reader sees only what they may
open, in their language, with the page they are on marked."""

import re

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from contacts.models import Department
from measures.models import District
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:applications_application_changelist")
FINDINGS = reverse("admin:applications_fraudfinding_changelist")


@pytest.fixture
def chaoyang(policy_data):
    return District.objects.get(name="朝阳区")


@pytest.fixture
def reviewer(chaoyang):
    return StaffUserFactory(
        role=StaffRole.REVIEWER, department=Department.objects.get(district=chaoyang, name="区人力社保局")
    )


@pytest.fixture
def district_admin(chaoyang):
    return StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=chaoyang)


def sidebar(client, path=QUEUE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]


def test_each_reader_sees_only_the_pages_they_may_open(client, reviewer, district_admin):
    client.force_login(district_admin)
    assert FINDINGS in sidebar(client)
    client.force_login(reviewer)  # the same process, the administrator's sidebar kept: the reviewer gets their own
    seen = sidebar(client)
    assert QUEUE in seen and FINDINGS not in seen
    assert client.get(FINDINGS).status_code == 403
    client.force_login(district_admin)
    assert FINDINGS in sidebar(client)


def test_the_page_one_is_on_is_marked(client, district_admin):
    client.force_login(district_admin)
    on_queue = sidebar(client)
    assert re.search(rf'<a href="{QUEUE}" aria-current="page">', on_queue)
    on_findings = sidebar(client, FINDINGS)
    assert re.search(rf'<a href="{FINDINGS}" aria-current="page">', on_findings)
    assert not re.search(rf'<a href="{QUEUE}" aria-current="page">', on_findings)


def test_the_sidebar_speaks_the_readers_language(client, reviewer):
    client.force_login(reviewer)
    chinese = sidebar(client)
    client.cookies["django_language"] = "en"
    english = sidebar(client)
    assert english != chinese
    queue_name = re.search(rf'<a href="{QUEUE}"[^>]*>([^<]+)</a>', english).group(1)
    assert not re.search(r"[\u4e00-\u9fff]", queue_name), queue_name
    assert re.search(r"[\u4e00-\u9fff]", re.search(rf'<a href="{QUEUE}"[^>]*>([^<]+)</a>', chinese).group(1))
