"""The library's keyword search finds the same measures with one EXISTS per relation and no join fan-out (issue 7)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Measure, normalize_number

pytestmark = pytest.mark.django_db

# Each reaches measures through another part of the data: clause texts, a document number in other brackets,
# a responsible unit or a lead department's full name that the texts do not print, a contact's name, office phone
# (with and without the area code) or mobile, several terms, Latin letters in either case, and nothing at all.
QUERIES = [
    "补贴",
    "门政发[2020]25号",
    "区财政局",
    "门头沟区人力资源和社会保障局",
    "赵鹏",
    "83926742",
    "010-83926742",
    "13311355976",
    "区科信局 补贴",
    "房租 区商务局",
    "ZGC",
    "a",
    "没有这样的措施",
]


def term_matches(measure: Measure, term: str) -> bool:
    """Say whether one term matches the measure, read field by field from the objects (the search's rules)."""
    digits = re.sub(r"\D", "", term)
    digits = digits[3:] if digits.startswith("010") and len(digits) > 10 else digits
    document = measure.document
    texts = [measure.title, measure.text, measure.clause, document.title, document.issuer]
    texts += [d.name for d in measure.lead_departments.all()] + [d.full_name for d in measure.lead_departments.all()]
    texts += [d.name for d in measure.responsible_units.all()] + [p.name for p in measure.contacts.all()]
    if normalize_number(term).lower() in document.number_normalized.lower():
        return True
    if len(digits) >= 5 and any(digits in p.phone_digits for p in measure.contacts.all()):
        return True
    return any(term.lower() in text.lower() for text in texts)


def expected(query: str) -> set[int]:
    measures = Measure.objects.select_related("document").prefetch_related(
        "lead_departments", "responsible_units", "contacts"
    )
    return {m.pk for m in measures if all(term_matches(m, term) for term in query.split())}


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_measures_whose_texts_departments_or_contacts_match_every_term(policy_data, query):
    found = list(Measure.objects.search(query).values_list("pk", flat=True))
    assert len(found) == len(set(found))
    assert set(found) == expected(query)


def test_the_queries_reach_measures_through_each_relation(policy_data):
    # Guards the table above: without a hit through each relation the comparison would prove less.
    own = Measure.objects.filter(text__contains="区财政局") | Measure.objects.filter(title__contains="区财政局")
    assert expected("区财政局") - set(own.values_list("pk", flat=True))
    assert expected("83926742") and expected("010-83926742") == expected("83926742")
    assert expected("门头沟区人力资源和社会保障局")


def test_it_searches_in_one_query_with_one_exists_per_relation_and_term(policy_data):
    with CaptureQueriesContext(connection) as queries:
        list(Measure.objects.search("区科信局 补贴 83926742"))
    [sql] = [query["sql"] for query in queries.captured_queries]
    assert "DISTINCT" not in sql and " IN (SELECT" not in sql
    assert sql.count("EXISTS") == 3 * 3
    for table in (
        "measures_measure_lead_departments",
        "measures_measure_responsible_units",
        "measures_measure_contacts",
    ):
        assert sql.count(f'JOIN "{table}"') == 3  # once per term, inside its EXISTS
    outer = re.sub(r"EXISTS\(.*?LIMIT 1\)", "EXISTS(…)", sql)
    assert "contacts_" not in outer and "measures_measure_" not in outer


def test_the_library_page_lists_what_the_search_finds(client, policy_data):
    response = client.get(reverse("measures:library"), {"q": "区科信局 补贴"})
    assert {m.pk for m in response.context["page_obj"].paginator.object_list} == expected("区科信局 补贴")
