"""One enterprise against a 免申即享 measure: listed on its verified profile with the amount and a reason per
condition, left out with the reason, or not concerned at all.

The measure's conditions are checked by measures.matching twice: on the figures of the enterprise's latest verified
ProfileVersion (applications.direct.verification) and on its profile as it stands (bans from
Ban.objects.by_district in both). An enterprise that qualifies on neither is not concerned. One that qualifies on its
own profile only (no verified version, or the verified one fails or lacks a figure) is left out, and the reason names
the conditions the verified figures do not meet. The amount is the rule's (workflow.estimates, with the enterprise's
earlier awards counted) for the inputs the verified data gives (measures.direct.input_values).
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import ClaimStatus, Enterprise
from measures import rules
from measures.direct import input_values
from measures.estimation import inputs_for
from measures.matching import MET, Check, MeasureMatch, facts_for_enterprise, match_measures
from measures.models import District, Measure
from measures.rule_text import rule_text

from ..models import Ban, DirectEntry, ProfileVerification
from ..review.applicant import KIND_FIELDS, OUTCOME_LABELS, SME_FIGURES, AsSubmitted, field_label, shown_value
from ..workflow.estimates import estimate

State = DirectEntry.State


@dataclass
class Assessment:
    """What a list records of one enterprise (a DirectEntry's fields)."""

    enterprise: Enterprise
    state: str
    reason: str = ""
    checks: list[dict[str, str]] = field(default_factory=list)
    verification: ProfileVerification | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    amount: Decimal | None = None
    steps: list[dict[str, str]] = field(default_factory=list)
    ceiling: Decimal | None = None
    discretionary: bool = False
    rule_version: str = ""
    rule_snapshot: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def entry(self, direct_list) -> DirectEntry:
        verification = self.verification
        return DirectEntry(
            direct_list=direct_list,
            enterprise=self.enterprise,
            state=self.state,
            reason=self.reason,
            checks=self.checks,
            verification=verification,
            profile_version=verification.version if verification else None,
            inputs=self.inputs,
            amount=self.amount,
            steps=self.steps,
            ceiling=self.ceiling,
            discretionary=self.discretionary,
            rule_version=self.rule_version,
            rule_snapshot=self.rule_snapshot,
            note=self.note,
        )


@dataclass
class Known:
    """What the list generation read once for every enterprise: verifications, open cases, earlier offers."""

    on: datetime.date
    verifications: dict[int, ProfileVerification]
    open_cases: dict[int, str]  # enterprise id -> reference of its open case under the measure
    earlier_offers: dict[int, DirectEntry]  # enterprise id -> its latest offer of the measure (any answer)
    districts: dict[int, District]


def _blockers(match: MeasureMatch) -> list[Check]:
    """Return what stops the match from qualifying for an offer, a ban apart: any condition not met."""
    return [c for c in match.checks if c.outcome != MET and c.kind != "ban"]


def _match(facts, measure: Measure, on: datetime.date) -> MeasureMatch:
    [match] = match_measures(facts, [measure], on)
    return match


def assess(enterprise: Enterprise, measure: Measure, known: Known) -> Assessment | None:
    """Return what the list says of the enterprise, or None when it qualifies on none of its figures."""
    on = known.on
    verification = known.verifications.get(enterprise.pk)
    frozen = AsSubmitted(verification.version.data) if verification else None
    live = _match(facts_for_enterprise(enterprise, on), measure, on)
    verified = _match(_verified_facts(enterprise, frozen, on), measure, on) if frozen else None
    if _blockers(live) and (verified is None or _blockers(verified)):
        return None
    bans = Ban.objects.by_district(enterprise, on)
    if bans:
        live = _match(facts_for_enterprise(enterprise, on, bans=bans), measure, on)
        if live.banned:
            ban = next(c for c in live.checks if c.kind == "ban")
            return Assessment(enterprise, State.LEFT_OUT, reason=ban.message)
    left_out = _left_out(enterprise, verification, verified, known)
    if left_out:
        return Assessment(enterprise, State.LEFT_OUT, reason=left_out, verification=verification)
    return _with_amount(enterprise, measure, verification, verified, live, known)


def _verified_facts(enterprise: Enterprise, frozen: AsSubmitted, on: datetime.date):
    """Return the facts of the verified version; the dishonesty list is the staff's own record, read as it is now."""
    facts = facts_for_enterprise(frozen, on)
    facts.dishonest = enterprise.on_dishonesty_list
    return facts


def _left_out(
    enterprise: Enterprise, verification: ProfileVerification | None, verified: MeasureMatch | None, known: Known
) -> str:
    """Return why an enterprise qualifying on some figures is not offered the award, or ""."""
    if enterprise.claim_status != ClaimStatus.VERIFIED:
        return _("统一社会信用代码认领尚未核验，画像数据不能作为免申即享的依据。")
    if verification is None:
        return _("按企业自行填报的画像符合条件，但画像未经工作人员核验：核验后再生成名单即可列入。")
    if verified is None or _blockers(verified):
        failing = "；".join(_blocker_text(c) for c in _blockers(verified)) if verified else ""
        return _(
            "仅按企业自行填报、未经核验的画像符合条件；经核验的画像（第%(number)s版，%(date)s核验）不符合：%(failing)s"
        ) % {
            "number": verification.version.number,
            "date": f"{verification.verified_at:%Y-%m-%d}",
            "failing": failing,
        }
    if enterprise.pk in known.open_cases:
        return _("已有本措施进行中的申请 %(reference)s。") % {"reference": known.open_cases[enterprise.pk]}
    offer = known.earlier_offers.get(enterprise.pk)
    if offer is not None:
        return _("已于%(date)s收到本措施的免申即享通知（%(state)s）。") % {
            "date": f"{offer.offered_at or offer.direct_list.generated_at:%Y-%m-%d}",
            "state": offer.get_state_display(),
        }
    return ""


def _blocker_text(check: Check) -> str:
    message = check.message or _(OUTCOME_LABELS[check.outcome])
    return f"{check.label}（{message}）"


def _with_amount(
    enterprise: Enterprise,
    measure: Measure,
    verification: ProfileVerification,
    verified: MeasureMatch,
    live: MeasureMatch,
    known: Known,
) -> Assessment:
    """Return the listed enterprise with the amount its verified data gives, or left out when it gives none."""
    data = verification.version.data
    result = Assessment(enterprise, State.LEFT_OUT, verification=verification, checks=_reasons(verified, data, known))
    kinds = [c["kind"] for c in data.get("certifications") or []]
    raw, missing = input_values(measure.direct_inputs or {}, kinds, data)
    if missing:
        labels = {spec.name: rule_text(spec.label) for spec in inputs_for(measure)}
        result.reason = _("经核验的画像缺少测算所需的数据：%(names)s。") % {
            "names": "、".join(labels.get(name, name) for name in missing)
        }
        return result
    contribution = data.get("prior_year_district_contribution")
    if measure.document.annual_ceiling_quote and contribution in (None, ""):
        result.reason = _("本措施每年支持金额以上年度区级财政贡献为限，经核验的画像未载明该数据。")
        return result
    counted = copy.copy(enterprise)  # earlier awards by its id; the yearly ceiling by the verified figure
    counted.prior_year_district_contribution = Decimal(str(contribution)) if contribution not in (None, "") else None
    try:
        estimated = estimate(measure, raw, enterprise=counted, on=known.on)
    except rules.RuleInputError as error:
        result.reason = _("测算数据有误：%(errors)s") % {"errors": "；".join(map(str, error.errors.values()))}
        return result
    result.inputs, result.steps = raw, estimated.steps
    result.ceiling, result.discretionary = estimated.ceiling, estimated.discretionary
    result.rule_version, result.rule_snapshot = estimated.rule_version, estimated.rule_snapshot
    result.amount = estimated.amount
    if not estimated.amount or estimated.amount <= 0:
        last = estimated.steps[-1] if estimated.steps else {}
        result.reason = _("按计算规则测算金额为0：%(step)s") % {"step": last.get("detail") or last.get("label", "")}
        return result
    result.state = State.LISTED
    result.note = _changed_since(live)
    return result


def _reasons(match: MeasureMatch, data: dict[str, Any], known: Known) -> list[dict[str, str]]:
    """Return each condition with its outcome on the verified profile and the verified figures it read."""
    rows = []
    for check in match.checks:
        names = list(KIND_FIELDS.get(check.kind, ()))
        if check.kind == "sme_sizes":
            names += ["sme_size", *SME_FIGURES.values()]
        if check.kind == "locality":
            names = ["registered_district"]
        figures = "；".join(
            f"{field_label(name)}：{shown_value(name, data.get(name), known.districts)}" for name in names
        )
        rows.append(
            {
                "label": str(check.label),
                "outcome": check.outcome,
                "outcome_label": _(OUTCOME_LABELS[check.outcome]),
                "message": str(check.message or ""),
                "quote": str(check.quote or ""),
                "figures": figures,
            }
        )
    return rows


def _changed_since(live: MeasureMatch) -> str:
    """Return a warning for the approvers when the enterprise's own profile no longer meets what was verified."""
    if not _blockers(live):
        return ""
    failing = "；".join(_blocker_text(c) for c in _blockers(live))
    return _("注意：企业在核验后修改了画像，按修改后的数据不符合：%(failing)s。名单按经核验的数据判定。") % {
        "failing": failing
    }
