"""The public policy library: search, filters, document and measure pages."""

import pytest
from django.urls import reverse

from measures.models import Measure, PolicyDocument

pytestmark = pytest.mark.django_db


def library(client, **params):
    return client.get(reverse("measures:library"), params)


def listed_pks(response):
    return {m.pk for m in response.context["page_obj"].paginator.object_list}


@pytest.mark.parametrize("number", ["门政发〔2020〕25号", "朝政办发〔2020〕8号", "西政办发〔2020〕6号"])
def test_it_finds_a_document_and_all_its_measures_by_number(client, policy_data, number):
    document = PolicyDocument.objects.get(number=number)
    response = library(client, q=number)
    assert [d.pk for d in response.context["matched_documents"]] == [document.pk]
    assert listed_pks(response) == set(document.measures.values_list("pk", flat=True))
    assert document.measures.count() > 5


def test_it_finds_a_number_typed_with_other_brackets(client, policy_data):
    response = library(client, q="门政发[2020]25号")
    assert listed_pks(response) == set(
        Measure.objects.filter(document__number="门政发〔2020〕25号").values_list("pk", flat=True)
    )


def test_it_needs_every_search_term_to_match(client, policy_data):
    response = library(client, q="朝政办发〔2020〕8号 房租")
    measures = Measure.objects.filter(pk__in=listed_pks(response))
    assert measures.exists()
    assert all(m.document.number == "朝政办发〔2020〕8号" for m in measures)
    assert all("房租" in m.text + m.title for m in measures)


def test_it_finds_measures_by_lead_department_name(client, policy_data):
    response = library(client, q="区人防办")
    assert any("人防" in m.text for m in Measure.objects.filter(pk__in=listed_pks(response)))


def test_it_filters_by_district(client, policy_data):
    response = library(client, district="haidian")
    measures = Measure.objects.filter(pk__in=listed_pks(response))
    assert measures.exists() and {m.document.district.name for m in measures} == {"海淀区"}


def test_it_filters_by_lead_department(client, policy_data):
    measure = Measure.objects.filter(lead_departments__isnull=False).first()
    department = measure.lead_departments.first()
    response = library(client, lead_department=department.pk)
    assert measure.pk in listed_pks(response)
    assert set(listed_pks(response)) == set(department.led_measures.values_list("pk", flat=True))


def test_it_filters_by_beneficiary_type(client, policy_data):
    response = library(client, beneficiary="landlord")
    measures = Measure.objects.filter(pk__in=listed_pks(response))
    assert measures.exists() and all(m.beneficiary_types.filter(code="landlord").exists() for m in measures)


def test_it_separates_documents_in_force_from_the_rest(client, policy_data):
    in_force, not_in_force = listed_pks(library(client, in_force="yes")), listed_pks(library(client, in_force="no"))
    draft = Measure.objects.filter(document__status=PolicyDocument.Status.DRAFT).first()
    assert draft.pk in not_in_force and draft.pk not in in_force
    assert in_force and not in_force & not_in_force
    assert len(in_force | not_in_force) == Measure.objects.count()


def test_it_treats_a_document_past_its_end_date_as_expired(client, policy_data):
    document = PolicyDocument.objects.get(number="西政办发〔2020〕1号")
    assert document.valid_until.year == 2020
    response = client.get(document.get_absolute_url())
    assert "已失效" in response.content.decode()
    assert not set(document.measures.values_list("pk", flat=True)) & listed_pks(library(client, in_force="yes"))


@pytest.mark.parametrize(
    "params",
    [
        {"district": "atlantis"},
        {"document": "999999"},
        {"document": "abc"},
        {"lead_department": "-1"},
        {"in_force": "maybe"},
    ],
)
def test_it_answers_a_bad_filter_value_with_an_empty_list_and_a_message(client, policy_data, params):
    response = library(client, **params)
    assert response.status_code == 200
    assert listed_pks(response) == set()
    assert "筛选条件无效" in response.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "-1"])
def test_it_answers_a_page_that_does_not_exist_with_404(client, policy_data, page):
    assert library(client, page=page).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/documents/999999/", "/measures/999999/", "/documents/abc/", "/sources/../manage.py/", "/sources/nothing.txt/"],
)
def test_it_answers_unknown_ids_with_404(client, policy_data, url):
    assert client.get(url).status_code == 404


def test_it_survives_a_very_long_or_odd_query(client, policy_data):
    for query in ["%", "_", "'; drop table x; --", "〔" * 100, "a" * 500]:
        assert library(client, q=query).status_code == 200


def test_it_paginates_the_library(client, policy_data):
    response = library(client)
    assert len(response.context["object_list"]) == 20
    assert library(client, page=2).status_code == 200


def test_the_measure_page_shows_lead_departments_contacts_and_citation(client, policy_data):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="1")
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "区国资委" in page and "张云飞" in page and "010-65094387" in page
    assert "朝政办发〔2020〕8号" in page and "主责部门" in page


def test_the_document_page_lists_its_measures_and_metadata(client, policy_data):
    document = PolicyDocument.objects.get(number="门政发〔2020〕25号")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "北京市门头沟区人民政府" in page and "2020-05-14" in page
    assert all(m.title in page for m in document.measures.all())
    assert "三年内不准其申请区内各类补贴奖励资金" in page


def test_the_source_page_shows_the_cited_lines(client, policy_data):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="2")
    response = client.get(
        reverse("measures:source", args=[measure.document.source_file]),
        {"from": measure.source_line_start, "to": measure.source_line_end},
    )
    assert response.status_code == 200
    assert f'id="L{measure.source_line_start}"' in response.content.decode()


def test_the_home_page_offers_search_and_districts(client, policy_data):
    page = client.get("/").content.decode()
    assert 'name="q"' in page and "门头沟区" in page and "朝阳区" in page


def test_the_interface_switches_to_english(client, policy_data):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("measures:library")).content.decode()
    assert "Policy library" in page and 'lang="en"' in page


def test_it_finds_the_measures_of_a_contact_by_phone(client, policy_data):
    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", key="1")
    assert measure.pk in listed_pks(library(client, q="010-65094387"))
