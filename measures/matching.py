"""Policy matching (政策匹配): which measures an enterprise qualifies for, might qualify for, or does not, and why.

`facts_for_enterprise` reads a profile into `Facts` (or `Facts` comes from the public short form), and
`match_measures` checks every condition of every measure against them (measures.condition_checks, one check per
kind of condition). Each condition is met, not met (quoting the clause), unknown because the profile lacks a figure
(naming the profile form's field that settles it), or to be confirmed when applying (declarations, "other", a trade
or park the profile cannot tell). A measure qualifies when nothing fails or is unknown, might qualify when nothing
fails but something is unknown, and does not qualify otherwise. Whether it can still be applied for (its window,
its document, the months it is for) is told apart from the group: `MeasureMatch.closed`.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cache import CacheUnavailable

from .condition_checks import CHECKED_KINDS as _CHECKED_KINDS
from .condition_checks import FAILED, MET, TO_CONFIRM, UNKNOWN, Check, Facts, check_condition
from .models import BeneficiaryType, District, Measure, MeasureCondition, PolicyDataLoad, PolicyDocument
from .sme import Figure, size_of

__all__ = ["FAILED", "MET", "TO_CONFIRM", "UNKNOWN", "Check", "Facts", "MeasureMatch", "match_measures"]

logger = logging.getLogger(__name__)

QUALIFIES, MIGHT, NOT = "qualifies", "might", "not"


def facts_for_enterprise(
    enterprise, on: datetime.date | None = None, *, bans: dict[int, tuple[datetime.date, str]] | None = None
) -> Facts:
    """Return the facts of a saved profile (certifications in one query).

    `bans` maps the districts in which the enterprise is banned on `on` to the ban's end and clause; the cases' side
    knows them (applications.models.Ban.objects.by_district).
    """
    on = on or timezone.localdate()
    size, missing = None, ()
    if enterprise.industry:
        figures = {"employees": enterprise.employees, "revenue": enterprise.revenue, "assets": enterprise.total_assets}
        size, missing = size_of(industry=enterprise.industry, **figures)
    facts = Facts(
        registered_district_id=enterprise.registered_district_id,
        tax_district_id=enterprise.tax_district_id,
        stats_district_id=enterprise.stats_district_id,
        industry=enterprise.industry,
        size=size,
        size_missing=[str(Figure(f).label) for f in missing],
        ownership=enterprise.ownership,
        park=enterprise.park,
        certifications={c.kind for c in enterprise.certifications.all()},
        age_years=enterprise.age_in_years(on),
        employees=enterprise.employees,
        revenue_wan=enterprise.revenue,
        rd_spend=enterprise.rd_spend,
        revenue_change=enterprise.revenue_change,
        layoff_rate=enterprise.layoff_rate,
        insured_months=enterprise.insured_months,
        dishonest=enterprise.on_dishonesty_list,
        beneficiary_types=set(getattr(enterprise, "beneficiary_types", None) or ()),
    )
    facts.bans = bans or {}
    return facts


# The profile fields an unknown outcome asks for: each is a field of the enterprise's profile form
# (accounts.forms.ProfileForm), so the page links straight to it.
PROFILE_FIELDS_ASKED = frozenset(
    {
        "registered_district",
        "tax_district",
        "stats_district",
        "ownership",
        "industry",
        "employees",
        "revenue",
        "total_assets",
        "founded_on",
        "park",
        "rd_spend",
        "revenue_change",
        "layoff_rate",
        "insured_months",
        "beneficiary_types",
    }
)
_CLOSED_STATUSES = {PolicyDocument.Status.EXPIRED, PolicyDocument.Status.REPEALED}


def period_ends(measure: Measure) -> datetime.date | None:
    """Return the last day of the months the measure's benefit is for, when every rule of it names its months
    (rent waived for 2020年3月和4月); None when any rule is not tied to named months. Kept on the measure."""
    try:
        return measure._matching_period_ends
    except AttributeError:
        measure._matching_period_ends = _period_ends(measure)
        return measure._matching_period_ends


def _period_ends(measure: Measure) -> datetime.date | None:
    rules = [{"kind": measure.rule_kind, "params": measure.rule_params or {}}, *(measure.more_rules or [])]
    last = ""
    for rule in rules:
        if rule.get("kind") != "rent_months_waived":
            return None
        params = rule.get("params") or {}
        periods = params.get("periods") or [params]
        for period in periods:
            months = period.get("months")
            if not months:
                return None
            last = max(last, *(str(month) for month in months))
    year, month = (int(part) for part in last.split("-")[:2])
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass
class MeasureMatch:
    measure: Measure
    group: str
    checks: list[Check]
    document_status: str
    window_state: str
    period_ends: datetime.date | None = None
    on: datetime.date | None = None

    @functools.cached_property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == FAILED]

    @functools.cached_property
    def unknown(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == UNKNOWN]

    @functools.cached_property
    def to_confirm(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == TO_CONFIRM]

    @functools.cached_property
    def met(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == MET]

    @functools.cached_property
    def shown_failed(self) -> list[Check]:
        """Return the failures to print under the measure: a ban is told once, at the top of the page."""
        return [c for c in self.failed if c.kind != "ban"]

    @property
    def banned(self) -> bool:
        return any(c.kind == "ban" for c in self.failed)

    @property
    def period_over(self) -> bool:
        """Whether the months the benefit is for (2020年3月和4月) are over."""
        return self.period_ends is not None and self.period_ends < (self.on or timezone.localdate())

    @property
    def closed(self) -> bool:
        """Whether the measure can no longer be applied for: its window has closed, its document has expired or
        been repealed, or the months it is for are over."""
        return self.window_state == "closed" or self.document_status in _CLOSED_STATUSES or self.period_over

    @property
    def open_for_applications(self) -> bool:
        return (
            self.document_status == PolicyDocument.Status.IN_FORCE
            and self.window_state in ("", "open")
            and not self.period_over
        )


def measures_for_matching() -> QuerySet[Measure]:
    """Return every measure with what matching reads, in a fixed number of queries."""
    return (
        Measure.objects.select_related("document__district")
        .prefetch_related(
            Prefetch("conditions", queryset=MeasureCondition.objects.order_by("order", "pk")),
            "beneficiary_types",
        )
        .order_by("document__district__order", "-document__issued_on", "document_id", "order")
    )


# The measures matching reads, kept in this process between views: loading them with their conditions was a third
# of the page's work, and they change only when an administrator or the loader edits the library. Every such change
# replaces the version token in the shared cache (Redis in production) once it is committed; each process compares
# it before using its copy. MAX_AGE bounds how long a change that sends no signal (a bulk update) stays unseen.
VERSION_KEY = "measures:matching-version"
MAX_AGE = 300  # seconds
_kept: tuple[str, float, list[Measure]] | None = None


def library_version() -> str:
    """Return the token naming the library's current state, creating one if the cache has none.

    With the cache unreachable there is no state to name: each call then gets a token of its own, which nothing
    kept under a version (here, in the cache or in a process) matches, so every reader reads the library afresh.
    """
    version = cache.get(VERSION_KEY)  # a miss when the cache is unreachable
    if version is None:
        try:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        except CacheUnavailable:
            return f"unknown-{uuid.uuid4().hex}"
        version = cache.get(VERSION_KEY)
    return version or f"unknown-{uuid.uuid4().hex}"


def library_changed(**kwargs) -> None:
    """Give the library a new version once the change is committed (signal receiver, see MeasuresConfig.ready)."""
    # robust: the change is committed by then, and an unreachable cache must not turn its page into an error.
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None), robust=True)


def connect_library_signals() -> None:
    """Renew the library's version on every change matching reads (called from MeasuresConfig.ready)."""
    senders = [District, PolicyDocument, Measure, MeasureCondition, BeneficiaryType, PolicyDataLoad]
    for sender in senders:
        post_save.connect(library_changed, sender=sender, dispatch_uid=f"library_changed_save_{sender.__name__}")
        post_delete.connect(library_changed, sender=sender, dispatch_uid=f"library_changed_delete_{sender.__name__}")
    m2m_changed.connect(library_changed, sender=Measure.beneficiary_types.through, dispatch_uid="library_changed_m2m")
    # `migrate`, and `flush` (which empties the tables without a signal per row), end with post_migrate.
    post_migrate.connect(library_changed, dispatch_uid="library_changed_migrate")


