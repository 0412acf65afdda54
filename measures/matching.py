"""Policy matching (政策匹配): which measures an enterprise qualifies for, might qualify for, or does not, and why.

`facts_for_enterprise` reads a profile into `Facts` (or `Facts` comes from the public short form), and
`match_measures` checks every condition of every measure against them. Each condition gives one of three outcomes:
met, not met (quoting the clause), or unknown because the profile lacks a figure (naming it). A measure qualifies
when every condition is met, might qualify when none fails but some are unknown, and does not qualify otherwise.
Conditions the portal cannot check from a profile (declarations, "other") are listed for the applicant to confirm.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .conditions import SIZE_LABELS, ConditionValueError, certification_kind, parse_value
from .models import BeneficiaryType, District, Measure, MeasureCondition, PolicyDataLoad, PolicyDocument
from .sme import Figure, Size

logger = logging.getLogger(__name__)

MET, UNKNOWN, FAILED, TO_CONFIRM = "met", "unknown", "failed", "confirm"
QUALIFIES, MIGHT, NOT = "qualifies", "might", "not"

# Sector names the documents print, and the categories of the 2011 standard they fall under. `exact` marks a name
# that is the category itself, so an enterprise of that category meets it without confirming its trade.
_SECTORS: tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...] = (
    (("住宿餐饮",), ("住宿业", "餐饮业"), True),
    (("餐饮", "餐馆", "早餐", "供餐"), ("餐饮业",), False),
    (("住宿",), ("住宿业",), True),
    (("批发零售",), ("批发业", "零售业"), True),
    (("便利店", "菜店", "商超", "超市", "生鲜", "实体书店", "商业网点", "零售"), ("零售业",), False),
    (("商贸流通",), ("批发业", "零售业"), False),
    (("批发",), ("批发业",), True),
    (("交通运输",), ("交通运输业",), True),
    (("物流",), ("交通运输业", "仓储业", "邮政业"), False),
    (
        ("软件和信息服务", "软件", "信息技术", "互联网", "工业互联网", "虚拟现实"),
        ("软件和信息技术服务业", "信息传输业"),
        False,
    ),
    (("口罩", "防护服", "测温", "额温", "负压", "呼吸机", "消杀", "防疫用品生产", "医药及器械"), ("工业",), False),
    (("美容美发", "家政", "修理"), ("其他未列明行业",), False),
    (("会展", "展会", "商务服务", "旅游"), ("租赁和商务服务业",), False),
    (("教育培训", "文艺演出", "影视剧院", "冰雪体育", "滑冰滑雪", "研发设计", "内容创意"), ("其他未列明行业",), False),
)


def _sector_categories(name: str) -> tuple[set[str], bool] | None:
    for words, categories, exact in _SECTORS:
        if any(word in name for word in words):
            return set(categories), exact and name in words
    return None


@dataclass
class Facts:
    """What matching knows about an applicant: a saved profile, or the public short form."""

    registered_district_id: int | None = None
    tax_district_id: int | None = None
    stats_district_id: int | None = None
    industry: str = ""
    size: str | None = None
    size_missing: list[str] = field(default_factory=list)
    ownership: str = ""
    park: str = ""
    certifications: set[str] = field(default_factory=set)
    age_years: int | None = None
    employees: int | None = None
    revenue_wan: Decimal | None = None
    rd_spend: Decimal | None = None
    revenue_change: Decimal | None = None  # percent, -80 for a drop of 80%
    layoff_rate: Decimal | None = None  # percent
    insured_months: int | None = None
    dishonest: bool | None = None
    bans: dict[int, tuple[datetime.date, str]] = field(default_factory=dict)  # district id -> (ends on, clause)
    from_profile: bool = True


def facts_for_enterprise(
    enterprise, on: datetime.date | None = None, *, bans: dict[int, tuple[datetime.date, str]] | None = None
) -> Facts:
    """Return the facts of a saved profile (certifications in one query).

    `bans` maps the districts in which the enterprise is banned on `on` to the ban's end and clause; the cases' side
    knows them (applications.models.Ban.objects.by_district).
    """
    on = on or timezone.localdate()
    classification = enterprise.sme_classification()
    facts = Facts(
        registered_district_id=enterprise.registered_district_id,
        tax_district_id=enterprise.tax_district_id,
        stats_district_id=enterprise.stats_district_id,
        industry=enterprise.industry,
        size=classification.size if classification else None,
        size_missing=[str(Figure(f).label) for f in classification.missing] if classification else [],
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
    )
    facts.bans = bans or {}
    return facts


@dataclass
class Check:
    outcome: str
    label: str
    message: str
    quote: str = ""
    field: str = ""  # the profile field that would settle an unknown


@dataclass
class MeasureMatch:
    measure: Measure
    group: str
    checks: list[Check]
    document_status: str
    window_state: str

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

    @property
    def open_for_applications(self) -> bool:
        return self.document_status == PolicyDocument.Status.IN_FORCE and self.window_state in ("", "open")


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
    """Return the token naming the library's current state, creating one if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


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
            _beneficiary_checks(measure) + _ban_checks(facts, measure) + _locality_checks(facts, measure, conditions)
        )
        for condition in conditions:
            checks.append(_check(condition, measure.document.district, facts))
        if any(c.outcome == FAILED for c in checks):
            group = NOT
        elif any(c.outcome == UNKNOWN for c in checks):
            group = MIGHT
        else:
            group = QUALIFIES
        matches.append(
            MeasureMatch(measure, group, checks, measure.document.effective_status(on), measure.window_state(on))
        )
    return matches


