"""The digest of every case's chain head at a moment, and the log of digests it is compared with."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone

from ..models import Event

# Events older than the start of the day are anchored the day after (at 00:30 by default): a transaction still open
# when the digest is taken cannot add an event that old, so the same moment gives the same digest later.
HEADS_SQL = (
    "SELECT e.application_id, e.sequence, e.hash FROM {event} e JOIN ("
    "SELECT application_id, MAX(sequence) AS last FROM {event} WHERE created_at <= %s GROUP BY application_id"
    ") h ON h.application_id = e.application_id AND h.last = e.sequence ORDER BY e.application_id"
)
COUNT_SQL = "SELECT COUNT(*) FROM {event} WHERE created_at <= %s"


@dataclass(frozen=True)
class Anchor:
    """The chain heads of every case as they stood at `at`: how many cases and events, and the digest over them."""

    at: datetime.datetime
    cases: int
    events: int
    digest: str

    def line(self) -> str:
        fields = {
            "at": self.at.astimezone(datetime.UTC).isoformat(),
            "cases": self.cases,
            "events": self.events,
            "digest": self.digest,
        }
        return json.dumps(fields, sort_keys=True)

    @classmethod
    def parse(cls, line: str) -> Anchor:
        fields = json.loads(line)
        return cls(
            at=datetime.datetime.fromisoformat(fields["at"]),
            cases=int(fields["cases"]),
            events=int(fields["events"]),
            digest=str(fields["digest"]),
        )

    def describe(self) -> str:
        return (
            f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} ({self.cases} cases, {self.events} events, "
            f"digest {self.digest})"
        )


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the moment a digest taken now covers: the start of the day (Beijing time)."""
    today = timezone.localtime(now or timezone.now()).date()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time()))


def anchor_at(at: datetime.datetime) -> Anchor:
    """Compute the digest of every case's last event created at or before `at` (its chain head then).

    The digest is a SHA-256 over "application id:sequence:hash" lines in application order; each hash covers the
    whole history of its case before it, so a change anywhere in a case's history up to `at` changes the digest.
    """
    table = connection.ops.quote_name(Event._meta.db_table)
    digest, cases = hashlib.sha256(), 0
    with connection.cursor() as cursor:
        cursor.execute(HEADS_SQL.format(event=table), [at])
        while rows := cursor.fetchmany(5000):
            for application_id, sequence, chain_hash in rows:
                digest.update(f"{application_id}:{sequence}:{chain_hash}\n".encode())
            cases += len(rows)
        cursor.execute(COUNT_SQL.format(event=table), [at])
        events = cursor.fetchone()[0]
    return Anchor(at=at, cases=cases, events=events, digest=digest.hexdigest())


def read_anchors(path: Path) -> list[Anchor]:
    """Return the anchors written to the log, oldest first (an unreadable line raises ValueError)."""
    anchors = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(Anchor.parse(line))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}, line {number}: not an anchor ({error})") from error
    return anchors


def append_anchor(anchor: Anchor, path: Path) -> bool:
    """Append the anchor to the log (created if need be) and force it to disk; return False if it is there already
    (the task ran twice for the same day)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if lines and lines[-1] == anchor.line():
            return False
    with path.open("a", encoding="utf-8") as log:
        log.write(anchor.line() + "\n")
        log.flush()
        os.fsync(log.fileno())
    return True


def check_anchor(anchor: Anchor) -> str | None:
    """Recompute the digest at the anchor's moment; return what differs from the log, or None when it matches."""
    now = anchor_at(anchor.at)
    if now == anchor:
        return None
    return f"the anchor of {anchor.describe()} does not match the database now ({now.cases} cases, " + (
        f"{now.events} events, digest {now.digest}): a history before it was changed or removed"
    )
