"""The staff's case page answers the first question of a review: who is applying and do they qualify, as submitted
and now; and every link on it opens for those who see the case."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_record_version
from applications.models import Application, Ban

pytestmark = pytest.mark.django_db


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


@pytest.fixture
def submitted(make_application, owner):
    """A case submitted with the profile of the day (version 1), after which the revenue drop was corrected."""
    version = profile_record_version(enterprise=owner.enterprise, user=owner)
    application = make_application("submitted", profile_version=version, submitted_at=timezone.now())
    owner.enterprise.revenue_change = Decimal("-50")
    owner.enterprise.save()
    return application


def page(client, user, application):
    client.force_login(user)
    response = client.get(change_url(application))
    assert response.status_code == 200
    return response


def test_it_shows_the_profile_as_submitted_under_the_forms_labels_not_as_a_version_number(client, reviewer, submitted):
    html = page(client, reviewer, submitted).content.decode()
    assert "v1" not in re.sub(r"<[^>]+>", "", html.split('id="applicant"')[1].split("</section>")[0])
    tested = html.split('id="tested-figures"')[1].split("</table>")[0]
    assert "2020年2-4月营业收入同比变化（%）" in tested
    assert "-85" in tested and "-50" in tested and "（已变更）" in tested


def test_it_gives_the_sme_size_and_why(client, reviewer, submitted):
    tested = page(client, reviewer, submitted).content.decode().split('id="tested-figures"')[1].split("</table>")[0]
    assert "小型" in tested
    assert "工信部联企业〔2011〕300号" in tested


def test_each_condition_is_met_at_submission_and_not_met_now_with_its_clause(client, reviewer, submitted):
    response = page(client, reviewer, submitted)
    [row] = [r for r in response.context["panel"].conditions if "下降" in r.label]
    assert (row.then.outcome, row.now.outcome) == ("met", "failed")
    assert "80%（含）以上" in row.quote
    assert "营业收入同比变化-50.00%，未达到下降80%。" in response.content.decode()


def test_it_shows_the_ban_and_the_other_cases_of_the_district(
    client, reviewer, submitted, make_application, district_admin, chaoyang
):
    from measures.models import Measure

    jobs = Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")
    earlier = make_application("disbursed", measure=jobs, approved_amount=Decimal("9000.00"))
    other = make_application(
        "submitted", measure=Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="3.")
    )
    today = timezone.localdate()
    Ban.objects.create(
        enterprise=submitted.enterprise, district=chaoyang, starts_on=today, ends_on=today.replace(year=today.year + 3),
        decision_number="朝阳区决定〔2026〕9号", decision_date=today, reason="虚报培训人数。", clause_quote="三年内不准",
        created_by=district_admin,
    )  # fmt: skip
    html = page(client, reviewer, submitted).content.decode()
    history = html.split('id="history"')[1].split("</table>")[0]
    # 2号 9. is led by the reviewer's department: its page opens; 8号 3. is not, and is not a link.
    assert f'href="{change_url(earlier)}"' in history and "9,000.00" in history
    assert other.reference in history and f'href="{change_url(other)}"' not in history
    assert "朝阳区决定〔2026〕9号" in html.split('id="sanctions"')[1]


def links(html: str) -> set[str]:
    return {
        href
        for href in re.findall(r'href="([^"#]+)"', html)
        if not href.startswith(("/static/", "http")) and "logout" not in href
    }


@pytest.mark.parametrize("role", ["reviewer", "district_admin", "auditor"])
def test_every_link_on_the_case_page_opens_for_those_who_see_the_case(client, request, role, submitted):
    user = request.getfixturevalue(role)
    found = links(page(client, user, submitted).content.decode())
    assert reverse("admin:applications_application_enterprise", args=[submitted.pk]) in found
    for href in found:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code in (200, 302), (href, response.status_code)
        if response.status_code == 302:
            assert "/login/" not in response["Location"], href


def test_the_enterprise_page_opens_for_staff_of_the_case_and_not_for_another_district(
    client, reviewer, other_finance, submitted
):
    url = reverse("admin:applications_application_enterprise", args=[submitted.pk])
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert submitted.enterprise.credit_code in response.content.decode()
    client.force_login(other_finance)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("view", ["enterprise", "materials", "criteria", "assign"])
def test_a_mentougou_reviewer_cannot_reach_a_chaoyang_case(client, mtg_reviewer, submitted, view):
    client.force_login(mtg_reviewer)
    url = reverse(f"admin:applications_application_{view}", args=[submitted.pk])
    response = client.get(url) if view == "enterprise" else client.post(url, {"assignee": mtg_reviewer.pk})
    assert response.status_code == 404
    assert Application.objects.get(pk=submitted.pk).assigned_to is None


def test_to_a_mentougou_reviewer_the_chaoyang_case_page_does_not_exist(client, mtg_reviewer, submitted):
    client.force_login(mtg_reviewer)
    response = client.get(change_url(submitted))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_it_reads_the_enterprises_bans_and_the_measures_conditions_once(
    client, reviewer, submitted, district_admin, chaoyang, mentougou
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    for district, start in [(chaoyang, today.replace(year=today.year - 4)), (mentougou, today)]:
        Ban.objects.create(
            enterprise=submitted.enterprise, district=district, starts_on=start,
            ends_on=start.replace(year=start.year + 3), decision_number=f"{district.name}决定〔2026〕1号",
            decision_date=start, reason="虚报培训人数。", clause_quote="三年内不准", created_by=district_admin,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        html = page(client, reviewer, submitted).content.decode()
    read = [q["sql"] for q in queries.captured_queries]
    # The bans: once for the warning at the top of an open case, once for the panel (then, now and the list).
    assert sum('FROM "applications_ban"' in sql for sql in read) == 2
    assert sum('FROM "measures_measurecondition"' in sql for sql in read) == 1
    sanctions = html.split('id="sanctions"')[1].split("</table>")[0]
    assert "朝阳区决定〔2026〕1号" in sanctions and "门头沟区决定〔2026〕1号" not in sanctions


def test_the_enterprises_other_cases_are_read_with_only_what_the_panel_shows(
    client, reviewer, submitted, make_application
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.models import Measure

    jobs = Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")
    earlier = make_application("disbursed", measure=jobs, approved_amount=Decimal("9000.00"))
    with CaptureQueriesContext(connection) as queries:
        html = page(client, reviewer, submitted).content.decode()
    history = html.split('id="history"')[1].split("</table>")[0]
    assert earlier.reference in history and "9,000.00" in history and "朝政办发〔2020〕2号 9." in history
    [others] = [q["sql"] for q in queries.captured_queries if q["sql"].endswith("LIMIT 50")]
    assert '"inputs"' not in others and '"measures_measure"."text"' not in others