_ENTERPRISE_TYPES = {"enterprise"}


def _beneficiary_checks(measure: Measure) -> list[Check]:
    types = list(measure.beneficiary_types.all())
    if not types or any(t.code in _ENTERPRISE_TYPES for t in types):
        return []
    names = "、".join(t.name for t in types)
    return [
        Check(
            UNKNOWN,
            _("支持对象"),
            _("本措施面向%(types)s，请确认贵单位属于此类主体。") % {"types": names},
            field="beneficiary",
        )
    ]


_PLACE_KINDS = {"registered_in_district", "tax_in_district", "stats_in_district"}


def _locality_checks(facts: Facts, measure: Measure, conditions: list[MeasureCondition]) -> list[Check]:
    """A district's measure whose text names no place: met at home, to be asked about from elsewhere."""
    district = measure.document.district
    if district.level == District.Level.CITY or any(c.kind in _PLACE_KINDS for c in conditions):
        return []
    label = _("%(district)s的政策") % {"district": district.local_name}
    if facts.registered_district_id == district.pk:
        return [Check(MET, label, "")]
    return [
        Check(
            UNKNOWN,
            label,
            _("原文未写明注册地要求；区级政策一般面向本区企业，区外企业请先向牵头部门确认。"),
            field="" if facts.registered_district_id else "registered_district",
        )
    ]


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
        )
    ]


def _district_check(label: str, district: District, district_id: int | None, field_name: str) -> tuple[str, str]:
    if district_id is None:
        return UNKNOWN, _("资料中未填写%(what)s。") % {"what": label}
    if district.level == District.Level.CITY or district_id == district.pk:
        return MET, ""
    return FAILED, _("%(what)s不在%(district)s。") % {"what": label, "district": district.local_name}


# Looked up, not get_kind_display(), which hashes every choice's lazy label (a translation each) on every call;
# translated once per check, not once per condition and place.
_KIND_LABELS = dict(MeasureCondition.Kind.choices)
_PLACES = {
    "registered_in_district": (gettext_lazy("注册地"), "registered_district"),
    "tax_in_district": (gettext_lazy("纳税地"), "tax_district"),
    "stats_in_district": (gettext_lazy("纳统地"), "stats_district"),
}


@functools.lru_cache(maxsize=4096)
def _parsed(kind: str, value: str):
    """Return parse_value(kind, value).data, kept for the process: the typed values are immutable."""
    return parse_value(kind, value).data


