"""Bans in the admin: read-only once recorded; a change of the end date is its own act with a document and a reason,
in the case's audit trail and told to the enterprise; a ban without a finding only against an enterprise of the
district, chosen by a search limited to the district."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Ban, BanAmendment, FraudFinding, Notice
from tests.factories import EnterpriseFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RULING = {"ends_on": (TODAY - datetime.timedelta(days=1)).isoformat(), "document_number": "（2026）京0105行初88号"}
RULING["reason"] = "法院判决撤销原处理决定。"


@pytest.fixture
def finding_ban(make_application, district_admin, chaoyang):
    """A ban made by a fraud finding on the owner's paid case."""
    case = make_application("disbursed")
    finding = FraudFinding.objects.create(
        application=case,
        evidence="伪造签到表。",
        decision_number="朝财监〔2026〕12号",
        decision_date=TODAY - datetime.timedelta(days=30),
        persons_responsible="赵某",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
        recovery_due_on=TODAY,
        recorded_by=district_admin,
    )
    return Ban.objects.create(
        enterprise=case.enterprise,
        district=chaoyang,
        starts_on=finding.decision_date,
        ends_on=finding.decision_date + datetime.timedelta(days=1094),
        decision_number=finding.decision_number,
        decision_date=finding.decision_date,
        reason="弄虚作假",
        clause_quote=finding.clause_quote,
        finding=finding,
        created_by=district_admin,
    )


def form(ban: Ban, **changes) -> dict:
    data = {
        "enterprise": ban.enterprise_id,
        "district": ban.district_id,
        "starts_on": ban.starts_on.isoformat(),
        "ends_on": ban.ends_on.isoformat(),
        "decision_number": ban.decision_number,
        "decision_date": ban.decision_date.isoformat(),
        "reason": ban.reason,
        "clause_quote": ban.clause_quote,
        "amendments-TOTAL_FORMS": "0",
        "amendments-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_a_ban_cannot_be_edited_in_its_change_form(client, finding_ban, district_admin):
    client.force_login(district_admin)
    url = reverse("admin:applications_ban_change", args=[finding_ban.pk])
    response = client.post(url, form(finding_ban, ends_on=TODAY.isoformat(), enterprise=EnterpriseFactory().pk))
    finding_ban.refresh_from_db()
    assert response.status_code == 403 and finding_ban.ends_on > TODAY and finding_ban.finding_id is not None
    page = client.get(url).content.decode()
    assert 'name="ends_on"' not in page and "变更禁止申请期限" in page


def test_an_amendment_records_the_document_and_reason_in_the_audit_trail_and_tells_the_enterprise(
    client, finding_ban, district_admin, owner, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:applications_ban_amend", args=[finding_ban.pk]), RULING)
    assert response.status_code == 302
    finding_ban.refresh_from_db()
    assert finding_ban.ends_on == TODAY - datetime.timedelta(days=1)
    assert not Ban.objects.active().filter(pk=finding_ban.pk).exists()
    amendment = BanAmendment.objects.get(ban=finding_ban)
    assert (amendment.document_number, amendment.amended_by) == (RULING["document_number"], district_admin)
    event = finding_ban.finding.application.events.get(action="ban_amend")
    assert event.actor == district_admin and RULING["document_number"] in event.comment and "法院判决" in event.comment
    [mail] = [m for m in mailoutbox if owner.email in m.to]
    assert RULING["document_number"] in mail.body and "法院判决撤销原处理决定" in mail.body
    history = client.get(reverse("admin:applications_ban_change", args=[finding_ban.pk])).content.decode()
    assert RULING["document_number"] in history


def test_every_amendment_of_a_ban_is_told(client, finding_ban, district_admin):
    client.force_login(district_admin)
    url = reverse("admin:applications_ban_amend", args=[finding_ban.pk])
    client.post(url, {**RULING, "ends_on": (TODAY + datetime.timedelta(days=100)).isoformat()})
    client.post(url, {**RULING, "ends_on": (TODAY + datetime.timedelta(days=50)).isoformat()})
    assert Notice.objects.filter(ban=finding_ban, kind="ban_changed").count() == 2
    assert BanAmendment.objects.filter(ban=finding_ban).count() == 2


def test_an_amendment_needs_a_document_and_a_reason_and_cannot_end_before_the_start(
    client, finding_ban, district_admin
):
    client.force_login(district_admin)
    url = reverse("admin:applications_ban_amend", args=[finding_ban.pk])
    assert client.post(url, {**RULING, "document_number": ""}).status_code == 200
    early = (finding_ban.starts_on - datetime.timedelta(days=1)).isoformat()
    page = client.post(url, {**RULING, "ends_on": early}).content.decode()
    assert "截止日不能早于禁止申请起始日" in page and not BanAmendment.objects.exists()


def test_only_the_districts_administrator_amends(client, finding_ban, finance, mentougou):
    other_admin = StaffUserFactory(role="district_admin", staff_district=mentougou)
    url = reverse("admin:applications_ban_amend", args=[finding_ban.pk])
    for user, status in ((finance, 403), (other_admin, 404)):
        client.force_login(user)
        assert client.post(url, RULING).status_code == status
    assert not BanAmendment.objects.exists()


def test_a_ban_without_a_finding_only_against_an_enterprise_of_the_district(
    client, district_admin, chaoyang, owner, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere = EnterpriseUserFactory().enterprise  # no district of registration, tax or statistics, no case
    draft = Ban(
        enterprise=elsewhere,
        district=chaoyang,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=365),
        decision_number="朝市监〔2026〕5号",
        decision_date=TODAY,
        reason="市场监管部门认定虚假申报",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )
    client.force_login(district_admin)
    url = reverse("admin:applications_ban_add")
    refused = client.post(url, form(draft))
    assert refused.status_code == 200 and "只能对本区企业" in refused.content.decode()
    assert not Ban.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, form(draft, enterprise=owner.enterprise_id))
    ban = Ban.objects.get()
    assert accepted.status_code == 302 and ban.enterprise == owner.enterprise and ban.created_by == district_admin
    assert any(owner.email in m.to and "朝市监〔2026〕5号" in m.body for m in mailoutbox)


def test_the_enterprise_field_is_a_search_of_the_districts_enterprises(client, district_admin, owner, reviewer):
    stranger = EnterpriseFactory(name="北京外区测试有限公司")
    client.force_login(district_admin)
    add_page = client.get(reverse("admin:applications_ban_add")).content.decode()
    assert owner.enterprise.name not in add_page and stranger.name not in add_page  # no list of every enterprise
    search = reverse("admin:applications_ban_enterprises")
    found = client.get(search, {"term": owner.enterprise.name[:6]}).json()["results"]
    assert [r["id"] for r in found] == [str(owner.enterprise_id)]
    assert client.get(search, {"term": "外区"}).json()["results"] == []
    client.force_login(reviewer)
    assert client.get(search, {"term": "北京"}).status_code == 403
