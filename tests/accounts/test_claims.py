"""Credit-code claims: registering claims a code, unverified until a platform administrator has seen the business
licence; a wrong claimant is removed (its accounts deactivated, the code freed for the real enterprise)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ClaimReview, ClaimStatus, Enterprise, StaffRole, User
from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "credit_code": "91350100M000100Y43",
    "name": "北京某某科技有限公司",
    "contact_person": "张三",
    "email": "zhang@example.cn",
    "mobile": "13800138000",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.cn", "x-long-password")


@pytest.fixture
def admin_client(root):
    client = Client()
    client.force_login(root)
    return client


def claim_page(enterprise) -> str:
    return reverse("admin:accounts_enterprise_claim", args=[enterprise.pk])


def test_registering_claims_the_code_unverified_and_the_profile_says_so(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    enterprise = Enterprise.objects.get(credit_code=REGISTRATION["credit_code"])
    assert enterprise.claim_status == ClaimStatus.UNVERIFIED
    owner = EnterpriseUserFactory(enterprise=enterprise)
    client.force_login(owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "待核验" in page and "不能提交申请" in page


def test_an_administrator_verifies_the_claim_against_the_business_licence(admin_client, root):
    owner = EnterpriseUserFactory(enterprise__claim_status=ClaimStatus.UNVERIFIED)
    evidence = "营业执照副本原件核对，注册号、名称、法定代表人一致。"
    response = admin_client.post(claim_page(owner.enterprise), {"decision": "verified", "evidence": evidence})
    assert response.status_code == 302
    owner.enterprise.refresh_from_db()
    assert owner.enterprise.claim_status == ClaimStatus.VERIFIED
    review = ClaimReview.objects.get(enterprise=owner.enterprise)
    assert (review.decision, review.evidence, review.decided_by) == ("verified", evidence, root)
    change = admin_client.get(reverse("admin:accounts_enterprise_change", args=[owner.enterprise.pk]))
    assert evidence in change.content.decode()


def test_a_wrong_claimant_is_removed_and_the_real_enterprise_registers_the_code(admin_client, client):
    client.post(reverse("accounts:register"), REGISTRATION)
    squatter = Enterprise.objects.get(credit_code=REGISTRATION["credit_code"])
    squatter_owner = squatter.owner
    User.objects.filter(pk=squatter_owner.pk).update(is_active=True, email_confirmed=True)
    response = admin_client.post(
        claim_page(squatter), {"decision": "removed", "evidence": "真实企业持营业执照原件说明从未注册。"}
    )
    assert response.status_code == 302
    squatter.refresh_from_db()
    squatter_owner.refresh_from_db()
    assert squatter.claim_status == ClaimStatus.REMOVED
    assert not squatter_owner.is_active and not squatter_owner.has_usable_password()
    assert not client.login(username="zhang@example.cn", password=REGISTRATION["password1"])
    real = client.post(reverse("accounts:register"), {**REGISTRATION, "email": "real@example.cn"})
    assert real.status_code == 302
    assert Enterprise.objects.filter(credit_code=REGISTRATION["credit_code"]).count() == 2
    assert ClaimReview.objects.get(enterprise=squatter).decision == "removed"


def test_a_code_claimed_and_not_removed_cannot_be_registered_again_and_the_page_says_what_to_do(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    response = client.post(reverse("accounts:register"), {**REGISTRATION, "email": "real@example.cn"})
    assert (
        "该统一社会信用代码已注册" in response.content.decode() and "核验并撤销错误的认领" in response.content.decode()
    )


def test_a_claim_needs_its_evidence(admin_client):
    owner = EnterpriseUserFactory(enterprise__claim_status=ClaimStatus.UNVERIFIED)
    response = admin_client.post(claim_page(owner.enterprise), {"decision": "verified", "evidence": ""})
    owner.enterprise.refresh_from_db()
    assert response.status_code == 200 and owner.enterprise.claim_status == ClaimStatus.UNVERIFIED


def test_staff_cannot_decide_claims(policy_data, client):
    from measures.models import District

    district_admin = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=District.objects.get(name="朝阳区"))
    owner = EnterpriseUserFactory(enterprise__claim_status=ClaimStatus.UNVERIFIED)
    client.force_login(district_admin)
    response = client.post(claim_page(owner.enterprise), {"decision": "verified", "evidence": "看过了"})
    owner.enterprise.refresh_from_db()
    assert response.status_code == 403 and owner.enterprise.claim_status == ClaimStatus.UNVERIFIED
