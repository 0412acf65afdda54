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
from django.utils.translation import gettext

from .models import Enterprise, ProfileVersion, User

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
    "ownership",
    "founded_on",
    "prior_year_district_contribution",
    "revenue_change",
    "rd_spend",
    "layoff_rate",
    "insured_months",
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


def profile_record_version(*, enterprise: Enterprise, user: User | None) -> ProfileVersion | None:
    """Store the profile as a new version, unless it is the same as the latest one."""
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


def confirmation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def user_from_confirmation_token(token: str) -> User | None:
    """Return the user a confirmation link was made for, or None if it is forged, expired or out of date."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user")).first()
    return user if user and user.email == data.get("email") else None


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


def user_confirm_email(*, user: User) -> None:
    user.is_active = True
    user.email_confirmed = True
    user.save(update_fields=["is_active", "email_confirmed"])


@transaction.atomic
def enterprise_invite_user(*, enterprise: Enterprise, invited_by: User, email: str, name: str, base_url: str) -> User:
    """Create a colleague's account; the invitation link lets them choose a password (and confirms the address)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User(username=email.lower(), email=email.lower(), first_name=name, enterprise=enterprise)
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url + reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    context = {"user": user, "enterprise": enterprise, "invited_by": invited_by, "link": link}
    transaction.on_commit(lambda: _send("invite", to=user.email, context=context))
    return user
