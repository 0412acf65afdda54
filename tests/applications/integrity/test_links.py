import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.integrity.links import linked_enterprises
from applications.models import Application, Ban, IntegrityLink, IntegrityLinkKind
from applications.workflow.transitions import apply_transition
from tests.factories import ApplicationFactory, EnterpriseFactory


@pytest.fixture
def applicant(owner):
    enterprise = owner.enterprise
    enterprise.contact_person, enterprise.mobile, enterprise.email = "李强", "13911112222", "Li.Qiang@example.cn"
    enterprise.save()
    return enterprise


def other(**fields) -> object:
    defaults = {"contact_person": "赵敏", "mobile": "13700000000", "email": "nobody@example.org"}
    return EnterpriseFactory(**{**defaults, **fields})


def submit(make_application, owner) -> Application:
    return apply_transition(application_id=make_application().pk, action="submit", actor=owner)


def links_of(case: Application) -> set[tuple[int, str]]:
    return set(IntegrityLink.objects.filter(application=case).values_list("other_id", "kind"))


def ban(enterprise, district) -> Ban:
    today = timezone.localdate()
    return Ban.objects.create(
        enterprise=enterprise,
        district=district,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=1000),
        decision_number="门财监〔2026〕3号",
        decision_date=today - datetime.timedelta(days=10),
        reason="弄虚作假",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )


def test_the_same_contact_person_on_the_same_mobile_is_a_representative_link(make_application, owner, applicant):
    same = other(contact_person="李强", mobile="13911112222")
    stranger = other()
    case = submit(make_application, owner)
    assert links_of(case) == {(same.pk, IntegrityLinkKind.REPRESENTATIVE)}
    assert stranger.pk not in {pk for pk, _ in links_of(case)}


def test_the_same_mobile_under_another_name_is_a_phone_link(make_application, owner, applicant):
    same = other(mobile="13911112222")
    case = submit(make_application, owner)
    assert links_of(case) == {(same.pk, IntegrityLinkKind.PHONE)}


def test_the_same_email_whatever_its_case_is_an_email_link(make_application, owner, applicant):
    same = other(email="li.qiang@EXAMPLE.cn")
    case = submit(make_application, owner)
    assert links_of(case) == {(same.pk, IntegrityLinkKind.EMAIL)}
    assert IntegrityLink.objects.get(application=case).value == "li.qiang@example.cn"


def test_a_linked_enterprise_banned_in_another_district_marks_the_case_for_verification(
    make_application, owner, applicant, mentougou
):
    banned = other(email="li.qiang@example.cn")
    ban(banned, mentougou)
    case = submit(make_application, owner)
    assert (banned.pk, IntegrityLinkKind.BANNED) in links_of(case)
    case.refresh_from_db()
    assert case.sampled is True
    assert "门头沟区" in IntegrityLink.objects.get(application=case, kind=IntegrityLinkKind.BANNED).value


def test_a_link_without_a_ban_leaves_the_case_unmarked(make_application, owner, applicant):
    other(email="li.qiang@example.cn")
    case = submit(make_application, owner)
    case.refresh_from_db()
    assert case.sampled is False


def test_a_resubmission_looks_again_and_stores_only_new_links(make_application, owner, applicant, reviewer):
    first = other(mobile="13911112222")
    case = submit(make_application, owner)
    apply_transition(application_id=case.pk, action="return_for_correction", actor=reviewer, comment="请补充材料")
    second = other(email="li.qiang@example.cn")
    apply_transition(application_id=case.pk, action="resubmit", actor=owner)
    assert links_of(case) == {(first.pk, IntegrityLinkKind.PHONE), (second.pk, IntegrityLinkKind.EMAIL)}
    assert IntegrityLink.objects.filter(application=case).count() == 2


def test_the_reviewer_sees_the_links_and_the_other_enterprises_cases_on_the_case_page(
    client, make_application, owner, applicant, reviewer, measure, mentougou
):
    banned = other(name="北京关联空壳有限公司", email="li.qiang@example.cn")
    ban(banned, mentougou)
    their_case = ApplicationFactory(enterprise=banned, measure=measure, status="submitted")
    case = submit(make_application, owner)
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_application_change", args=[case.pk])).content.decode()
    assert "北京关联空壳有限公司" in page and "关联企业处于禁止申请期" in page
    assert their_case.reference and their_case.reference in page


def test_the_other_cases_a_reviewer_may_not_open_are_listed_without_a_link(
    make_application, owner, applicant, reviewer, mentougou
):
    from measures.models import Measure

    mtg_measure = Measure.objects.filter(document__district=mentougou).first()
    linked = other(email="li.qiang@example.cn")
    elsewhere = ApplicationFactory(enterprise=linked, measure=mtg_measure, status="submitted")
    case = submit(make_application, owner)
    [entry] = linked_enterprises(case, reviewer)
    assert entry.cases == [elsewhere] and elsewhere.pk not in entry.visible


def test_the_comparisons_use_the_enterprises_indexes(db, applicant):
    from django.db import connection
    from django.db.models.functions import Lower

    from accounts.models import Enterprise

    if connection.vendor != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    for queryset in (
        Enterprise.objects.filter(mobile="13911112222"),
        Enterprise.objects.annotate(email_lower=Lower("email")).filter(email_lower="li.qiang@example.cn"),
    ):
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING INDEX accounts_enterprise_" in plan, plan