def kept_measures_for_matching() -> list[Measure]:
    """Return measures_for_matching() as a list, kept in this process while the library's version is unchanged.

    Inside a transaction the rows read may not be committed (or may be rolled back), so they are read afresh.
    """
    global _kept
    if connection.in_atomic_block:
        return list(measures_for_matching())
    try:
        version, now = library_version(), time.monotonic()
    except Exception:  # the cache is unreachable: the page still works, reading the measures
        logger.warning("Matching reads the measures afresh: the cache is unreachable.", exc_info=True)
        return list(measures_for_matching())
    kept = _kept
    if kept is not None and kept[0] == version and now - kept[1] < MAX_AGE:
        return kept[2]
    # The version is read before the rows: a change committed in between gives a newer version, never older rows
    # under the newer version.
    measures = list(measures_for_matching())
    _kept = (version, now, measures)
    return measures


def match_measures(facts: Facts, measures: Iterable[Measure], on: datetime.date | None = None) -> list[MeasureMatch]:
    """Match the facts against each measure (whose conditions and districts are prefetched)."""
    on = on or timezone.localdate()
    matches = []
    for measure in measures:
        conditions = list(measure.conditions.all())
        checks = (
            _beneficiary_checks(measure, facts)
            + _ban_checks(facts, measure)
            + _locality_checks(facts, measure, conditions)
        )
        for condition in conditions:
            checks.append(check_condition(condition, measure.document.district, facts))
        if any(c.outcome == FAILED for c in checks):
            group = NOT
        elif any(c.outcome == UNKNOWN for c in checks):
            group = MIGHT
        else:
            group = QUALIFIES
        matches.append(
            MeasureMatch(
                measure,
                group,
                checks,
                measure.document.effective_status(on),
                measure.window_state(on),
                period_ends(measure),
                on,
            )
        )
    return matches


