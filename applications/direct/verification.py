"""The verified figures 免申即享 lists are drawn from: a member of staff's verification of an enterprise's profile.

What an enterprise types into its profile is its own statement. Before the portal offers money on it, a district
administrator or a reviewer of a district the enterprise is registered, taxed or counted in compares the profile
with evidence (tax returns, the statistics office's figures, certificates) and records that they did: the profile as
it stands is kept as a ProfileVersion (accounts.services.profile_record_version) and the verification names it. A
list uses each enterprise's latest verified version; what the enterprise changes afterwards counts only once it is
verified again. Only an enterprise whose claim to its credit code the platform has verified can be verified.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.credit_code import normalize_credit_code
from accounts.models import ClaimStatus, Enterprise, StaffRole, User
from accounts.services import profile_record_version

from ..models import ProfileVerification

VERIFIERS = {StaffRole.DISTRICT_ADMIN, StaffRole.REVIEWER}


def enterprises_of_district(district_id: int) -> QuerySet[Enterprise]:
    """Return the enterprises registered, taxed or counted in the district (whose claims are not removed)."""
    tied = Q(registered_district_id=district_id) | Q(tax_district_id=district_id) | Q(stats_district_id=district_id)
    return Enterprise.objects.filter(tied).exclude(claim_status=ClaimStatus.REMOVED)


def may_verify(user: User | None) -> bool:
    """Return whether the person may verify profiles: a district administrator or a reviewer of a district."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.role in VERIFIERS
        and user.work_district_id
    )


def verifications_visible_to(user: User | None) -> QuerySet[ProfileVerification]:
    """Return the verifications a member of staff sees: those of the enterprises of their district (all for the
    superuser and an auditor of the whole city)."""
    qs = ProfileVerification.objects.all()
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return qs.none()
    if user.is_superuser or (user.role == StaffRole.AUDITOR and not user.work_district_id):
        return qs
    if not (user.role and user.work_district_id):
        return qs.none()
    return qs.filter(enterprise__in=enterprises_of_district(user.work_district_id).values("pk"))


def latest_verifications(enterprise_ids) -> dict[int, ProfileVerification]:
    """Return each enterprise's latest verification, with its version, in one query."""
    latest: dict[int, ProfileVerification] = {}
    rows = (
        ProfileVerification.objects.filter(enterprise_id__in=enterprise_ids)
        .select_related("version", "verified_by")
        .order_by("enterprise_id", "-verified_at", "-pk")
    )
    for verification in rows:
        latest.setdefault(verification.enterprise_id, verification)
    return latest


@transaction.atomic
def profile_verify(*, user: User, credit_code: str, evidence: str) -> ProfileVerification:
    """Record that the enterprise's profile, as it stands now, agrees with the evidence the person saw.

    Raises PermissionDenied for anyone but a verifier, ValidationError (in Chinese) for an enterprise not of their
    district, one whose claim is not verified, or no evidence.
    """
    if not may_verify(user):
        raise PermissionDenied(_("只有区级管理员和主管部门审核人可以核验企业画像。"))
    code = normalize_credit_code(credit_code or "")
    enterprise = (
        enterprises_of_district(user.work_district_id).select_for_update(of=("self",)).filter(credit_code=code).first()
    )
    if enterprise is None:
        raise ValidationError(
            _("本区没有统一社会信用代码为 %(code)s 的企业（注册地、纳税地或纳统地在本区）。") % {"code": code}
        )
    if enterprise.claim_status != ClaimStatus.VERIFIED:
        raise ValidationError(_("该企业的信用代码认领尚未核验：请先由平台管理员核对营业执照。"))
    if not (evidence or "").strip():
        raise ValidationError(_("请填写核验依据。"))
    version = profile_record_version(enterprise=enterprise, user=user)
    version = version or enterprise.profile_versions.order_by("-number").first()
    return ProfileVerification.objects.create(
        enterprise=enterprise,
        version=version,
        district_id=user.work_district_id,
        evidence=evidence.strip(),
        verified_by=user,
    )
