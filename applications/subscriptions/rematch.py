"""The nightly re-match: every subscribed enterprise against the measures it may hear of, one digest per person.

Which measures: those still open for applications (a profile may have changed, so an enterprise may have come to
qualify), and those added or changed since the last run (`SubscriptionRun.fingerprints`), unless closed (window
over, document expired, or months over). Which people: the active subscriptions, read in chunks of `CHUNK_SIZE` in
the order of their users, each chunk with its enterprises, certifications, bans and what its people were already
told in a few queries; the facts of each enterprise are read once and matched in memory against the measures in its
reach (its own districts and the city's, or those of the topics it follows). A person is told of a measure at most
once (`MeasureAlert`, unique per person and measure); each chunk's digests and alerts are written in one
transaction, the digests as notices through the outbox, keyed by person and day, so a second run writes nothing
twice.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enterprise
from measures.matching import (
    MIGHT,
    QUALIFIES,
    Matcher,
    MeasureMatch,
    facts_for_enterprise,
    measures_for_matching,
    period_ends,
)
from measures.models import District, Measure, PolicyDocument
from measures.topics import rule_families

from ..models import Ban, MeasureAlert, MeasureSubscription, Notice, NoticeKind, SubscriptionRun
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link
from .tokens import unsubscribe_token

CHUNK_SIZE = 1000
KNOWN = "known"


@dataclass(frozen=True)
class Candidate:
    """A measure the run may tell of, with what picks its readers worked out once."""

    measure: Measure
    district_id: int
    city: bool
    district_slug: str
    types: frozenset[str]
    families: frozenset[str]


def fingerprint(measure: Measure) -> str:
    """Return a digest of what matching and the e-mail read of the measure: a change to any of it is news."""
    document = measure.document
    data = [
        measure.title,
        measure.monetary,
        document.status,
        str(document.valid_until),
        str(measure.window_opens),
        str(measure.window_closes),
        measure.rule_kind,
        measure.rule_params,
        measure.more_rules,
        sorted(t.code for t in measure.beneficiary_types.all()),
        [(c.kind, c.value) for c in measure.conditions.all()],
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def is_current(measure: Measure, on: datetime.date) -> bool:
    """Whether the measure is in force and can be, or will be, applied for."""
    ends = period_ends(measure)
    return (
        measure.document.effective_status(on) == PolicyDocument.Status.IN_FORCE
        and measure.window_state(on) != "closed"
        and (ends is None or ends >= on)
    )


def candidates(measures: list[Measure], on: datetime.date, changed: set[int] | None) -> list[Candidate]:
    """Return the current measures that are open, or (with `changed`) added or changed since the last run; every
    current measure when `changed` is None."""
    pool = []
    for measure in measures:
        if not is_current(measure, on):
            continue
        if changed is not None and measure.window_state(on) == "not_yet" and measure.pk not in changed:
            continue
        district = measure.document.district
        pool.append(
            Candidate(
                measure,
                district.pk,
                district.level == District.Level.CITY,
                district.slug,
                frozenset(t.code for t in measure.beneficiary_types.all()),
                rule_families(measure),
            )
        )
    return pool


class Pool:
    """The candidates, indexed by what picks their readers: district, beneficiary type, kind of help."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.all = candidates
        self.city = [c for c in candidates if c.city]
        self.by_district: dict[int, list[Candidate]] = defaultdict(list)
        self.by_slug: dict[str, list[Candidate]] = defaultdict(list)
        self.by_type: dict[str, list[Candidate]] = defaultdict(list)
        self.by_family: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            self.by_district[candidate.district_id].append(candidate)
            self.by_slug[candidate.district_slug].append(candidate)
            for code in candidate.types:
                self.by_type[code].append(candidate)
            for family in candidate.families:
                self.by_family[family].append(candidate)

    def near(self, facts) -> list[Candidate]:
        """Return the candidates the enterprise may qualify or might qualify for: its districts' and the city's (any
        district's when its registered district is not known)."""
        if facts.registered_district_id is None:
            return self.all
        return self.city + [c for pk in sorted(facts.own_district_ids) for c in self.by_district.get(pk, [])]

    def topical(self, subscription: MeasureSubscription) -> list[Candidate]:
        """Return the candidates of the districts, beneficiary types and kinds of help the person follows."""
        found = [c for slug in subscription.districts for c in self.by_slug.get(slug, [])]
        found += [c for code in subscription.beneficiary_types for c in self.by_type.get(code, [])]
        return found + [c for family in subscription.rule_families for c in self.by_family.get(family, [])]