# The facts each kind of condition reads (measures.condition_checks): a measure's match is the same for every
# applicant whose facts agree on what its conditions read (Matcher).
_READS = {
    "registered_in_district": (),
    "tax_in_district": (),
    "stats_in_district": (),
    "not_banned": (),
    "sme_sizes": ("size", "size_missing", "industry"),
    "industries": ("industry",),
    "ownership": ("ownership",),
    "parks": ("park",),
    "certifications": ("certifications",),
    "max_age_years": ("age_years",),
    "max_staff": ("employees",),
    "max_revenue": ("revenue_wan",),
    "min_rd_spend": ("rd_spend",),
    "min_revenue_drop": ("revenue_change",),
    "max_layoff_rate": ("layoff_rate",),
    "min_insured_months": ("insured_months",),
    "not_dishonest": ("dishonest",),
}


_READ_NAMES = sorted({name for names in _READS.values() for name in names})


def _frozen(value):
    return frozenset(value) if isinstance(value, set) else tuple(value) if isinstance(value, list) else value


class Matcher:
    """Match many applicants against the same measures on one day, each measure's match kept for the facts its
    conditions read: in a nightly run most enterprises of a district agree on them (their districts, their size),
    so most matches are looked up rather than checked again. At most `keep` matches are kept (the first met, which
    are the common ones; a rarer combination is checked each time)."""

    def __init__(self, on: datetime.date, keep: int = 20_000) -> None:
        self.on, self.keep = on, keep
        self._kept: dict[tuple, MeasureMatch] = {}
        self._reads: dict[int, tuple[str, ...] | None] = {}
        self.checked = self.looked_up = 0

    def _reads_of(self, measure: Measure) -> tuple[str, ...] | None:
        if measure.pk not in self._reads:
            names: set[str] = set()
            for condition in measure.conditions.all():
                reads = _READS.get(condition.kind)
                if reads is None and condition.kind in _CHECKED_KINDS:
                    names = None  # a kind not listed here: checked every time
                    break
                names.update(reads or ())
            self._reads[measure.pk] = None if names is None else tuple(sorted(names))
        return self._reads[measure.pk]

    def match(self, facts: Facts, measures: Iterable[Measure]) -> list[MeasureMatch]:
        """Return match_measures(facts, measures, on), looked up where the same facts were matched before."""
        places = (facts.registered_district_id, facts.tax_district_id, facts.stats_district_id)
        values = {name: _frozen(getattr(facts, name)) for name in _READ_NAMES}
        common = (places, frozenset(facts.beneficiary_types))
        result = []
        for measure in measures:
            reads = self._reads_of(measure)
            if reads is None:
                result.extend(match_measures(facts, [measure], self.on))
                self.checked += 1
                continue
            ban = facts.bans.get(measure.document.district_id) if facts.bans else None
            key = (measure.pk, common, ban, *[values[name] for name in reads])
            match = self._kept.get(key)
            if match is None:
                [match] = match_measures(facts, [measure], self.on)
                if len(self._kept) < self.keep:  # the facts met first are the common ones: they stay
                    self._kept[key] = match
                self.checked += 1
            else:
                self.looked_up += 1
            result.append(match)
        return result


