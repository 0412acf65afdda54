"""Writes concerning enterprises and their users: registration, confirmation, invitations, profile versions."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from .models import ClaimReview, ClaimStatus, Enterprise, ProfileVersion, User

STAFF_ONLY_FIELDS = {"on_dishonesty_list"}
CONFIRMATION_SALT = "accounts.email-confirmation"
CONFIRMATION_MAX_AGE = 3 * 24 * 3600

PROFILE_FIELDS = [
    "name",
    "contact_person",
    "email",
    "mobile",
    "industry",
    "employees",
    "revenue",
    "total_assets",
    "figures_year",
    "registered_district",
    "tax_district",
    "stats_district",
    "park",
    "registered_address",
    "bank_name",
    "bank_account",
    "ownership",
    "founded_on",
    "prior_year_district_contribution",
    "revenue_change",
    "rd_spend",
    "layoff_rate",
    "insured_months",
    "beneficiary_types",
    "on_dishonesty_list",
]


def _plain(value: Any, places: int | None = None) -> Any:
    if isinstance(value, Decimal):
        # The form gives Decimal("1800"), the database Decimal("1800.00"): one text for one figure.
        return str(value.quantize(Decimal(1).scaleb(-places))) if places is not None else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _comparable(value: Any) -> Any:
    """Return the value as compared between versions: a figure by its amount (1800 == 1800.00)."""
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    if value == [] or value == "":
        return None  # a field added later (a list, a text): missing from older versions, empty in newer ones
    return value


def profile_changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Return the names of the profile's fields whose values differ between two snapshots (all, with no before)."""
    if before is None:
        return sorted(after)
    keys = set(before) | set(after)
    return sorted(k for k in keys if _comparable(before.get(k)) != _comparable(after.get(k)))