def _check(condition: MeasureCondition, district: District, facts: Facts) -> Check:
    kind, quote = condition.kind, condition.quote
    label = str(_KIND_LABELS.get(kind, kind))
    try:
        value = _parsed(kind, condition.value)
    except ConditionValueError as error:
        return Check(UNKNOWN, label, _("该条件的取值有误（%(error)s），请咨询主管部门。") % {"error": error}, quote)
    if kind in _PLACES:
        return _place_check(kind, district, quote, facts)
    if kind == "ownership":
        return _ownership_check(label, value, condition.value, quote, facts)
    if kind == "not_banned":
        # A ban in force fails through _ban_checks for every measure of its district; here the rule is shown.
        return Check(MET, label, "", quote)
    check = _CHECKS.get(kind)
    if check is None:
        return Check(TO_CONFIRM, label, condition.value, quote)
    return check(label, value, quote, facts)


def _outcome(label: str, quote: str, ok: bool | None, failed: str, field_name: str = "", unknown: str = "") -> Check:
    """Return met or failed (with its message) as `ok` says, or unknown (naming the field to fill) when it is None."""
    if ok is None:
        return Check(UNKNOWN, label, unknown or _("资料中缺少“%(what)s”。") % {"what": label}, quote, field_name)
    return Check(MET, label, "", quote) if ok else Check(FAILED, label, failed, quote)


def _place_check(kind: str, district: District, quote: str, facts: Facts) -> Check:
    what, field_name = _PLACES[kind]
    district_id = getattr(facts, f"{field_name}_id")
    label = _("%(what)s在%(district)s") % {"what": what, "district": district.local_name}
    outcome, message = _district_check(what, district, district_id, field_name)
    return Check(outcome, label, message, quote, field_name if outcome == UNKNOWN else "")


def _ownership_check(label: str, code: str, wanted: str, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        (facts.ownership == code) if facts.ownership else None,
        _("所有制不符：本措施要求%(what)s企业。") % {"what": wanted},
        "ownership",
        _("资料中缺少“所有制”。"),
    )


def _size_check(label: str, sizes: frozenset[str], quote: str, facts: Facts) -> Check:
    wanted = "、".join(SIZE_LABELS[s] for s in SIZE_LABELS if s in sizes)
    label = _("企业规模为%(sizes)s") % {"sizes": wanted}
    if facts.size is None:
        missing = "、".join(facts.size_missing) or _("行业")
        return Check(UNKNOWN, label, _("无法判定企业规模，资料中缺少：%(what)s。") % {"what": missing}, quote, "size")
    actual = Size(facts.size).label
    return _outcome(
        label, quote, facts.size in sizes, _("按工信部联企业〔2011〕300号划型为%(size)s企业。") % {"size": actual}
    )


def _certification_check(label: str, names: tuple[str, ...], quote: str, facts: Facts) -> Check:
    wanted = {certification_kind(name) for name in names}
    listed = "、".join(names)
    label = _("具有以下资质之一：%(names)s") % {"names": listed}
    return _outcome(
        label, quote, bool(wanted & facts.certifications), _("资料中没有%(names)s认定。") % {"names": listed}
    )


def _age_check(label: str, limit: int, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        None if facts.age_years is None else facts.age_years <= limit,
        _("成立已%(years)s年，超过%(limit)s年。") % {"years": facts.age_years, "limit": limit},
        "founded_on",
        _("资料中缺少“成立日期”。"),
    )


def _staff_check(label: str, limit: int, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        None if facts.employees is None else facts.employees <= limit,
        _("从业人员%(count)s人，超过%(limit)s人。") % {"count": facts.employees, "limit": limit},
        "employees",
        _("资料中缺少“从业人员”。"),
    )


def _revenue_check(label: str, limit: Decimal, quote: str, facts: Facts) -> Check:
    revenue = None if facts.revenue_wan is None else facts.revenue_wan * 10000
    return _outcome(
        label,
        quote,
        None if revenue is None else revenue <= limit,
        _("营业收入%(revenue)s元，超过%(limit)s元。")
        % {"revenue": f"{revenue:,.2f}" if revenue else "", "limit": f"{limit:,.2f}"},
        "revenue",
        _("资料中缺少“营业收入”。"),
    )


def _rd_spend_check(label: str, limit: Decimal, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        None if facts.rd_spend is None else facts.rd_spend >= limit,
        _("研发费用%(spend)s元，低于%(limit)s元。")
        % {"spend": f"{facts.rd_spend:,.2f}" if facts.rd_spend is not None else "", "limit": f"{limit:,.2f}"},
        "rd_spend",
        _("资料中缺少“上年度研发费用”。"),
    )


