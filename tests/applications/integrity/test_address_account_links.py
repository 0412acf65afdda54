"""Integrity links on the registered address and the bank account: compared in a normalised form, found at
submission, shown to the reviewer; the enterprise keeps both on its profile (and in each version)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.contact_keys import address_key, bank_account_key
from accounts.models import Enterprise
from applications.models import IntegrityLink, IntegrityLinkKind
from applications.workflow.transitions import apply_transition
from tests.accounts.test_profile import profile_data
from tests.factories import EnterpriseFactory

ADDRESS = "北京市朝阳区望京街10号院2号楼3层301室"
ACCOUNT = "0200 0045 0902 0123 456"


@pytest.fixture
def applicant(owner):
    enterprise = owner.enterprise
    enterprise.contact_person, enterprise.mobile, enterprise.email = "李强", "13911112222", "li.qiang@example.cn"
    enterprise.registered_address, enterprise.bank_account = ADDRESS, ACCOUNT
    enterprise.save()
    return enterprise


def other(**fields):
    """Another enterprise that shares no contact detail with the applicant."""
    n = Enterprise.objects.count()
    defaults = {"contact_person": "赵敏", "mobile": f"1370000{n:04d}", "email": f"other{n}@example.org"}
    return EnterpriseFactory(**{**defaults, **fields})


def submit(make_application, owner):
    return apply_transition(application_id=make_application().pk, action="submit", actor=owner)


def links_of(case) -> set[tuple[int, str]]:
    return set(IntegrityLink.objects.filter(application=case).values_list("other_id", "kind"))


@pytest.mark.parametrize(
    ("typed", "same"),
    [
        ("朝阳区望京街１０号院２号楼３层３０１室", True),  # full-width digits, no 北京市
        ("北京 朝阳区 望京街10号院-2号楼 3层 301室", True),  # spaces and a hyphen
        ("中国北京市朝阳区望京街10号院2号楼3层301室。", True),
        ("北京市朝阳区望京街10号院2号楼3层302室", False),  # the next door
    ],
)
def test_an_address_is_compared_whatever_the_typing(typed, same):
    assert (address_key(typed) == address_key(ADDRESS)) is same


def test_an_address_too_short_to_place_a_firm_is_not_compared():
    assert address_key("北京市朝阳区") == "" and address_key("") == ""


def test_an_account_number_is_compared_as_its_digits():
    assert bank_account_key("0200-0045 0902 0123 456") == bank_account_key("０２００００４５０９０２０１２３４５６")
    assert bank_account_key(ACCOUNT) == "0200004509020123456"


def test_the_same_address_typed_otherwise_is_an_address_link(make_application, owner, applicant):
    same = other(registered_address="朝阳区 望京街１０号院２号楼３层３０１室")
    other(registered_address="北京市朝阳区望京街10号院2号楼3层302室")
    case = submit(make_application, owner)
    assert links_of(case) == {(same.pk, IntegrityLinkKind.ADDRESS)}
    assert IntegrityLink.objects.get(application=case).value == ADDRESS


def test_the_same_bank_account_is_a_bank_account_link(make_application, owner, applicant):
    same = other(bank_account="0200-0045-0902-0123-456")
    other(bank_account="0200004509020123457")
    case = submit(make_application, owner)
    assert links_of(case) == {(same.pk, IntegrityLinkKind.BANK_ACCOUNT)}
    assert IntegrityLink.objects.get(application=case).value == "0200004509020123456"


def test_an_applicant_without_address_or_account_links_to_nobody_by_them(make_application, owner):
    other(registered_address="", bank_account="")
    case = submit(make_application, owner)
    assert not IntegrityLink.objects.filter(application=case).exists()


def test_the_reviewer_sees_address_and_account_links_on_the_case_page(
    client, make_application, owner, applicant, reviewer
):
    other(name="北京同址同户有限公司", registered_address=ADDRESS, bank_account=ACCOUNT)
    case = submit(make_application, owner)
    client.force_login(reviewer)
    page = client.get(reverse("admin:applications_application_change", args=[case.pk])).content.decode()
    assert "北京同址同户有限公司" in page and "同一注册地址" in page and "同一银行账号" in page
    assert "0200004509020123456" in page


def test_the_enterprise_keeps_its_address_and_account_on_its_profile_and_in_its_versions(client, owner):
    client.force_login(owner)
    data = profile_data(registered_address=ADDRESS, bank_name="中国工商银行北京望京支行", bank_account=ACCOUNT)
    client.post(reverse("accounts:profile_edit"), data)
    owner.enterprise.refresh_from_db()
    assert owner.enterprise.bank_account == "0200004509020123456"
    assert owner.enterprise.address_key == address_key(ADDRESS)
    latest = owner.enterprise.profile_versions.order_by("-number").first()
    assert latest.data["registered_address"] == ADDRESS and latest.data["bank_account"] == "0200004509020123456"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ADDRESS in page and "中国工商银行北京望京支行 0200004509020123456" in page


def test_an_account_with_letters_is_refused_with_a_message(client, owner):
    client.force_login(owner)
    page = client.post(reverse("accounts:profile_edit"), profile_data(bank_account="工行望京")).content.decode()
    assert "银行账号应为8至30位数字" in page
    owner.enterprise.refresh_from_db()
    assert owner.enterprise.bank_account == ""


def test_the_address_and_account_comparisons_use_indexes(db):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    for queryset in (
        Enterprise.objects.filter(address_key="朝阳区望京街10号"),
        Enterprise.objects.filter(bank_account="1"),
    ):
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX accounts_enterprise_" in plan, plan


def test_a_version_from_before_the_new_fields_does_not_count_them_as_changed():
    from accounts.services import profile_changed_fields

    before = {"name": "甲", "park": ""}
    after = {"name": "甲", "park": "", "registered_address": "", "bank_name": "", "bank_account": ""}
    assert profile_changed_fields(before, after) == []
    assert profile_changed_fields(before, {**after, "bank_account": "0200004509020123456"}) == ["bank_account"]
