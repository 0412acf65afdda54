"""The reviewer's queue is served from the cache between changes, and never shows a page out of date or someone else's.

The pages are compared as a reviewer sees them (the statuses and references in the table); X-Queue-Cache tells
which responses came from the cache, so each test also proves the cache was in play.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from applications.workflow import apply_transition
from tests.conftest import clear_cache

pytestmark = pytest.mark.django_db


def another_enterprises_case(measure, status):
    from tests.factories import EnterpriseUserFactory

    owner = EnterpriseUserFactory()
    return Application.objects.create(enterprise=owner.enterprise, measure=measure, created_by=owner, status=status)


CHANGELIST = reverse("admin:applications_application_changelist")


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.QUEUE_CACHE_SECONDS = 60
    clear_cache()
    yield
    clear_cache()


def open_queue(client, params=None):
    response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200
    return response


def signed_in(client, user):
    client.force_login(user)
    open_queue(client)  # the first visit sets the CSRF cookie the page's action form is signed for
    return client


def test_a_second_look_is_served_from_the_cache(client, make_application, reviewer):
    case = make_application("submitted")
    signed_in(client, reviewer)
    first = open_queue(client)
    again = open_queue(client)
    assert case.reference in again.content.decode()
    assert again.get("X-Queue-Cache") == "hit"
    assert first.get("X-Queue-Cache") is None
    assert again.content == first.content
    # A hit reads of the cases only the district's latest change, through its index: nothing of the queue itself.
    with CaptureQueriesContext(connection) as queries:
        open_queue(client)
    of_cases = [q["sql"] for q in queries if '"applications_application"' in q["sql"]]
    assert len(of_cases) == 1 and 'MAX("updated_at")' in of_cases[0], of_cases


def test_a_change_by_a_colleague_shows_at_once(client, make_application, reviewer, other_reviewer):
    case = make_application("submitted")
    signed_in(client, reviewer)
    before = open_queue(client).content.decode()
    assert "待预审" in before
    apply_transition(application_id=case.pk, action="accept", actor=reviewer)
    after = open_queue(client)
    assert after.get("X-Queue-Cache") is None
    case.refresh_from_db()
    assert case.get_status_display() == "预审通过，终审中"
    assert case.get_status_display() in after.content.decode()


def test_a_new_submission_appears_on_the_next_look(client, make_application, reviewer, measure):
    make_application("submitted")
    signed_in(client, reviewer)
    open_queue(client)
    assert open_queue(client).get("X-Queue-Cache") == "hit"
    new = another_enterprises_case(measure, "submitted")
    page = open_queue(client)
    assert new.reference in page.content.decode()


def test_two_reviewers_never_share_a_page(client, make_application, reviewer, other_reviewer, measure):
    case = make_application("submitted")
    signed_in(client, reviewer)
    assert case.reference in open_queue(client).content.decode()
    client.logout()
    signed_in(client, other_reviewer)
    for _ in range(2):
        assert case.reference not in open_queue(client).content.decode()


def test_filters_and_pages_are_kept_apart(client, make_application, reviewer, measure):
    submitted = make_application("submitted")
    under_review = another_enterprises_case(measure, "under_review")
    signed_in(client, reviewer)
    for _ in range(2):
        only_submitted = open_queue(client, {"status__exact": "submitted"}).content.decode()
        only_reviewed = open_queue(client, {"status__exact": "under_review"}).content.decode()
        assert submitted.reference in only_submitted and under_review.reference not in only_submitted
        assert under_review.reference in only_reviewed and submitted.reference not in only_reviewed


def test_the_message_after_an_action_is_shown_and_the_table_is_current(client, make_application, reviewer, measure):
    first = make_application("submitted")
    second = another_enterprises_case(measure, "submitted")
    signed_in(client, reviewer)
    open_queue(client)
    assert open_queue(client).get("X-Queue-Cache") == "hit"
    data = {"action": "do_accept", "_selected_action": [first.pk, second.pk], "apply": "1", "comment": ""}
    data |= {f"seen_{case.pk}": case.audit_sequence for case in (first, second)}
    page = client.post(CHANGELIST, data, follow=True).content.decode()
    assert f"{first.reference}：已" in page
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "under_review"
    }
    # The message is shown once; the next look is the plain table, current.
    again = open_queue(client).content.decode()
    assert f"{first.reference}：已" not in again
    table = again.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    assert "已提交，待预审" not in table
    assert table.count("预审通过，终审中") == 2


def test_turned_off_every_look_is_rendered(client, make_application, reviewer, settings):
    settings.QUEUE_CACHE_SECONDS = 0
    make_application("submitted")
    signed_in(client, reviewer)
    assert open_queue(client).get("X-Queue-Cache") is None
    assert open_queue(client).get("X-Queue-Cache") is None


# Rows kept rendered between looks (queue_cache.rows): the first look after a change renders only what changed.


@pytest.fixture
def rendered_rows(monkeypatch, settings):
    """Turn the page cache off, so that every look builds the table; count the rows the admin renders."""
    from applications.admin import queue_cache

    settings.QUEUE_CACHE_SECONDS = 0
    settings.QUEUE_ROW_CACHE_SECONDS = 900
    calls = []
    real = queue_cache.row_writer

    def counting(cl):
        write = real(cl)

        def counted(obj):
            calls.append(obj.pk)
            return write(obj)

        return counted

    monkeypatch.setattr(queue_cache, "row_writer", counting)
    return calls


def table(response) -> str:
    return response.content.decode().split('id="result_list"', 1)[1].split("</table>", 1)[0]


def test_after_a_change_only_the_changed_row_is_rendered_again(
    client, make_application, reviewer, measure, rendered_rows, settings
):
    cases = [make_application("submitted"), *(another_enterprises_case(measure, "submitted") for _ in range(2))]
    signed_in(client, reviewer)
    assert sorted(rendered_rows) == sorted(c.pk for c in cases)  # the first look renders each row once
    rendered_rows.clear()
    assert open_queue(client) and rendered_rows == []  # every row kept
    apply_transition(application_id=cases[1].pk, action="accept", actor=reviewer)
    after = table(open_queue(client))
    assert rendered_rows == [cases[1].pk]
    assert after.count("预审通过，终审中") == 1 and after.count("已提交，待预审") == 2
    settings.QUEUE_ROW_CACHE_SECONDS = 0
    assert table(open_queue(client)) == after  # the same as a table rendered afresh


def test_a_renamed_enterprise_shows_on_the_next_rendered_look(client, make_application, reviewer, rendered_rows):
    case = make_application("submitted")
    signed_in(client, reviewer)
    open_queue(client)
    case.enterprise.name = "北京更名后科技有限公司"
    case.enterprise.save()
    assert "北京更名后科技有限公司" in table(open_queue(client))


def test_a_reader_without_actions_gets_rows_without_checkboxes(
    client, make_application, reviewer, auditor, rendered_rows
):
    make_application("submitted")
    signed_in(client, reviewer)
    assert 'class="action-select"' in table(open_queue(client))
    client.logout()
    signed_in(client, auditor)
    rows = table(open_queue(client))
    assert "已提交，待预审" in rows and 'class="action-select"' not in rows


def test_a_rows_link_keeps_the_filters_of_its_page(client, make_application, reviewer, rendered_rows):
    case = make_application("submitted")
    signed_in(client, reviewer)
    open_queue(client)
    filtered = table(open_queue(client, {"status__exact": "submitted"}))
    assert f"/{case.pk}/change/?_changelist_filters=status__exact%3Dsubmitted" in filtered


def test_rows_are_in_the_readers_language(client, make_application, reviewer, rendered_rows):
    make_application("submitted")
    signed_in(client, reviewer)
    assert "已提交，待预审" in table(open_queue(client))
    client.cookies["django_language"] = "en"
    english = table(open_queue(client))
    assert "已提交，待预审" not in english and "Submitted" in english


# Rows written directly (queue_cache.row_writer), not cell by cell through the admin's items_for_result.


def admins_own_rows(cl):
    from django.contrib.admin.templatetags.admin_list import items_for_result

    return lambda obj: "".join(items_for_result(cl, obj, None))


@pytest.mark.parametrize(
    ("reader", "params", "language"),
    [
        ("reviewer", {}, "zh-hans"),
        ("reviewer", {"status__exact": "returned", "o": "-2"}, "zh-hans"),
        ("reviewer", {}, "en"),
        ("auditor", {"q": "北京"}, "zh-hans"),
    ],
)
def test_rows_read_as_the_admins_own(client, measure, monkeypatch, settings, request, reader, params, language):
    import datetime
    from decimal import Decimal

    from applications.admin import queue_cache

    settings.QUEUE_CACHE_SECONDS = 0
    settings.QUEUE_ROW_CACHE_SECONDS = 0
    shown = [
        ("submitted", {"sampled": True, "estimate_amount": Decimal("1234567.89")}),
        ("returned", {"correction_due_on": datetime.date(2026, 12, 1)}),
        ("publicity", {"publicity_ends_on": datetime.date(2026, 12, 9), "proposed_amount": Decimal("5000")}),
        ("approved", {"submitted_at": datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)}),
    ]
    for status, fields in shown:
        Application.objects.filter(pk=another_enterprises_case(measure, status).pk).update(**fields)
    odd = another_enterprises_case(measure, "returned")
    odd.enterprise.name = '北京<b>"甲&乙"</b>科技'
    odd.enterprise.save()
    signed_in(client, request.getfixturevalue(reader))
    client.cookies["django_language"] = language
    written = table(open_queue(client, params))
    monkeypatch.setattr(queue_cache, "row_writer", admins_own_rows)
    assert written == table(open_queue(client, params))
    assert written.count("<tr") >= 2