def profile_field_label(name: str) -> str:
    """Return a profile field's name as the profile form shows it ("营业收入（万元）"), for the version history."""
    extra = {"certifications": gettext("资质认定"), "sme_size": gettext("企业规模")}
    if name in extra:
        return extra[name]
    try:
        return str(Enterprise._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def profile_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """Return the profile as plain JSON data, as it stands now."""
    data = {
        name: _plain(
            getattr(enterprise, name if not name.endswith("district") else f"{name}_id"),
            getattr(Enterprise._meta.get_field(name), "decimal_places", None),
        )
        for name in PROFILE_FIELDS
    }
    data["credit_code"] = enterprise.credit_code
    data["certifications"] = [
        {"kind": c.kind, "level": c.level, "certified_on": c.certified_on.isoformat()}
        for c in enterprise.certifications.order_by("kind", "level")
    ]
    classification = enterprise.sme_classification()
    data["sme_size"] = classification.size.value if classification and classification.size else None
    return data


@transaction.atomic
def profile_record_version(*, enterprise: Enterprise, user: User | None) -> ProfileVersion | None:
    """Store the profile as a new version, unless it is the same as the latest one (the latest is locked, so two
    saves at once number their versions one after the other)."""
    snapshot = profile_snapshot(enterprise)
    latest = enterprise.profile_versions.select_for_update().order_by("-number").first()
    changed = profile_changed_fields(latest.data if latest else None, snapshot)
    if latest and not changed:
        return None
    return ProfileVersion.objects.create(
        enterprise=enterprise,
        number=(latest.number + 1) if latest else 1,
        data=snapshot,
        changed_fields=changed,
        created_by=user,
    )


def _send(template: str, *, to: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def _confirmation_state(user: User) -> str:
    """Return a digest of what a confirmation link may only be used with: the password, whether the address is
    confirmed and whether the account is active. Confirming changes it, so a link works once; so does a new
    password or a deactivation."""
    state = f"{user.password}|{user.email_confirmed}|{user.is_active}"
    return salted_hmac(CONFIRMATION_SALT, state, algorithm="sha256").hexdigest()[:32]


def confirmation_token(user: User) -> str:
    return signing.dumps(
        {"user": user.pk, "email": user.email, "state": _confirmation_state(user)}, salt=CONFIRMATION_SALT
    )


def user_from_confirmation_token(token: str) -> User | None:
    """Return the user a confirmation link was made for, or None if it is forged, expired, used or out of date."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user")).first()
    if user is None or user.email != data.get("email"):
        return None
    if not constant_time_compare(str(data.get("state", "")), _confirmation_state(user)):
        return None
    return user


@transaction.atomic
def enterprise_register(
    *, credit_code: str, name: str, contact_person: str, email: str, mobile: str, password: str, base_url: str
) -> Enterprise:
    """Create an enterprise and its owner's account, inactive until the e-mail address is confirmed."""
    enterprise = Enterprise.objects.create(
        credit_code=credit_code, name=name, contact_person=contact_person, email=email, mobile=mobile
    )
    user = User(
        username=email.lower(),
        email=email.lower(),
        mobile=mobile,
        first_name=contact_person,
        enterprise=enterprise,
        is_active=False,
    )
    user.set_password(password)
    user.save()
    enterprise.owner = user
    enterprise.save(update_fields=["owner"])
    profile_record_version(enterprise=enterprise, user=user)
    link = base_url + reverse("accounts:confirm", args=[confirmation_token(user)])
    transaction.on_commit(
        lambda: _send("confirm", to=user.email, context={"user": user, "enterprise": enterprise, "link": link})
    )
    return enterprise


def user_confirm_registration(*, user: User) -> bool:
    """Activate an account registered and never confirmed; return False for any other account.

    Only a registration's first confirmation activates: an account an administrator deactivated (or whose claim
    was removed) stays inactive whatever link is opened.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active or user.email_confirmed or not user.has_usable_password() or user.last_login is not None:
            return False
        user.is_active = True
        user.email_confirmed = True
        user.save(update_fields=["is_active", "email_confirmed"])
    return True


def user_mark_email_confirmed(*, user: User) -> None:
    """Record that the address works (a reset or invitation link reached it); never changes whether it may sign in."""
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])


class InvitationRefused(Exception):
    """An invitation the owner may not send now; the message is Chinese."""


def invitations_left_today(user: User) -> int:
    """Return how many colleagues the owner may still invite today (Beijing time)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = User.objects.filter(invited_by=user, date_joined__gte=start).count()
    return max(settings.INVITATIONS_PER_DAY - sent, 0)


@transaction.atomic
def enterprise_invite_user(*, enterprise: Enterprise, invited_by: User, email: str, name: str, base_url: str) -> User:
    """Create a colleague's account; the invitation link lets them choose a password (and confirms the address).

    At most INVITATIONS_PER_DAY a day per owner; the e-mail carries no text the inviter typed (not even the name),
    only the enterprise's credit code and the link, so it cannot be made into someone else's message.
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    User.objects.select_for_update().filter(pk=invited_by.pk).get()  # one invitation of the owner at a time
    if invitations_left_today(invited_by) <= 0:
        raise InvitationRefused(
            _("每个企业管理员每天最多邀请 %(n)s 位同事，今天的邀请次数已用完，请明天再试。")
            % {"n": settings.INVITATIONS_PER_DAY}
        )
    user = User(
        username=email.lower(), email=email.lower(), first_name=name, enterprise=enterprise, invited_by=invited_by
    )
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url + reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    context = {"credit_code": enterprise.credit_code, "link": link}
    transaction.on_commit(lambda: _send("invite", to=user.email, context=context))
    return user


# Credit-code claims: registering claims a code; an administrator verifies it against the business licence, or
# removes a wrong claim (which frees the code for the enterprise it belongs to).


@transaction.atomic
def claim_verify(*, enterprise: Enterprise, user: User, evidence: str) -> ClaimReview:
    """Record that an administrator has seen the business licence: the enterprise may now submit applications."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.claim_status == ClaimStatus.REMOVED:
        raise ValueError(_("该认领已撤销，不能再核验。"))
    enterprise.claim_status = ClaimStatus.VERIFIED
    enterprise.save(update_fields=["claim_status"])
    return ClaimReview.objects.create(
        enterprise=enterprise, decision=ClaimReview.Decision.VERIFIED, evidence=evidence.strip(), decided_by=user
    )


@transaction.atomic
def claim_remove(*, enterprise: Enterprise, user: User, evidence: str) -> ClaimReview:
    """Remove a wrong claimant: every account of the claim is deactivated and can no longer set a password from an
    old link, and the credit code is free for the enterprise it belongs to. The record and its cases are kept."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.claim_status == ClaimStatus.REMOVED:
        raise ValueError(_("该认领已撤销。"))
    enterprise.claim_status = ClaimStatus.REMOVED
    enterprise.save(update_fields=["claim_status"])
    for member in enterprise.users.select_for_update():
        member.is_active = False
        member.set_unusable_password()  # old reset, invitation and confirmation links die with the password
        member.save(update_fields=["is_active", "password"])
    return ClaimReview.objects.create(
        enterprise=enterprise, decision=ClaimReview.Decision.REMOVED, evidence=evidence.strip(), decided_by=user
    )