def _revenue_drop_check(label: str, limit: Decimal, quote: str, facts: Facts) -> Check:
    drop = None if facts.revenue_change is None else -facts.revenue_change / 100
    return _outcome(
        label,
        quote,
        None if drop is None else drop >= limit,
        _("营业收入同比变化%(change)s%%，未达到下降%(limit)s%%。")
        % {"change": facts.revenue_change, "limit": format((limit * 100).normalize(), "f")},
        "revenue_change",
        _("资料中缺少“营业收入同比变化”。"),
    )


def _layoff_rate_check(label: str, limit: Decimal, quote: str, facts: Facts) -> Check:
    rate = None if facts.layoff_rate is None else facts.layoff_rate / 100
    return _outcome(
        label,
        quote,
        None if rate is None else rate <= limit,
        _("裁员率%(rate)s%%，高于%(limit)s%%。")
        % {"rate": facts.layoff_rate, "limit": format((limit * 100).normalize(), "f")},
        "layoff_rate",
        _("资料中缺少“裁员率”。"),
    )


def _insured_months_check(label: str, limit: int, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        None if facts.insured_months is None else facts.insured_months >= limit,
        _("连续参保%(months)s个月，不足%(limit)s个月。") % {"months": facts.insured_months, "limit": limit},
        "insured_months",
        _("资料中缺少“连续参加失业保险月数”。"),
    )


def _dishonesty_check(label: str, _value: None, quote: str, facts: Facts) -> Check:
    return _outcome(
        label,
        quote,
        None if facts.dishonest is None else not facts.dishonest,
        _("贵单位列入严重违法失信名单。"),
        "on_dishonesty_list",
        _("登录后按企业资料判断是否列入严重违法失信名单。"),
    )


def _industry_check(label: str, names: tuple[str, ...], quote: str, facts: Facts) -> Check:
    listed = "、".join(names)
    label = _("行业：%(names)s") % {"names": listed}
    if not facts.industry:
        return Check(UNKNOWN, label, _("资料中缺少“行业”。"), quote, "industry")
    categories: set[str] = set()
    exact = False
    all_known = True
    for name in names:
        known = _sector_categories(name)
        if known is None:
            all_known = False
            continue
        categories |= known[0]
        exact = exact or (known[1] and facts.industry in known[0])
    if exact:
        return Check(MET, label, "", quote)
    if all_known and facts.industry not in categories:
        return Check(
            FAILED,
            label,
            _("贵单位所属行业（%(industry)s）不在本措施支持的行业之列。") % {"industry": facts.industry},
            quote,
        )
    return Check(
        UNKNOWN, label, _("请确认贵单位的主营业务属于：%(names)s。") % {"names": listed}, quote, "industry_confirm"
    )


def _park_check(label: str, parks: tuple[str, ...], quote: str, facts: Facts) -> Check:
    listed = "、".join(parks)
    label = _("位于：%(names)s") % {"names": listed}
    if not facts.park:
        return Check(UNKNOWN, label, _("资料中缺少“所在园区”。"), quote, "park")
    park = facts.park
    for name in parks:
        zgc_wide = name.startswith("中关村") and any(w in name for w in ("示范区", "一区十六园", "自主创新"))
        if name in park or park in name or (zgc_wide and park.startswith("中关村")):
            return Check(MET, label, "", quote)
    return Check(
        UNKNOWN,
        label,
        _("请确认所在园区“%(park)s”是否属于：%(names)s。") % {"park": park, "names": listed},
        quote,
        "park",
    )


# The check of each kind of condition: (label, parsed value, quote, facts) -> Check. Places, ownership and bans are
# checked in _check itself; a kind not listed here is for the applicant to confirm.
_CHECKS = {
    "sme_sizes": _size_check,
    "industries": _industry_check,
    "parks": _park_check,
    "certifications": _certification_check,
    "max_age_years": _age_check,
    "max_staff": _staff_check,
    "max_revenue": _revenue_check,
    "min_rd_spend": _rd_spend_check,
    "min_revenue_drop": _revenue_drop_check,
    "max_layoff_rate": _layoff_rate_check,
    "min_insured_months": _insured_months_check,
    "not_dishonest": _dishonesty_check,
}
