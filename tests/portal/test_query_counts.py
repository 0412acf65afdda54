"""The pages the bench measures take the same number of queries whatever the number of cases (issue 7, bench/).

Each page is fetched at two data sizes made by the bench's own generator; the second has several times the cases
of the first and a reviewer's queue longer than the admin counts (CappedPaginator.cap, lowered here).
"""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Enterprise, User
from applications.admin import queue_filters
from applications.admin.cases import ApplicationAdmin
from applications.admin.pagination import CappedPaginator
from applications.models import Application, Event
from bench.generate import generate
from tests.conftest import require_service

pytestmark = pytest.mark.django_db

QUEUE = "/admin/applications/application/"
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def grow(policy_data, monkeypatch):
    require_service("PostgreSQL", connection.vendor == "postgresql", "the generator writes with COPY")
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    monkeypatch.setattr(ApplicationAdmin, "list_per_page", 20)
    seeds = iter(range(100))

    def grow(enterprises: int, applications: int) -> None:
        generate(enterprises=enterprises, applications=applications, seed=next(seeds), log=lambda message: None)

    return grow


def biggest_queue_reviewer() -> User:
    reviewers = User.objects.filter(username__startswith="bench-rev-")
    return max(reviewers, key=lambda user: user_queue(user).count())


def user_queue(user):
    from applications.workflow.permissions import applications_visible_to

    return applications_visible_to(user)


def busiest_enterprise_owner() -> User:
    return Enterprise.objects.annotate(n=Count("applications")).order_by("-n").first().owner


def fetch(client, user: User | None, path: str):
    client.logout()
    if user is not None:
        client.force_login(user)
    # What this process keeps between requests (the queue filters' choices) is read afresh for every page counted,
    # so that both sizes count the same work whichever test ran before.
    queue_filters.kept.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **HTTPS)
    assert response.status_code == 200, path
    return response, [query["sql"] for query in queries.captured_queries]


def query_difference(small: list[str], large: list[str]) -> str:
    """The queries one page made and the other did not, with their numbers replaced, for a failure's message."""
    shape = [re.sub(r"\b\d+\b", "N", sql) for sql in small], [re.sub(r"\b\d+\b", "N", sql) for sql in large]
    only_small = [sql for sql in shape[0] if shape[0].count(sql) > shape[1].count(sql)]
    only_large = [sql for sql in shape[1] if shape[1].count(sql) > shape[0].count(sql)]
    return "only in the smaller:\n" + "\n".join(only_small) + "\nonly in the larger:\n" + "\n".join(only_large)


def queue_paths(reviewer: User) -> dict[str, str]:
    measure = user_queue(reviewer).values_list("measure", flat=True).first()
    return {
        "first page": QUEUE,
        "by status": f"{QUEUE}?status__exact=submitted",
        "by measure and status": f"{QUEUE}?measure__id__exact={measure}&status__exact=under_review",
        "by year": f"{QUEUE}?submitted_year={timezone.localdate().year}",
    }


@pytest.mark.parametrize("page", ["first page", "by status", "by measure and status", "by year"])
def test_it_serves_the_reviewers_queue_with_the_same_queries_at_every_size(client, grow, page):
    grow(20, 150)
    reviewer = biggest_queue_reviewer()
    _small, small_queries = fetch(client, reviewer, queue_paths(reviewer)[page])
    grow(60, 1500)
    _large, large_queries = fetch(client, biggest_queue_reviewer(), queue_paths(biggest_queue_reviewer())[page])
    assert len(large_queries) == len(small_queries)


def test_it_pages_deep_into_the_queue_with_the_same_queries_and_offers_no_page_past_the_cap(client, grow):
    grow(20, 150)
    reviewer = biggest_queue_reviewer()
    first, _queries = fetch(client, reviewer, QUEUE)
    _small, small_queries = fetch(client, reviewer, f"{QUEUE}?p={first.context['cl'].paginator.num_pages}")
    grow(60, 1500)
    reviewer = biggest_queue_reviewer()
    assert user_queue(reviewer).count() > CappedPaginator.cap
    first, _queries = fetch(client, reviewer, QUEUE)
    last = first.context["cl"].paginator.num_pages
    assert last == 5  # 100 counted, 20 a page
    deep, large_queries = fetch(client, reviewer, f"{QUEUE}?p={last}")
    assert len(large_queries) == len(small_queries)
    assert "只能翻到前 100 件" in deep.content.decode()


def test_it_never_counts_or_skips_the_whole_queue(client, grow):
    grow(60, 1500)
    reviewer = biggest_queue_reviewer()
    for path in queue_paths(reviewer).values():
        _response, queries = fetch(client, reviewer, path)
        counts = [sql for sql in queries if "COUNT(" in sql and '"applications_application"' in sql]
        assert counts and all("LIMIT 101" in sql for sql in counts), counts
        # Nothing scans the queue for the filters' choices (distinct measures, years of a date hierarchy).
        assert not [sql for sql in queries if "DISTINCT" in sql or "DATE_TRUNC" in sql]
        offsets = [int(n) for sql in queries for n in re.findall(r"OFFSET (\d+)", sql)]
        assert all(offset < CappedPaginator.cap for offset in offsets)


def approver(kind: str) -> User:
    """The head of the biggest queue's department (made so), or its district's administrator."""
    reviewer = biggest_queue_reviewer()
    if kind == "admin":
        return User.objects.get(username=f"bench-adm-{reviewer.work_district_id}")
    User.objects.filter(pk=reviewer.pk).update(is_head=True)
    return User.objects.get(pk=reviewer.pk)


