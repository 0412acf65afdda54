"""The audit trail's hash chain: each event of a case carries a hash over its own content and the hash of the case's
previous event, so that any change to, removal of or insertion into a case's history shows when it is verified."""

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


def verify_chain(events) -> list[ChainProblem]:
    """Check one case's events, given in sequence order; return what is wrong (nothing when the chain holds)."""
    problems = []
    expected_sequence, prev_hash = 1, ""
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
        expected_sequence, prev_hash = event.sequence + 1, event.hash
    return problems
