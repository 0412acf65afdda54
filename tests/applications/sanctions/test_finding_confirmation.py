"""A fraud finding is recorded only after a page shows what it will do; its clause is prefilled where a district's
documents state one."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import FraudFinding
from applications.sanctions.findings import district_sanction_clause
from measures.models import District, PolicyDocument
from tests.applications.sanctions.test_sanctions import disbursed, finding_form, monday_morning  # noqa: F401
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def post_finding(user, application, **fields):
    browser = Client()
    browser.force_login(user)
    data = {k: v for k, v in finding_form(application, **fields).items() if k != "_confirmed"}
    return browser.post(reverse("admin:applications_fraudfinding_add"), data)


def test_recording_a_finding_first_shows_what_will_happen_and_saves_nothing(district_admin, disbursed):  # noqa: F811
    response = post_finding(district_admin, disbursed)
    assert response.status_code == 200
    html = response.content.decode()
    consequences = html.split('id="finding-consequences"', 1)[1].split("</ol>", 1)[0]
    assert "已撤销" in consequences
    assert "12,000.00 元" in consequences and "2026-12-20" in consequences
    assert "2026-11-20 至 2029-11-19" in consequences
    assert 'name="_confirmed"' in html
    assert not FraudFinding.objects.exists()


def test_the_confirmed_finding_is_saved(district_admin, disbursed, django_capture_on_commit_callbacks):  # noqa: F811
    browser = Client()
    browser.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("admin:applications_fraudfinding_add"), finding_form(disbursed))
    assert response.status_code == 302
    assert FraudFinding.objects.get().application == disbursed


def test_going_back_from_the_confirmation_keeps_what_was_typed(district_admin, disbursed):  # noqa: F811
    response = post_finding(district_admin, disbursed, _edit="返回修改")
    assert response.status_code == 302
    form = Client()
    form.force_login(district_admin)
    html = form.get(response["Location"]).content.decode()
    assert "虚报培训人数，伪造签到表。" in html
    assert not FraudFinding.objects.exists()


@pytest.mark.parametrize("slug", ["mentougou", "haidian"])
def test_the_clause_is_prefilled_for_a_district_whose_documents_state_it(policy_data, slug):
    district = District.objects.get(slug=slug)
    admin = StaffUserFactory(role="district_admin", staff_district=district)
    browser = Client()
    browser.force_login(admin)
    html = browser.get(reverse("admin:applications_fraudfinding_add")).content.decode()
    assert "弄虚作假骗取奖励补贴政策的企业，除将奖励补贴资金全额收缴外，三年内不准其申请区内各类补贴奖励资金" in html


def test_a_clause_printed_only_in_a_documents_general_provisions_is_found(policy_data):
    chaoyang = District.objects.get(slug="chaoyang")
    assert district_sanction_clause(chaoyang.pk) == ""  # Chaoyang's two documents state none
    PolicyDocument.objects.create(
        key="cy-test",
        title="朝阳区某项资金管理办法",
        district=chaoyang,
        general_provisions="第十条 对弄虚作假骗取资金的单位，全额收缴已拨付资金，三年内不得申请区级资金。第十一条 本办法自印发之日起施行。",
    )
    assert district_sanction_clause(chaoyang.pk) == (
        "第十条 对弄虚作假骗取资金的单位，全额收缴已拨付资金，三年内不得申请区级资金。"
    )
