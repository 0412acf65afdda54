"""Who is applying and whether they qualify: what a reviewer reads first on a case.

The profile as submitted is the ProfileVersion the case references (frozen at submission), shown under the profile
form's labels; beside it the profile now. The conditions of the measure are checked twice with measures.matching,
once against the frozen profile on the day of submission and once against the profile today, so a reviewer sees
what changed since. Then the sanctions and the enterprise's other cases in the district.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BeneficiaryKind, Certification, Enterprise, User
from accounts.services import PROFILE_FIELDS, profile_snapshot
from measures.matching import (
    FAILED,
    MET,
    TO_CONFIRM,
    UNKNOWN,
    Check,
    facts_for_enterprise,
    kept_measures_for_matching,
    match_measures,
    measures_for_matching,
)
from measures.models import District, Measure
from measures.sme import Classification, Size, figures_needed

from ..models import Application, Ban, Recovery, Status
from ..workflow.permissions import applications_visible_to

# The profile fields each kind of condition reads (measures.matching), for "the figures the measure tests".
KIND_FIELDS = {
    "registered_in_district": ("registered_district",),
    "tax_in_district": ("tax_district",),
    "stats_in_district": ("stats_district",),
    "sme_sizes": ("industry",),  # and the figures its industry is sized by, added below
    "industries": ("industry",),
    "ownership": ("ownership",),
    "parks": ("park",),
    "certifications": ("certifications",),
    "max_age_years": ("founded_on",),
    "max_staff": ("employees",),
    "max_revenue": ("revenue",),
    "min_rd_spend": ("rd_spend",),
    "min_revenue_drop": ("revenue_change",),
    "max_layoff_rate": ("layoff_rate",),
    "min_insured_months": ("insured_months",),
    "not_dishonest": ("on_dishonesty_list",),
}
SME_FIGURES = {"employees": "employees", "revenue": "revenue", "assets": "total_assets"}
ROWS = [*PROFILE_FIELDS, "credit_code", "certifications", "sme_size"]
OUTCOME_LABELS = {MET: "符合", FAILED: "不符合", UNKNOWN: "无法判断", TO_CONFIRM: "需人工核实"}
AWARD_STATUSES = {Status.APPROVED, Status.DISBURSING, Status.DISBURSED, Status.CLOSED, Status.REVOKED}


@dataclass
class ProfileRow:
    name: str
    label: str
    then: str
    now: str
    tested: bool

    @property
    def changed(self) -> bool:
        return self.then != self.now


@dataclass
class ConditionRow:
    then: Check | None
    now: Check

    @property
    def label(self) -> str:
        return self.now.label

    @property
    def quote(self) -> str:
        return self.now.quote

    @property
    def changed(self) -> bool:
        return self.then is not None and self.then.outcome != self.now.outcome


@dataclass
class ApplicantPanel:
    submitted_on: datetime.date | None
    version_number: int | None
    rows: list[ProfileRow]
    sme_then: Classification | None
    sme_now: Classification | None
    conditions: list[ConditionRow]
    dishonest_then: bool | None
    dishonest_now: bool
    bans: list[Ban]
    recoveries: list[Recovery]
    measure: Measure | None = None  # as matching reads it (matched_measure), for the review criteria
    awards: list[Application] = field(default_factory=list)
    open_cases: list[Application] = field(default_factory=list)
    visible: set[int] = field(default_factory=set)

    @property
    def tested_rows(self) -> list[ProfileRow]:
        return [row for row in self.rows if row.tested]


def outcome_label(check: Check | None) -> str:
    return _(OUTCOME_LABELS[check.outcome]) if check else _("（提交时未留存）")


def field_label(name: str) -> str:
    extra = {"certifications": _("资质认定"), "sme_size": _("企业规模")}
    if name in extra:
        return extra[name]
    try:
        return str(Enterprise._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


_KINDS = dict(Certification.Kind.choices)


def shown_value(name: str, value: Any, districts: dict[int, District]) -> str:
    """Return a value of a profile snapshot as the profile form would show it."""
    if value in (None, "", []):
        return _("（未填写）")
    if name.endswith("district"):
        district = districts.get(value)
        return district.name if district else str(value)
    if name == "certifications":
        return "；".join(
            f"{_KINDS.get(c['kind'], c['kind'])} {c.get('level', '')}（{c.get('certified_on', '')}）".replace(
                " （", "（"
            )
            for c in value
        )
    if name == "sme_size":
        return str(Size(value).label)
    if name == "beneficiary_types":
        kinds = dict(BeneficiaryKind.choices)
        return "、".join(str(kinds.get(code, code)) for code in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    try:
        model_field = Enterprise._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DecimalField):
        try:
            return format(Decimal(str(value)).normalize(), "f")  # 1800.00 and 1800 are one figure
        except InvalidOperation:
            return str(value)
    return str(value)


def tested_fields(measure: Measure, industry: str) -> set[str]:
    """Return the profile fields the measure's conditions (and its document's annual ceiling) read."""
    names: set[str] = set()
    kinds = {c.kind for c in measure.conditions.all()}
    for kind in kinds:
        names.update(KIND_FIELDS.get(kind, ()))
    if "sme_sizes" in kinds and industry:
        names.update(SME_FIGURES[f] for f in figures_needed(industry))
    if not kinds & {"registered_in_district", "tax_in_district", "stats_in_district"}:
        names.add("registered_district")  # a district's measure is for the district's enterprises
    if measure.document.annual_ceiling_quote:
        names.add("prior_year_district_contribution")
    return names


class AsSubmitted:
    """The enterprise as a ProfileVersion froze it, read the way measures.matching reads an enterprise."""

    def __init__(self, data: dict[str, Any]):
        values = {}
        for name, value in data.items():
            try:
                model_field = Enterprise._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if value in (None, "") or not model_field.concrete:
                continue
            if isinstance(model_field, models.ForeignKey):
                values[model_field.attname] = value
            else:
                values[name] = model_field.to_python(value)
        self._enterprise = Enterprise(**values)
        kinds = [c["kind"] for c in data.get("certifications") or []]
        self.certifications = SimpleNamespace(all=lambda: [SimpleNamespace(kind=kind) for kind in kinds])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._enterprise, name)


def matched_measure(application: Application) -> Measure:
    """Return the case's measure as matching reads it (document, district, conditions, beneficiary types), from the
    copy this process keeps (measures.matching.kept_measures_for_matching): read for the case alone it cost three
    queries, and the profile rows and the review criteria read its conditions twice more."""
    if not connection.in_atomic_block:  # inside a transaction the kept copy is not used: read the one measure
        for measure in kept_measures_for_matching():
            if measure.pk == application.measure_id:
                return measure
    return measures_for_matching().get(pk=application.measure_id)


def _by_district(bans: list[Ban], on: datetime.date) -> dict[int, tuple[datetime.date, str]]:
    """Ban.objects.by_district over the enterprise's bans read once (in the same order, so the same choice)."""
    return {b.district_id: (b.ends_on, b.quote or b.decision_number) for b in bans if b.starts_on <= on <= b.ends_on}


