"""The audit trail's hash chain: each event of a case carries a hash over its own content and the hash of the case's
previous event, so that any change to, removal of or insertion into a case's history shows when it is verified. The
case's own row records the sequence and hash of its last event (the anchor), so that a history cut short, or removed
whole, shows too."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


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


def event_hash(event: Any) -> str:
    return hashlib.sha256(event_payload(event).encode()).hexdigest()


@dataclass
class ChainProblem:
    application_id: int
    sequence: int
    event_id: int | None
    problem: str


def verify_chain(events, application: Any = None) -> list[ChainProblem]:
    """Check one case's events, given in sequence order; return what is wrong (nothing when the chain holds).

    Given the case (`application`, the model or its migration-time copy), also check that the chain ends where the
    case records it does (`audit_sequence`, `audit_hash`): a cut-off end, or a history removed whole, shows.
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
        if event.hash != event_hash(event):
            problems.append(
                ChainProblem(event.application_id, event.sequence, event.pk, "content does not match its hash")
            )
        expected_sequence, prev_hash, last = event.sequence + 1, event.hash, event
    if application is not None:
        problems += _verify_end(application, last)
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
