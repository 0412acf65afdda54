"""Subscribing to new measures, changing what one follows, and unsubscribing, signed in or from the e-mail's link.

What the enterprise matches or follows at the moment a person subscribes (or changes their choice) is recorded as
known to them (`MeasureAlert` without a notice): the matching page shows those already, and the digests bring only
what comes after, a measure added or changed, or one the enterprise comes to qualify for.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from measures.matching import Matcher, facts_for_enterprise, measures_for_matching

from ..models import Ban, MeasureAlert, MeasureSubscription
from .rematch import KNOWN, Pool, candidates, wanted
from .tokens import unsubscribe_token, user_for_unsubscribe_token

__all__ = [
    "alerts_known",
    "subscription_cancel",
    "subscription_of",
    "subscription_save",
    "unsubscribe_token",
    "user_for_unsubscribe_token",
]


def subscription_of(user) -> MeasureSubscription | None:
    return MeasureSubscription.objects.filter(user=user).first()


def subscription_save(
    *,
    user,
    matching: bool,
    districts: list[str],
    beneficiary_types: list[str],
    rule_families: list[str],
    today: datetime.date | None = None,
) -> MeasureSubscription:
    """Subscribe the enterprise user, or change what they follow; record what they would be told of today as known."""
    today = today or timezone.localdate()
    with transaction.atomic():
        subscription = MeasureSubscription.objects.select_for_update().filter(user=user).first()
        subscription = subscription or MeasureSubscription(user=user)
        subscription.active, subscription.unsubscribed_at = True, None
        subscription.matching = matching
        subscription.districts = sorted(set(districts))
        subscription.beneficiary_types = sorted(set(beneficiary_types))
        subscription.rule_families = sorted(set(rule_families))
        subscription.save()
        alerts_known(subscription, today)
    return subscription


def alerts_known(subscription: MeasureSubscription, today: datetime.date) -> int:
    """Record as known to the person every open measure the subscription would tell them of today; return how many
    were not known yet."""
    enterprise = subscription.user.enterprise
    bans = Ban.objects.by_district(enterprise, today)
    facts = facts_for_enterprise(enterprise, today, bans=bans)
    pool = Pool(candidates(list(measures_for_matching()), today, changed=None))
    known = set(MeasureAlert.objects.filter(user=subscription.user).values_list("measure_id", flat=True))
    items = wanted(subscription, facts, pool, known, Matcher(today))
    alerts = [MeasureAlert(user=subscription.user, measure=match.measure, group=KNOWN) for match in items]
    return len(MeasureAlert.objects.bulk_create(alerts, ignore_conflicts=True))


def subscription_cancel(*, user) -> bool:
    """Stop the person's digests; return whether they were subscribed."""
    return bool(
        MeasureSubscription.objects.filter(user=user, active=True).update(active=False, unsubscribed_at=timezone.now())
    )
