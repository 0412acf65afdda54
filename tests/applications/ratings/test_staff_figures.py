"""好差评 in the staff's figures: the staff home's chart and table per department, and the export's sheets per
department and per measure: 好评/中评/差评 and the 差评 still unanswered, for the cases the person may see."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import StaffRole
from applications.dashboard.figures import compute
from applications.models import Rectification
from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service
from measures.models import District
from tests.applications.conftest import department
from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rated(owner, make_application):
    """Four decided cases of 8号 16. (区人力社保局) rated 非常满意, 满意, 基本满意 and 非常不满意 (its task overdue)."""
    levels = [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.NEUTRAL, RatingLevel.VERY_DISSATISFIED]
    for level in levels:
        rate_service(application=make_application("closed"), user=owner, level=level)
    Rectification.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))


def test_the_reviewers_figures_count_the_departments_ratings_and_its_open_rectification(rated, reviewer):
    chart = compute(reviewer).by_rating
    assert chart == {"labels": ["区人力社保局"], "good": [2], "neutral": [1], "bad": [1], "open": [1]}


def test_a_reviewer_of_another_district_sees_no_ratings(rated, policy_data):
    mentougou = District.objects.get(name="门头沟区")
    stranger = StaffUserFactory(role=StaffRole.REVIEWER, department=department(mentougou, "区人力社保局"))
    assert compute(stranger).by_rating["labels"] == []


def test_the_staff_home_shows_the_ratings_table(client, rated, head):
    client.force_login(head)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="chart-ratings"' in page and "各部门服务评价" in page
    row = page.split('<th scope="row">区人力社保局</th>')[1].split("</tr>")[0]
    assert [cell.split(">")[1].split("<")[0] for cell in row.split("<td")[1:]] == ["2", "1", "1", "1"]


def test_the_export_has_the_ratings_per_department_and_per_measure(client, rated, district_admin, measure):
    client.force_login(district_admin)
    workbook = load_workbook(io.BytesIO(client.get(reverse("admin:applications_application_export")).content))
    by_department = list(workbook["服务评价（按部门）"].iter_rows(min_row=2, values_only=True))
    assert by_department == [("朝阳区", "区人力社保局", 2, 1, 1, 1, 1)]
    by_measure = list(workbook["服务评价（按政策措施）"].iter_rows(min_row=2, values_only=True))
    assert by_measure == [(f"{measure.citation} {measure.title}", 2, 1, 1, 1, 1)]


def test_an_answered_bad_rating_is_no_longer_open(rated, reviewer, head):
    from applications.ratings.services import record_response

    record_response(task=Rectification.objects.get(), user=head, response="已整改，压缩了办理时限。")
    chart = compute(reviewer).by_rating
    assert chart["bad"] == [1] and chart["open"] == [0]