@pytest.mark.parametrize("kind", ["head", "admin"])
def test_it_lists_the_proposals_waiting_for_approval_with_the_same_queries_and_a_capped_count(client, grow, kind):
    grow(20, 150)
    _small, small_queries = fetch(client, approver(kind), f"{QUEUE}?approval=me")
    grow(60, 1500)
    person = approver(kind)
    user_queue(person).filter(status="reviewed").update(proposal_needs_approval=True, proposal_approved_by=None)
    large, large_queries = fetch(client, person, f"{QUEUE}?approval=me")
    assert len(large_queries) == len(small_queries)
    assert "待我同意：" in large.content.decode()
    counts = [sql for sql in large_queries if "COUNT(" in sql and '"applications_application"' in sql]
    assert counts and all("LIMIT 101" in sql for sql in counts), counts


def test_it_searches_the_queue_by_enterprise_name_or_reference_with_the_same_queries(client, grow):
    grow(20, 150)
    reviewer = biggest_queue_reviewer()
    case = user_queue(reviewer).select_related("enterprise").first()
    small, small_queries = fetch(client, reviewer, f"{QUEUE}?q={case.enterprise.name}")
    assert case.reference in small.content.decode()
    grow(60, 1500)
    by_reference, large_queries = fetch(client, reviewer, f"{QUEUE}?q={case.reference}")
    assert len(large_queries) == len(small_queries)
    assert list(by_reference.context["cl"].result_list) == [case]


def test_it_lists_an_enterprises_cases_with_the_same_queries_however_many_it_has(client, grow):
    grow(30, 40)
    small_owner = Enterprise.objects.annotate(n=Count("applications")).filter(n__gt=0).order_by("n").first().owner
    fetch(client, small_owner, "/applications/")  # the list of measures to apply for is kept after the first visit
    _small, small_queries = fetch(client, small_owner, "/applications/")
    grow(5, 400)
    large_owner = busiest_enterprise_owner()
    assert Application.objects.filter(enterprise=large_owner.enterprise).count() > 40
    large, large_queries = fetch(client, large_owner, "/applications/")
    assert len(large_queries) == len(small_queries)
    assert large.context["page_obj"].paginator.num_pages > 1


def test_it_matches_an_enterprise_with_the_same_queries_however_many_cases_there_are(client, grow):
    grow(10, 30)
    owner = busiest_enterprise_owner()
    _small, small_queries = fetch(client, owner, "/matching/")
    grow(50, 1500)
    large, large_queries = fetch(client, owner, "/matching/")
    assert len(large_queries) == len(small_queries)
    assert "符合条件" in large.content.decode()


def test_it_searches_the_library_with_the_same_queries_however_many_cases_there_are(client, grow):
    grow(10, 30)
    fetch(client, None, "/library/?q=补贴")  # the filter lists are kept rendered after the first visit
    small, small_queries = fetch(client, None, "/library/?q=补贴")
    grow(50, 1500)
    large, large_queries = fetch(client, None, "/library/?q=补贴")
    assert len(large_queries) == len(small_queries)
    assert small.context["paginator"].count == large.context["paginator"].count > 0


def test_the_health_check_answers_ok_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/", **HTTPS)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0


def _case_in(reviewer: User, status: str, *, most: bool):
    """The case of the reviewer's queue in that state with the most (or fewest) events and cases of its enterprise."""
    cases = (
        user_queue(reviewer)
        .filter(status=status)
        .annotate(events_n=Count("events", distinct=True), cases_n=Count("enterprise__applications", distinct=True))
    )
    order = ["-cases_n", "-events_n"] if most else ["cases_n", "events_n"]
    return cases.order_by(*order, "pk").first()


@pytest.mark.parametrize("which", [0, 1, 2])
def test_it_shows_a_case_to_its_reviewer_with_the_same_queries_however_much_history_there_is(client, grow, which):
    grow(20, 150)
    reviewer = biggest_queue_reviewer()
    # The three commonest states of the queue (a case page asks for more in some states: a ban, a finding).
    states = user_queue(reviewer).values("status").annotate(n=Count("id")).order_by("-n", "status")
    status = [row["status"] for row in states][which]
    small_case = _case_in(reviewer, status, most=False)
    # A worker's first page fills its process-wide caches (content types); a running portal has long done so.
    fetch(client, reviewer, f"{QUEUE}{small_case.pk}/change/")
    _small, small_queries = fetch(client, reviewer, f"{QUEUE}{small_case.pk}/change/")
    grow(20, 1500)  # the same enterprises with ten times the cases: more earlier awards, open cases, events
    large_case = _case_in(reviewer, status, most=True)
    assert large_case.cases_n > small_case.cases_n
    # And a longer history, each entry by another member of staff (the table names each one).
    staff = list(User.objects.filter(username__startswith="bench-rev-")[:8])
    for person in staff:
        Event(application=large_case, actor=person, action="note", action_label="备注", to_status=status).save()
    # And the people the page names: an assignee and the approver of a proposal above the engine's figure.
    Application.objects.filter(pk=large_case.pk).update(
        assigned_to=staff[0], proposal_needs_approval=True, proposal_approved_by=staff[1]
    )
    large, large_queries = fetch(client, reviewer, f"{QUEUE}{large_case.pk}/change/")
    assert len(large_queries) == len(small_queries), query_difference(small_queries, large_queries)
    assert large_case.reference in large.content.decode()