def wanted(
    subscription: MeasureSubscription, facts, pool: Pool, known: set[int], matcher: Matcher
) -> list[MeasureMatch]:
    """Return the matches the person is to hear of: in their enterprise's reach and (un)qualifying as they asked."""
    followed = pool.topical(subscription)
    topical = {c.measure.pk for c in followed}
    near = pool.near(facts) if subscription.matching else []
    reach, seen = [], set()
    for candidate in near + followed:
        pk = candidate.measure.pk
        if pk not in known and pk not in seen:
            seen.add(pk)
            reach.append(candidate.measure)
    return [
        match
        for match in matcher.match(facts, reach)
        if not match.banned and (match.group in (QUALIFIES, MIGHT) or match.measure.pk in topical)
    ]


def send_measure_digests(
    *, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE, tell: bool = True
) -> dict[str, int]:
    """Re-match every subscribed enterprise and write each person's digest of what is new to them.

    With `tell` False nothing is mailed: what each person would have been told is recorded as known to them (as
    when they subscribe), e.g. when subscriptions are first offered to enterprises that already use the portal.
    """
    today = today or timezone.localdate()
    measures = list(measures_for_matching())
    previous = SubscriptionRun.objects.filter(finished_at__isnull=False).first()
    prints = {str(measure.pk): fingerprint(measure) for measure in measures}
    seen = previous.fingerprints if previous else {}
    changed = {int(pk) for pk, value in prints.items() if seen.get(pk) != value}
    pool = Pool(candidates(measures, today, changed))
    run = SubscriptionRun.objects.create()
    stats: Counter = Counter(measures=len(measures), changed=len(changed), candidates=len(pool.all))
    stats.update(people=0, digests=0, measures_told=0)
    matcher = Matcher(today)
    subscriptions = MeasureSubscription.objects.filter(
        active=True, user__is_active=True, user__enterprise__isnull=False
    ).select_related("user")
    last = 0
    while chunk := list(subscriptions.filter(user_id__gt=last).order_by("user_id")[:chunk_size]):
        _work(chunk, pool, matcher, today, stats, tell)
        last = chunk[-1].user_id
    stats.update(checked=matcher.checked, looked_up=matcher.looked_up)
    run.finished_at, run.fingerprints, run.counts = timezone.now(), prints, dict(stats)
    run.save(update_fields=["finished_at", "fingerprints", "counts"])
    return dict(stats)


def _facts_of_chunk(chunk: list[MeasureSubscription], today: datetime.date):
    """Return each enterprise of the chunk with its facts, and what each person was told of already."""
    enterprise_ids = {s.user.enterprise_id for s in chunk}
    enterprises = Enterprise.objects.prefetch_related("certifications").in_bulk(enterprise_ids)
    bans: dict[int, dict] = defaultdict(dict)
    for ban in Ban.objects.active(today).filter(enterprise_id__in=enterprise_ids).order_by("starts_on"):
        bans[ban.enterprise_id][ban.district_id] = (ban.ends_on, ban.quote or ban.decision_number)
    facts = {pk: facts_for_enterprise(e, today, bans=bans.get(pk, {})) for pk, e in enterprises.items()}
    known: dict[int, set[int]] = defaultdict(set)
    alerts = MeasureAlert.objects.filter(user_id__in=[s.user_id for s in chunk])
    for user_id, measure_id in alerts.values_list("user_id", "measure_id"):
        known[user_id].add(measure_id)
    return enterprises, facts, known