def _conditions(
    application: Application,
    frozen: AsSubmitted | None,
    on_then: datetime.date | None,
    measure: Measure,
    bans: list[Ban],
):
    """Return each check of the measure against the profile then and now, the ban checks left out (the panel lists
    the bans themselves). `bans` are all the enterprise's bans."""
    today = timezone.localdate()
    enterprise = application.enterprise
    ban_label = _("禁止申请")

    def checks(facts, on):
        [match] = match_measures(facts, [measure], on)
        return [c for c in match.checks if c.label != ban_label]

    now = checks(facts_for_enterprise(enterprise, today, bans=_by_district(bans, today)), today)
    then: list[Check | None] = [None] * len(now)
    if frozen is not None and on_then is not None:
        then = checks(facts_for_enterprise(frozen, on_then, bans=_by_district(bans, on_then)), on_then)
    return [ConditionRow(t, n) for t, n in zip(then, now, strict=True)]


def profile_rows(
    application: Application, data: dict[str, Any], now: dict[str, Any], measure: Measure | None = None
) -> list[ProfileRow]:
    ids = {v for k, v in (*data.items(), *now.items()) if k.endswith("district") and v}
    districts = District.objects.in_bulk(ids)
    tested = tested_fields(measure or application.measure, now.get("industry") or data.get("industry") or "")
    return [
        ProfileRow(
            name,
            field_label(name),
            shown_value(name, data.get(name), districts) if data else _("（提交时未留存）"),
            shown_value(name, now.get(name), districts),
            name in tested,
        )
        for name in ROWS
    ]


# What the panel shows of the enterprise's other cases (templates/applications/admin/_other_case.html): whole rows
# of up to 50 cases, their measures and documents (answers, estimate steps, clause texts) cost more than the page.
HISTORY_COLUMNS = [
    "reference",
    "status",
    "estimate_amount",
    "proposed_amount",
    "approved_amount",
    "measure__clause",
    "measure__title",
    "measure__document__number",
    "measure__document__title",
]


def _history(application: Application, user: User) -> tuple[list[Application], list[Application], set[int]]:
    # Whether the reader may open each one comes with it: asked afterwards, it was a query only when there were
    # other cases, so the page's queries depended on the enterprise.
    others = list(
        Application.objects.filter(enterprise_id=application.enterprise_id, district_id=application.district_id)
        .exclude(pk=application.pk)
        .exclude(status=Status.DRAFT)
        .select_related("measure__document")
        .only(*HISTORY_COLUMNS)
        .annotate(visible=Exists(applications_visible_to(user).filter(pk=OuterRef("pk"))))
        .order_by("-pk")[:50]
    )
    awards = [a for a in others if a.status in AWARD_STATUSES]
    open_cases = [a for a in others if a.is_open and a.status not in AWARD_STATUSES]
    visible = {a.pk for a in others if a.visible}
    return awards, open_cases, visible


def applicant_panel(application: Application, user: User) -> ApplicantPanel:
    """Return what the case page shows of the applicant to the person reading it."""
    enterprise = application.enterprise
    version = application.profile_version
    data = version.data if version else {}
    frozen = AsSubmitted(data) if version else None
    submitted_on = timezone.localdate(application.submitted_at) if application.submitted_at else None
    awards, open_cases, visible = _history(application, user)
    measure = matched_measure(application)
    bans = list(Ban.objects.filter(enterprise=enterprise))  # read once for the checks then and now and the list
    return ApplicantPanel(
        submitted_on=submitted_on,
        version_number=version.number if version else None,
        rows=profile_rows(application, data, profile_snapshot(enterprise), measure),
        sme_then=frozen.sme_classification() if frozen and frozen.industry else None,
        sme_now=enterprise.sme_classification(),
        conditions=_conditions(application, frozen, submitted_on, measure, bans),
        dishonest_then=data.get("on_dishonesty_list") if version else None,
        dishonest_now=enterprise.on_dishonesty_list,
        bans=[ban for ban in bans if ban.district_id == application.district_id],
        recoveries=list(Recovery.objects.filter(enterprise=enterprise, district_id=application.district_id)),
        awards=awards,
        open_cases=open_cases,
        visible=visible,
        measure=measure,
    )
