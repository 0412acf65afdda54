"""The load test's arithmetic, plain Python: percentiles, the ramp's verdict and the ledger's count."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

P95_LIMIT_MS = 1000.0


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.95: the smallest value at least 95 % of the values are not above)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class StepWindow:
    """The response times and failures of the ramp's current step (kept by the Locust process as it runs)."""

    def __init__(self):
        self.step, self.times, self.failures = -1, [], 0

    def start(self, step: int) -> None:
        self.step, self.times, self.failures = step, [], 0

    def add(self, milliseconds: float, failed: bool) -> None:
        self.times.append(milliseconds)
        self.failures += failed

    def sustainable(self) -> bool:
        return step_ok(self.times, self.failures)


def step_ok(times: list[float], failures: int) -> bool:
    """A step is carried when nothing failed and 95 % of the requests were answered within a second."""
    p95 = percentile(times, 0.95)
    return failures == 0 and p95 is not None and p95 < P95_LIMIT_MS


def sustainable(steps: list[dict]) -> dict | None:
    """Return the highest step carried (by users), counting only steps below the first one that was not: the load
    a step after a failed one carried says nothing about a deadline day that keeps rising."""
    best = None
    for step in sorted(steps, key=lambda s: s["users"]):
        if not step_ok(step["times"], step["failures"]):
            break
        best = step
    return best


def ledger(acknowledged: Iterable[int], submitted: Iterable[int]) -> dict:
    """Submissions the portal acknowledged against the cases the database holds as submitted."""
    acknowledged, submitted = list(acknowledged), set(submitted)
    counts = Counter(acknowledged)
    return {
        "acknowledged": len(counts),
        "lost": sum(1 for pk in counts if pk not in submitted),
        "acknowledged_twice": sum(1 for n in counts.values() if n > 1),
    }


def deliveries(expected: Iterable[tuple], delivered: Iterable[tuple]) -> dict:
    """Each message the outbox owes (recipient, subject of a notice) against each message the mail server took."""
    owed, sent = Counter(expected), Counter(delivered)
    return {
        "owed": sum(owed.values()),
        "delivered": sum(sent.values()),
        "lost": sum(max(0, n - sent[key]) for key, n in owed.items()),
        "duplicated": sum(max(0, n - owed[key]) for key, n in sent.items() if key in owed),
        # Messages of notices the run did not cause (an older notice sent meanwhile): reported, not counted twice.
        "other": sum(n for key, n in sent.items() if key not in owed),
    }


def nodes_for(
    *,
    users: int,
    submissions_per_second: float,
    requests_per_user_second: float,
    web_ms_per_request: float,
    db_ms_per_request: float,
    web_ms_per_submission: float,
    db_ms_per_submission: float,
    cores_per_node: int,
    utilisation: float = 0.6,
) -> dict:
    """The web nodes and database cores a load needs, from CPU milliseconds measured per request and per submission
    (the pages of one submission together), each node's cores kept at `utilisation` (headroom for bursts)."""
    browsing = users * requests_per_user_second
    web_cores = (browsing * web_ms_per_request + submissions_per_second * web_ms_per_submission) / 1000
    db_cores = (browsing * db_ms_per_request + submissions_per_second * db_ms_per_submission) / 1000
    return {
        "requests_per_second": browsing,
        "web_cores": web_cores,
        "web_nodes": math.ceil(web_cores / (cores_per_node * utilisation)),
        "db_cores": db_cores,
    }
