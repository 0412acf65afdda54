"""Junk in the admin's query strings and paths answers with a page (200, a redirect, 400 or 404), never a server
error (issue 23: `/library/?q=%00`, the queue's search with an unbalanced quote, `?status=a%00b`,
`?submitted_year=9…9` and `/admin/applications/application/abc/change/` answered 500).

Hypothesis sends arbitrary values (tests/fuzz/strategies.py) for every filter, the search, the ordering and the page
of every model's list in the admin, and arbitrary object ids to every model's change, history and delete pages.
"""

from functools import cache
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

import portal.urls  # noqa: F401  (registers every ModelAdmin)
from accounts.models import StaffRole
from contacts.models import Department
from measures.models import District
from tests.factories import StaffUserFactory
from tests.fuzz.strategies import FUZZ, ODD_NUMBERS, VALUES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hypothesis_prints_examples")]

QUEUE = "/admin/applications/application/"
ANSWERED = {200, 302, 400, 403, 404}  # a page, a redirect, a refusal
MODELS = sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)
# The admin's own parameters of a list: search, ordering, page, "show all", errors, popups and raw-id lookups.
LIST_PARAMETERS = ["q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters"]


@pytest.fixture
def reviewer(policy_data):
    chaoyang = District.objects.get(name="朝阳区")
    return StaffUserFactory(
        role=StaffRole.REVIEWER, department=Department.objects.get(district=chaoyang, name="区人力社保局")
    )


@pytest.fixture
def superuser(policy_data):
    return StaffUserFactory(is_superuser=True)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/library/", {"q": "\x00"}),
        (QUEUE, {"q": '"北京'}),
        (QUEUE, {"q": "'"}),
        (QUEUE, {"status": "a\x00b"}),
        (QUEUE, {"submitted_year": "99999999999999999999"}),
        ("/admin/applications/application/abc/change/", {}),
    ],
)
@pytest.mark.parametrize("who", ["reviewer", "superuser"])
def test_the_reported_junk_answers_without_a_server_error(client, request, who, path, query):
    client.force_login(request.getfixturevalue(who))
    response = client.get(path, query)
    assert response.status_code in ANSWERED
    if "\x00" in str(query):
        assert response.status_code == 400 and "请求无法处理" in response.content.decode()


def test_an_unbalanced_quote_searches_for_the_rest(client, reviewer, policy_data):
    client.force_login(reviewer)
    response = client.get(QUEUE, {"q": '"北京'})
    assert response.status_code == 200 and response.context["cl"].query == '"北京'


def changelist(label: str) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@cache
def filter_parameters(label: str, client) -> list[str]:
    """The query parameters of the list's filters, as the admin itself names them."""
    response = client.get(changelist(label))
    assert response.status_code == 200, label
    cl = response.context["cl"]
    return sorted({name for spec in cl.filter_specs for name in spec.expected_parameters()})


def query_strings(names: list[str]):
    values = st.one_of(VALUES, ODD_NUMBERS, st.sampled_from(["1", "2020", "-1", "0", "x", "id", "-pk", "1.2"]))
    return st.dictionaries(st.sampled_from(names + LIST_PARAMETERS), values, max_size=4)


@settings(FUZZ, max_examples=120)
@given(data=st.data(), label=st.sampled_from(MODELS))
def test_every_admin_list_answers_any_query_string(client, superuser, data, label):
    client.force_login(superuser)
    query = data.draw(query_strings(filter_parameters(label, client)), label="query")
    assert client.get(changelist(label), query).status_code in ANSWERED


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_the_reviewers_queue_answers_any_query_string(client, reviewer, data):
    client.force_login(reviewer)
    query = data.draw(query_strings(filter_parameters("applications.application", client)), label="query")
    assert client.get(QUEUE, query).status_code in ANSWERED


@settings(FUZZ, max_examples=80)
@given(
    label=st.sampled_from(MODELS),
    page=st.sampled_from(["change", "history", "delete"]),
    object_id=st.one_of(VALUES, st.sampled_from(["abc", "0", "-1", "9" * 30, "1.5", "1e3", " 1", "１"])),
)
def test_every_admin_object_page_answers_any_id(client, superuser, label, page, object_id):
    client.force_login(superuser)
    path = changelist(label) + quote(object_id or "x", safe="") + f"/{page}/"
    assert client.get(path).status_code in ANSWERED
