import pytest
from django.urls import reverse

from measures.models import District
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def profile_data(**changes):
    mentougou = District.objects.get(slug="mentougou")
    data = {
        "name": "北京门城科技有限公司",
        "contact_person": "王经理",
        "email": "wang@example.cn",
        "mobile": "13800138000",
        "industry": "工业",
        "employees": "150",
        "revenue": "1800",
        "total_assets": "900",
        "figures_year": "2025",
        "registered_district": mentougou.pk,
        "tax_district": mentougou.pk,
        "stats_district": mentougou.pk,
        "ownership": "non_state",
        "founded_on": "2021-03-01",
        "certifications-TOTAL_FORMS": "1",
        "certifications-INITIAL_FORMS": "0",
        "certifications-0-kind": "innovative_sme",
        "certifications-0-level": "",
        "certifications-0-certified_on": "2024-06-01",
    }
    return {**data, **changes}


@pytest.fixture
def user(client, policy_data):
    user = EnterpriseUserFactory()
    client.force_login(user)
    return user


def test_it_shows_the_sme_size_with_its_reason_after_the_profile_is_filled(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "小型" in page and "工信部联企业〔2011〕300号" in page
    assert "北京门城科技有限公司" in page and "创新型中小企业" in page


def test_it_keeps_every_change_as_a_version(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data())
    client.post(
        reverse("accounts:profile_edit"),
        profile_data(employees="320", revenue="2500", **{"certifications-TOTAL_FORMS": "0"}),
    )
    versions = list(user.enterprise.profile_versions.order_by("number"))
    assert [v.data["employees"] for v in versions[-2:]] == [150, 320]
    assert versions[-1].data["sme_size"] == "medium" and "employees" in versions[-1].changed_fields


def test_a_failed_validation_keeps_everything_typed(client, user):
    response = client.post(reverse("accounts:profile_edit"), profile_data(employees="-5", revenue="很多"))
    page = response.content.decode()
    assert response.status_code == 200 and "北京门城科技有限公司" in page and "很多" in page
    assert "您填写的内容都已保留" in page
    user.enterprise.refresh_from_db()
    assert user.enterprise.employees is None


def test_the_enterprise_cannot_set_staff_only_fields(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data(on_dishonesty_list="on"))
    user.enterprise.refresh_from_db()
    assert user.enterprise.name == "北京门城科技有限公司" and not user.enterprise.on_dishonesty_list


def test_the_enterprise_sees_a_staff_finding_on_its_profile(client, user):
    user.enterprise.on_dishonesty_list = True
    user.enterprise.save()
    assert "列入严重违法失信名单" in client.get(reverse("accounts:profile")).content.decode()


def test_a_second_enterprise_sees_only_its_own_data(client, policy_data):
    first, second = EnterpriseUserFactory(), EnterpriseUserFactory()
    client.force_login(first)
    client.post(reverse("accounts:profile_edit"), profile_data(name="第一家企业"))
    client.force_login(second)
    for name in ["accounts:profile", "accounts:profile_history", "accounts:team", "accounts:profile_edit"]:
        assert "第一家企业" not in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize(
    "name", ["accounts:profile", "accounts:profile_edit", "accounts:profile_history", "accounts:team"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_same_certification_twice_is_refused_with_a_message(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data())
    response = client.post(reverse("accounts:profile_edit"), profile_data())
    assert response.status_code == 200 and "同一资质和级别只需填写一次" in response.content.decode()
    assert user.enterprise.certifications.count() == 1


def test_a_forged_number_of_certification_rows_is_refused_with_a_message(client, user):
    # A browser sends one row per certification; a script claiming 2000 rows gets an error, not minutes of work.
    response = client.post(reverse("accounts:profile_edit"), profile_data(**{"certifications-TOTAL_FORMS": "2000"}))
    page = response.content.decode()
    assert response.status_code == 200 and "请最多提交 30 个表单" in page and "北京门城科技有限公司" in page
    assert user.enterprise.certifications.count() == 0
