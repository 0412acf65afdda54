"""The contact directory: anyone finds whom to call by department, person, phone or district."""

import pytest
from django.urls import reverse

from contacts.models import ContactPerson, Department

pytestmark = pytest.mark.django_db


def directory(client, **params):
    return client.get(reverse("contacts:directory"), params)


def names(response):
    return {p.name for p in response.context["page_obj"].paginator.object_list}


@pytest.mark.parametrize(
    ("query", "person"),
    [("65094387", "张云飞"), ("010-65094387", "张云飞"), ("(010)65094387", "张云飞"), ("69843067", "唐忠华")],
)
def test_it_finds_a_person_by_a_phone_number_from_the_sources(client, policy_data, query, person):
    assert person in names(directory(client, q=query))


def test_it_finds_a_person_by_name(client, policy_data):
    response = directory(client, q="唐忠华")
    assert names(response) == {"唐忠华"}
    assert "69843067" in response.content.decode()


def test_it_finds_a_department_by_an_alias(client, policy_data):
    department = Department.objects.exclude(aliases="").first()
    response = directory(client, q=department.alias_list[0])
    assert department in response.context["matched_departments"]


def test_it_lists_a_district_only(client, policy_data):
    people = directory(client, district="mentougou").context["page_obj"].paginator.object_list
    assert people and {p.department.district.name for p in people} == {"门头沟区"}


def test_it_lists_the_town_and_street_contact_table_of_mentougou(client, policy_data):
    response = directory(client, district="mentougou", kind="town")
    towns = {p.department.name for p in response.context["page_obj"].paginator.object_list}
    assert len(towns) == 13 and {"永定镇", "大峪街道", "大台街道"} <= towns


def test_it_answers_topic_questions(client, policy_data):
    response = directory(client, q="集体经济组织租金减免")
    assert "门前江" in names(response)


def test_it_answers_an_unknown_district_with_an_empty_list_and_a_message(client, policy_data):
    response = directory(client, district="atlantis")
    assert response.status_code == 200 and names(response) == set()
    assert "筛选条件无效" in response.content.decode()


def test_the_department_page_lists_measures_it_leads_and_is_responsible_for(client, policy_data):
    department = Department.objects.get(district__name="门头沟区", name="区财政局")
    page = client.get(department.get_absolute_url()).content.decode()
    assert department.led_measures.exists() and department.responsible_for_measures.exists()
    assert all(m.title in page for m in department.led_measures.all())
    assert all(m.title in page for m in department.responsible_for_measures.all())
    assert "陈超琦" in page and "69844188" in page


def test_an_unknown_department_is_404(client, policy_data):
    assert client.get(reverse("contacts:department", args=[999999])).status_code == 404


def test_topic_contacts_of_chaoyang_are_kept_apart(client, policy_data):
    topics = set(ContactPerson.objects.filter(department__district__name="朝阳区").values_list("topic", flat=True))
    assert {"承租区属国有企业房产租金减免政策", "集体经济组织租金减免政策"} <= topics
