"""The staff home (/admin/): each person's queue by stage, overdue cases, cases assigned to them, objections to
examine and the charts, for the cases they see (reviewers: their measures; administrators and auditors: their
district; superusers: all)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.dashboard.figures import compute
from applications.models import Application, Objection
from applications.workflow import apply_transition
from measures.models import Measure
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(days=40)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def case(measure, status, **fields):
    owner = EnterpriseUserFactory()
    return ApplicationFactory(created_by=owner, enterprise=owner.enterprise, measure=measure, status=status, **fields)


@pytest.fixture
def cases(measure, mentougou, reviewer):
    """Chaoyang: three submitted cases of 8号 16. (区人力社保局), one of them waiting 40 days; one under review
    assigned to the reviewer; one in 公示 with an objection; one returned past its deadline; one submitted case of
    8号 3. (区发展改革委). Mentougou: one submitted case."""
    other_measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="3.")
    mentougou_measure = Measure.objects.get(document__key="mentougou-hr-2020-02-18", key="px-1")
    made = {
        "new": [case(measure, "submitted"), case(measure, "submitted")],
        "old": case(measure, "submitted", status_changed_at=LONG_AGO),
        "assigned": case(measure, "under_review", assigned_to=reviewer, estimate_amount=Decimal("12000.00")),
        "publicity": case(measure, "publicity", proposed_amount=Decimal("12000.00"), publicity_ends_on=TODAY),
        "late": case(measure, "returned", correction_due_on=TODAY - datetime.timedelta(days=2)),
        "other_department": case(other_measure, "submitted"),
        "mentougou": case(mentougou_measure, "submitted"),
    }
    Objection.objects.create(application=made["publicity"], name="王先生", contact="13712345678", text="人数不实")
    return made


def home_of(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def stage(response, status) -> int:
    return next(s["count"] for s in response.context["home_stages"] if s["status"] == status)


def test_a_reviewer_sees_the_measures_their_department_leads(client, cases, reviewer):
    response = home_of(client, reviewer)
    home = response.context["staff_home"]
    assert stage(response, "submitted") == 3 and stage(response, "under_review") == 1
    assert response.context["home_assigned"] == 1
    assert home.overdue_limit == 1 and home.overdue_deadline == 1 and home.objections_pending == 1
    page = response.content.decode()
    assert "我的工作台" in page and "待我处理" in page and "超过办理时限（5个工作日）" in page


@pytest.mark.parametrize("who", ["district_admin", "auditor"])
def test_an_administrator_or_auditor_sees_the_district(client, cases, request, who):
    response = home_of(client, request.getfixturevalue(who))
    assert stage(response, "submitted") == 4  # 8号 3.'s case too, not Mentougou's
    assert response.context["home_assigned"] is None and response.context["staff_home"].objections_pending == 1


def test_finance_sees_the_cases_from_finance_review_on(client, cases, finance, make_application):
    make_application("finance_review")
    response = home_of(client, finance)
    assert stage(response, "submitted") == 0 and stage(response, "finance_review") == 1


def test_a_superuser_sees_every_district(client, cases):
    root = StaffUserFactory(is_superuser=True)
    assert stage(home_of(client, root), "submitted") == 5


def test_a_reviewer_of_another_district_sees_none_of_these(client, cases, mentougou):
    from tests.applications.conftest import department

    mtg = StaffUserFactory(role="reviewer", department=department(mentougou, "区人力社保局"))
    response = home_of(client, mtg)
    assert stage(response, "submitted") == 1 and response.context["staff_home"].objections_pending == 0


def test_the_charts_count_statuses_measures_amounts_and_waiting_days(client, cases, reviewer):
    apply_transition(
        application_id=cases["assigned"].pk,
        action="final_review_pass",
        actor=reviewer,
        amount=Decimal("9000"),
        comment="实际参训9人。",
    )
    charts = compute(reviewer).charts()
    assert dict(zip(charts["by_status"]["labels"], charts["by_status"]["counts"], strict=True))["已提交，待预审"] == 3
    assert charts["by_measure"]["counts"] == [6]  # every case of 8号 16. (the objection's and the returned one too)
    assert charts["amounts"]["months"][-1] == TODAY.strftime("%Y-%m") and charts["amounts"]["proposed"][-1] == "9000.00"
    waiting = dict(zip(charts["waiting_days"]["labels"], charts["waiting_days"]["days"], strict=True))
    assert waiting["已提交，待预审"] > 5  # the one waiting 40 days pulls the average up


def test_the_page_draws_its_charts_without_inline_script(client, cases, reviewer):
    page = home_of(client, reviewer).content.decode()
    assert 'id="staff-home-data"' in page and "vendor/chartjs/chart.umd.min.js" in page and "js/staff-home.js" in page
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, body[:80]


def test_the_waiting_filter_lists_the_cases_past_the_limit(client, cases, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_application_changelist") + "?waiting=over").content.decode()
    assert cases["old"].reference in page and cases["new"][0].reference not in page


def test_the_figures_cost_the_same_queries_at_any_size(cases, measure, district_admin, reviewer):
    with CaptureQueriesContext(connection) as few:
        compute(district_admin)
    for status in ["submitted", "under_review", "closed", "rejected", "publicity"] * 4:
        case(measure, status)
    apply_transition(
        application_id=cases["assigned"].pk,
        action="final_review_pass",
        actor=reviewer,
        amount=Decimal("1"),
        comment="核减。",
    )
    with CaptureQueriesContext(connection) as many:
        compute(district_admin)
    assert len(many) == len(few)


def test_the_figures_are_kept_a_few_minutes_per_scope(client, cases, reviewer, measure):
    first = stage(home_of(client, reviewer), "submitted")
    case(measure, "submitted")
    assert stage(home_of(client, reviewer), "submitted") == first  # from the cache
    cache.clear()
    assert stage(home_of(client, reviewer), "submitted") == first + 1


def test_staff_without_a_workflow_role_get_the_plain_index(client, db):
    helper = StaffUserFactory(role="")
    client.force_login(helper)
    response = client.get(reverse("admin:index"))
    assert "staff_home" not in response.context and "我的工作台" not in response.content.decode()
    assert Application.objects.count() == 0
