"""The signed token of a person's unsubscribe link: it works without signing in, and does nothing else."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing

UNSUBSCRIBE_SALT = "applications.subscriptions.unsubscribe"


def unsubscribe_token(user) -> str:
    """Return the signed token of the person's unsubscribe link."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str):
    """Return the enterprise user the token was made for, or None for a token this portal did not sign."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("u") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return get_user_model().objects.filter(pk=pk, enterprise__isnull=False).first()