_ENTERPRISE_TYPES = {"enterprise"}


def _beneficiary_checks(measure: Measure, facts: Facts) -> list[Check]:
    """A measure for landlords, carriers, banks… only: met by a body that says it is one, failed otherwise."""
    types = list(measure.beneficiary_types.all())
    if not types or any(t.code in _ENTERPRISE_TYPES for t in types):
        return []
    names = "、".join(t.name for t in types)
    label = _("支持对象")
    codes = {t.code for t in types}
    if facts.beneficiary_types & codes:
        return [Check(MET, label, "", kind="beneficiary")]
    if not codes - {"other"}:  # individuals, public bodies…: nothing an enterprise could tick
        message = _("本措施面向%(types)s，不面向一般企业。")
    elif facts.from_profile:
        message = _("本措施面向%(types)s；企业资料中没有选择此类主体（如属于，请在企业信息中勾选）。")
    else:
        message = _("本措施面向%(types)s；未选择此类主体（如属于，请在“本单位同时属于”中勾选）。")
    field = "beneficiary_types" if codes - {"other"} else ""
    return [Check(FAILED, label, message % {"types": names}, field=field, kind="beneficiary")]


_PLACE_KINDS = {"registered_in_district", "tax_in_district", "stats_in_district"}


def _locality_checks(facts: Facts, measure: Measure, conditions: list[MeasureCondition]) -> list[Check]:
    """A district's measure whose text names no place: met at home, to be confirmed by a firm taxed or counted in
    the district, not for a firm with no tie to it (a district's funds are for its own enterprises)."""
    district = measure.document.district
    if district.level == District.Level.CITY or any(c.kind in _PLACE_KINDS for c in conditions):
        return []
    label = _("%(district)s的政策") % {"district": district.local_name}
    if facts.registered_district_id == district.pk:
        return [Check(MET, label, "", kind="locality")]
    if facts.registered_district_id is None:
        message = _("资料中缺少“注册地”；区级政策一般面向本区企业。")
        return [Check(UNKNOWN, label, message, field="registered_district", kind="locality")]
    if district.pk in facts.own_district_ids:
        message = _("原文未写明注册地要求；贵单位在%(district)s纳税或纳统、注册地在区外，申请前请向牵头部门确认。")
        return [Check(TO_CONFIRM, label, message % {"district": district.local_name}, kind="locality")]
    message = _(
        "区级政策面向本区企业：贵单位的注册地、纳税地、纳统地都不在%(district)s"
        "（原文未写明注册地要求，如有疑问请咨询牵头部门）。"
    )
    return [Check(FAILED, label, message % {"district": district.local_name}, kind="locality")]


def _ban_checks(facts: Facts, measure: Measure) -> list[Check]:
    district = measure.document.district
    if district.pk not in facts.bans:
        return []
    ends_on, clause = facts.bans[district.pk]
    return [
        Check(
            FAILED,
            _("禁止申请"),
            _("贵单位因弄虚作假骗取补贴被禁止申请%(district)s各类补贴奖励资金，至%(date)s止。")
            % {"district": district.local_name, "date": ends_on.isoformat()},
            quote=clause,
            kind="ban",
        )
    ]
