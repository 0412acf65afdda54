"""The audit trail's hash chain: each event of a case carries a hash over its own content and the hash of the case's
previous event, so that any change to, removal of or insertion into a case's history shows when it is verified. The
case's own row records the sequence and hash of its last event (the anchor), so that a history cut short, or removed
whole, shows too.

The hash is keyed (HMAC-SHA256 with `AUDIT_HMAC_KEY`, which lives in the environment, never in the database): someone
who can write to the database but does not hold the key cannot compute the hashes of a rewritten history. What the
key does not stop (its holder, or a history removed whole with the case's record of its end) the daily anchor outside
the database does (`applications/anchors/`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings


def event_payload(event: Any) -> str:
    """Return the canonical text an event's hash is taken over (works on the model and its migration-time copy)."""
    fields = {
        "application": event.application_id,
        "sequence": event.sequence,
        "actor": event.actor_id,
        "action": event.action,
        "action_label": event.action_label,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
        "amount": None if event.amount is None else f"{Decimal(event.amount):.2f}",
        "amount_field": event.amount_field,
        "created_at": event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def keyed_digest(payload: str) -> str:
    """Return the HMAC-SHA256 of a payload under AUDIT_HMAC_KEY, in hex (64 characters, as the unkeyed hash was)."""
    mac = _keyed(settings.AUDIT_HMAC_KEY).copy()
    mac.update(payload.encode())
    return mac.hexdigest()


def event_hash(event: Any) -> str:
    return keyed_digest(event_payload(event))


def unkeyed_event_hash(event: Any) -> str:
    """Return the plain SHA-256 the chain used before it was keyed (applications 0010 re-hashes those chains)."""
    return hashlib.sha256(event_payload(event).encode()).hexdigest()


@dataclass
class ChainProblem:
    application_id: int
    sequence: int
    event_id: int | None
    problem: str


def verify_chain(events, application: Any = None, hasher: Callable[[Any], str] = event_hash) -> list[ChainProblem]:
    """Check one case's events, given in sequence order; return what is wrong (nothing when the chain holds).

    Given the case (`application`, the model or its migration-time copy), also check that the chain ends where the
    case records it does (`audit_sequence`, `audit_hash`): a cut-off end, or a history removed whole, shows.
    `hasher` is the keyed hash; the migration that keyed the chains checked them with the unkeyed one first.
    """
    problems = []
    expected_sequence, prev_hash = 1, ""
    last = None
    for event in events:
        if event.sequence != expected_sequence:
            problems.append(
                ChainProblem(
                    event.application_id,
                    event.sequence,
                    event.pk,
                    f"sequence {event.sequence} where {expected_sequence} was expected (an event is missing)",
                )
            )
        if event.prev_hash != prev_hash:
            problems.append(
                ChainProblem(event.application_id, event.sequence, event.pk, "does not link to the previous event")
            )
        if event.hash != hasher(event):
            problems.append(
                ChainProblem(event.application_id, event.sequence, event.pk, "content does not match its hash")
            )
        expected_sequence, prev_hash, last = event.sequence + 1, event.hash, event
    if application is not None:
        problems += _verify_end(application, last)
    return problems


def _money(amount: Any) -> str:
    return "-" if amount is None else f"{Decimal(amount):.2f}"


def verify_money(application: Any, events: list[Any], payments: list[Any]) -> list[ChainProblem]:
    """Check a case's approved amount and its payments (their amounts) against what its events record.

    The amounts live on rows outside the chain (`Application.approved_amount`, `Payment.amount`); a change to one
    of them behind the application's back shows as a difference from the event that recorded it.
    """
    problems = []
    approvals = [event for event in events if event.amount_field == "approved_amount"]
    recorded = approvals[-1].amount if approvals else None
    if _money(application.approved_amount) != _money(recorded):
        problems.append(
            ChainProblem(
                application.pk,
                0,
                None,
                f"the approved amount {_money(application.approved_amount)} is not the {_money(recorded)} "
                "its events record",
            )
        )
    paid = [_money(amount) for amount in sorted(Decimal(amount) for amount in payments)]
    recorded_paid = [
        _money(amount) for amount in sorted(Decimal(e.amount or 0) for e in events if e.amount_field == "payment")
    ]
    if paid != recorded_paid:
        problems.append(
            ChainProblem(
                application.pk,
                0,
                None,
                f"the payments ({', '.join(paid) or 'none'}) are not those its events record "
                f"({', '.join(recorded_paid) or 'none'})",
            )
        )
    return problems


def _verify_end(application: Any, last: Any) -> list[ChainProblem]:
    recorded = application.audit_sequence
    if last is None:
        if recorded == 0:
            return []
        return [ChainProblem(application.pk, recorded, None, f"the case records {recorded} events but has none")]
    ends = f"the chain ends at sequence {last.sequence} but the case records {recorded}"
    if last.sequence < recorded:
        problem = f"{ends} (its last events are missing)"
    elif last.sequence > recorded:
        problem = f"{ends} (an event was added behind the application's back)"
    elif last.hash != application.audit_hash:
        problem = "the last event's hash is not the one the case records"
    else:
        return []
    return [ChainProblem(application.pk, last.sequence, last.pk, problem)]