def _work(
    chunk: list[MeasureSubscription], pool: Pool, matcher: Matcher, today: datetime.date, stats: Counter, tell: bool
) -> None:
    enterprises, facts, known = _facts_of_chunk(chunk, today)
    found = []
    for subscription in chunk:
        enterprise_id = subscription.user.enterprise_id
        matches = wanted(subscription, facts[enterprise_id], pool, known[subscription.user_id], matcher)
        stats["people"] += 1
        if matches and subscription.user.email:
            found.append((subscription.user, enterprises[enterprise_id], matches))
    if not found:
        return
    if not tell:
        stats["measures_known"] += _record([(user.pk, m.measure.pk, KNOWN, None) for user, _e, ms in found for m in ms])
        return
    links = Links()
    notices = [digest_notice(user, enterprise, matches, today, links) for user, enterprise, matches in found]
    with transaction.atomic():
        written = {notice.user_id: notice.pk for notice in write_notices(notices)}
        rows = [
            (user.pk, match.measure.pk, match.group, written[user.pk])
            for user, _enterprise, matches in found
            if user.pk in written
            for match in matches
        ]
        stats["measures_told"] += _record(rows)
    stats["digests"] += len(written)


_ALERT_COLUMNS = ("user_id", "measure_id", "group", "notice_id")


def _record(rows: list[tuple[int, int, str, int | None]]) -> int:
    """Insert (person, measure, group, digest) alerts, leaving any already there; return how many were given.

    A night's alerts are tens of thousands of rows, not worth a model instance (nor a statement) each: on PostgreSQL
    they are copied into a temporary table and inserted from it in one statement, elsewhere in multi-row INSERTs."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in (*_ALERT_COLUMNS, "created_at"))
    table = qn(MeasureAlert._meta.db_table)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS subscription_alerts_in"
                " (user_id integer, measure_id integer, grp varchar(10), notice_id integer) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE subscription_alerts_in")
            with cursor.cursor.copy("COPY subscription_alerts_in FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT user_id, measure_id, grp, notice_id, %s"
                " FROM subscription_alerts_in ON CONFLICT DO NOTHING",
                [now],
            )
            return len(rows)
        for start in range(0, len(rows), 1000):
            part = rows[start : start + 1000]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
            params = [value for row in part for value in (*row, now)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING", params)
    return len(rows)


class Links:
    """The e-mail's links, reversed once per run rather than once per digest."""

    TOKEN = "__token__"

    def __init__(self) -> None:
        self.matching = absolute_link(reverse("measures:matching"))
        self.settings = absolute_link(reverse("applications:subscriptions"))
        self._unsubscribe = absolute_link(reverse("applications:unsubscribe", args=[self.TOKEN]))
        self._measures: dict[int, str] = {}

    def measure(self, measure: Measure) -> str:
        if measure.pk not in self._measures:
            self._measures[measure.pk] = absolute_link(measure.get_absolute_url())
        return self._measures[measure.pk]

    def unsubscribe(self, user) -> str:
        return self._unsubscribe.replace(self.TOKEN, unsubscribe_token(user))


def digest_notice(
    user, enterprise: Enterprise, matches: list[MeasureMatch], today: datetime.date, links: Links | None = None
) -> Notice:
    """Return the person's unsaved digest of the measures new to them."""
    links = links or Links()
    items = [
        {
            "title": match.measure.title,
            "district": match.measure.document.district.name,
            "citation": match.measure.citation,
            "group": match.group,
            "asks": sorted({check.field for check in match.unknown if check.field}),
            "reason": match.shown_failed[0].message if match.shown_failed else "",
            "window_opens": match.measure.window_opens if match.window_state == "not_yet" else None,
            "window_closes": match.measure.window_closes,
            "link": links.measure(match.measure),
        }
        for match in sorted(matches, key=lambda m: (m.group != QUALIFIES, m.group != MIGHT))
    ]
    context = {
        "user": user,
        "enterprise": enterprise,
        "today": today,
        "items": items,
        "matching_link": links.matching,
        "settings_link": links.settings,
        "unsubscribe_link": links.unsubscribe(user),
    }
    return build_notice(
        "measure_digest",
        context,
        [user.email],
        kind=NoticeKind.MEASURE_DIGEST,
        audience=Notice.Audience.USER,
        user=user,
        due_on=today,
    )
