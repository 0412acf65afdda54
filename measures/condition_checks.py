"""The check of each kind of condition (measures.conditions) against what matching knows about an applicant.

`Facts` is that knowledge (a saved profile, or the public short form); `check_condition` gives one `Check` per
condition: met, failed (with its message), unknown (naming the profile field that would settle it) or to be
confirmed when applying. measures.matching puts the checks of a measure together.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .conditions import SIZE_LABELS, ConditionValueError, certification_kind, parse_value
from .models import District, MeasureCondition
from .sme import Figure, Size

MET, UNKNOWN, FAILED, TO_CONFIRM = "met", "unknown", "failed", "confirm"

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
    # The kinds of body besides an ordinary enterprise the applicant says it is (BeneficiaryType codes: landlord,
    # carrier, bank…); a measure for such bodies only is met by one of them.
    beneficiary_types: set[str] = field(default_factory=set)
    bans: dict[int, tuple[datetime.date, str]] = field(default_factory=dict)  # district id -> (ends on, clause)
    from_profile: bool = True

    @property
    def own_district_ids(self) -> set[int]:
        """Return the districts the applicant is registered, taxed or counted in."""
        ids = (self.registered_district_id, self.tax_district_id, self.stats_district_id)
        return {pk for pk in ids if pk is not None}


@dataclass
class Check:
    outcome: str
    label: str
    message: str
    quote: str = ""
    field: str = ""  # the profile field that would settle an unknown (or change a failure the profile decides)
    kind: str = ""  # what is checked: a condition's kind, or "ban", "locality", "beneficiary"


_FIGURE_FIELDS = {"employees": "employees", "revenue": "revenue", "assets": "total_assets"}


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


# A condition with a threshold is named with it ("营业收入同比下降不低于80%"), not as the kind's bare name with
# its unit ("…不低于（比例）"), which left the enterprise to guess the figure.
_THRESHOLD_LABELS = {
    "max_age_years": gettext_lazy("成立年限不超过%(value)s年"),
    "max_staff": gettext_lazy("从业人员不超过%(value)s人"),
    "max_revenue": gettext_lazy("营业收入不超过%(value)s"),
    "min_rd_spend": gettext_lazy("研发费用不低于%(value)s"),
    "min_revenue_drop": gettext_lazy("营业收入同比下降不低于%(value)s"),
    "max_layoff_rate": gettext_lazy("裁员率不高于%(value)s"),
    "min_insured_months": gettext_lazy("连续参加失业保险不少于%(value)s个月"),
}


def _label(condition: MeasureCondition) -> str:
    template = _THRESHOLD_LABELS.get(condition.kind)
    if template is not None and condition.value:
        return template % {"value": condition.display_value}
    return str(_KIND_LABELS.get(condition.kind, condition.kind))


@functools.lru_cache(maxsize=4096)
def _parsed(kind: str, value: str):
    """Return parse_value(kind, value).data, kept for the process: the typed values are immutable."""
    return parse_value(kind, value).data


def check_condition(condition: MeasureCondition, district: District, facts: Facts) -> Check:
    kind, quote = condition.kind, condition.quote
    label = _label(condition)
    try:
        value = _parsed(kind, condition.value)
    except ConditionValueError as error:
        # The data is wrong, not the profile: the reviewer judges the condition from the clause.
        message = _("该条件的取值有误（%(error)s），由主管部门按原文审核。") % {"error": error}
        return Check(TO_CONFIRM, label, message, quote, kind=kind)
    if kind in _PLACES:
        check = _place_check(kind, district, quote, facts)
    elif kind == "ownership":
        check = _ownership_check(label, value, condition.value, quote, facts)
    elif kind == "not_banned":
        # A ban in force fails through _ban_checks for every measure of its district; here the rule is shown.
        check = Check(MET, label, "", quote)
    elif kind in _CHECKS:
        check = _CHECKS[kind](label, value, quote, facts)
    else:
        check = Check(TO_CONFIRM, label, condition.value, quote)
    check.kind = kind
    return check


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


def _size_field(facts: Facts) -> str:
    """Return the profile field to fill first for the size to be told: the industry, then the missing figures."""
    if not facts.industry:
        return "industry"
    labels = {str(Figure(figure).label): figure for figure in _FIGURE_FIELDS}
    for missing in facts.size_missing:
        if missing in labels:
            return _FIGURE_FIELDS[labels[missing]]
    return "industry"


def _size_check(label: str, sizes: frozenset[str], quote: str, facts: Facts) -> Check:
    wanted = _("、").join(str(Size(s).label) for s in SIZE_LABELS if s in sizes)  # 中型、小型 or "Medium, Small"
    label = _("企业规模为%(sizes)s") % {"sizes": wanted}
    if facts.size is None:
        missing = "、".join(facts.size_missing) or _("行业")
        message = _("无法判定企业规模，资料中缺少：%(what)s。") % {"what": missing}
        return Check(UNKNOWN, label, message, quote, _size_field(facts))
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
    # The profile's categories cannot tell the trade the clause names: the applicant confirms it when applying.
    return Check(TO_CONFIRM, label, _("申请时确认贵单位的主营业务属于：%(names)s。") % {"names": listed}, quote)


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
    # The park's name as typed does not tell whether it is one the clause names: confirmed when applying.
    return Check(
        TO_CONFIRM, label, _("申请时确认所在园区“%(park)s”属于：%(names)s。") % {"park": park, "names": listed}, quote
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
# The kinds whose check reads the applicant's facts (the rest are shown for the applicant to confirm).
CHECKED_KINDS = frozenset({*_CHECKS, *_PLACES, "ownership"})
