"""What the portal checks again when a case is submitted. Each problem is a Chinese sentence that says why and
quotes the clause it rests on."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Application, Ban
from .declarations import required_declarations


def submission_problems(application: Application, on: datetime.date | None = None) -> list[str]:
    """Return why the case cannot be submitted on the given day (empty when it can)."""
    on = on or timezone.localdate()
    return [
        *claim_problems(application),
        *window_problems(application, on),
        *relative_deadline_problems(application, on),
        *document_problems(application, on),
        *ban_problems(application, on),
        *duplicate_problems(application),
        *declaration_problems(application),
        *material_problems(application),
        *headcount_problems(application),
        *eligibility_and_cap_problems(application, on),
    ]


def claim_problems(application: Application) -> list[str]:
    """An enterprise whose claim to its credit code no administrator has verified cannot submit."""
    if application.enterprise.is_verified:
        return []
    return [
        _(
            "贵企业对统一社会信用代码 %(code)s 的认领尚未核验，暂不能提交申请（草稿已保存）。"
            "请将加盖公章的营业执照副本复印件交平台管理员核验，核验后即可提交。"
        )
        % {"code": application.enterprise.credit_code}
    ]


def headcount_problems(application: Application) -> list[str]:
    """Numbers of persons the form asks for cannot exceed the staff the enterprise's profile states.

    Persons trained, hired, insured or placed are the enterprise's own staff; a figure above the profile's is
    either a typing error or needs the profile brought up to date first (which keeps a version the reviewer sees).
    """
    from .estimates import rule_inputs

    staff = application.enterprise.employees
    if staff is None:
        return []
    problems = []
    for spec in rule_inputs(application.measure):
        if spec.type != "integer" or str(spec.unit) != "人":
            continue
        try:
            persons = int(str(application.inputs.get(spec.name) or "").strip())
        except ValueError:
            continue  # parse_inputs reports it
        if persons > staff:
            problems.append(
                _(
                    "“%(label)s”填写为 %(persons)s 人，超过企业信息中的从业人员 %(staff)s 人。"
                    "请核对；如从业人员已增加，请先更新企业信息。"
                )
                % {"label": spec.label, "persons": persons, "staff": staff}
            )
    return problems


def relative_deadline_problems(application: Application, on: datetime.date) -> list[str]:
    """A measure whose deadline runs from the enterprise's own event: the date is needed, and not past."""
    measure = application.measure
    if not measure.has_relative_deadline:
        return []
    if application.event_date is None:
        return [_("请填写“%(event)s”的日期，申请期限由它起算。") % {"event": measure.apply_within_event}]
    if application.event_date > on:
        return [_("“%(event)s”的日期不能晚于今天。") % {"event": measure.apply_within_event}]
    apply_by = measure.apply_by(application.event_date)
    if apply_by < on:
        return [
            _(
                "申请期限已于%(date)s届满（%(event)s之日为%(event_date)s），逾期视为自动放弃。依据%(citation)s：“%(words)s”。"
            )
            % {
                "date": apply_by.isoformat(),
                "event": measure.apply_within_event,
                "event_date": application.event_date.isoformat(),
                "citation": measure.citation,
                "words": measure.deadline_rule,
            }
        ]
    return []


def window_problems(application: Application, on: datetime.date) -> list[str]:
    measure = application.measure
    state = measure.window_state(on)
    words = measure.window_text or _("%(opens)s至%(closes)s") % {
        "opens": measure.window_opens or "",
        "closes": measure.window_closes or "",
    }
    if state == "closed":
        return [
            _("申报期已于%(date)s截止，不能再提交。依据%(citation)s：“%(words)s”。")
            % {"date": measure.window_closes.isoformat(), "citation": measure.citation, "words": words}
        ]
    if state == "not_yet":
        return [
            _("申报期自%(date)s开始，尚不能提交。依据%(citation)s：“%(words)s”。")
            % {"date": measure.window_opens.isoformat(), "citation": measure.citation, "words": words}
        ]
    return []


def document_problems(application: Application, on: datetime.date) -> list[str]:
    document = application.measure.document
    if document.is_in_force(on):
        return []
    status = document.Status(document.effective_status(on)).label
    validity = _("，文件载明：“%(validity)s”") % {"validity": document.validity} if document.validity else ""
    return [
        _("%(document)s当前状态为“%(status)s”%(validity)s，不能据此申报。")
        % {"document": document.number or f"《{document.title}》", "status": status, "validity": validity}
    ]


def blocking_bans(application: Application, on: datetime.date):
    """Return the enterprise's bans in the case's district in force on the day, less those a district administrator
    recorded the case may go on despite (Application.ban_override_at: the bans that existed then)."""
    bans = Ban.objects.active(on).filter(enterprise_id=application.enterprise_id, district_id=application.district_id)
    if application.ban_override_at is not None:
        bans = bans.exclude(created_at__lte=application.ban_override_at)
    return bans


def ban_problems(application: Application, on: datetime.date) -> list[str]:
    ban = blocking_bans(application, on).select_related("district").order_by("-ends_on").first()
    if ban is None:
        return []
    return [
        _(
            "贵企业经%(decision)s认定%(reason)s，%(start)s至%(end)s不得申请%(district)s各类补贴奖励资金。"
            "依据条款：“%(quote)s”"
        )
        % {
            "decision": ban.decision_number,
            "reason": ban.reason,
            "start": ban.starts_on.isoformat(),
            "end": ban.ends_on.isoformat(),
            "district": ban.district.local_name,
            "quote": ban.clause_quote,
        }
    ]


def duplicate_problems(application: Application) -> list[str]:
    other = (
        Application.objects.open()
        .filter(enterprise_id=application.enterprise_id, measure_id=application.measure_id)
        .exclude(pk=application.pk)
        .first()
    )
    if other is None:
        return []
    return [
        _("贵企业已有本措施的申请（%(reference)s，%(status)s），请勿重复申请。")
        % {"reference": other.reference, "status": other.get_status_display()}
    ]


def declaration_problems(application: Application) -> list[str]:
    missing = [d.label for d in required_declarations(application.measure) if not application.declarations.get(d.key)]
    return [_("请确认承诺事项：%(label)s") % {"label": label} for label in missing]


def material_problems(application: Application) -> list[str]:
    """Each material the clause requires (Measure.materials) must be handed in as at least one file."""
    from measures.materials import materials_of

    required = [m for m in materials_of(application.measure) if m.required]
    if not required:
        return []
    handed_in = set(
        application.attachments.filter(removed_at__isnull=True, material__in=[m.key for m in required]).values_list(
            "material", flat=True
        )
    )
    return [
        _("缺少申报材料“%(name)s”（接受 %(types)s），请在申请表中上传后再提交，草稿已保存。")
        % {"name": m.name, "types": m.types_label}
        for m in required
        if m.key not in handed_in
    ]


# Profile fields whose absence blocks a submission; other unknowns (the kind of applicant, the trade, the park)
# are for the reviewer to confirm from the attachments.
_PROFILE_FIGURES = {
    "size",
    "founded_on",
    "employees",
    "revenue",
    "rd_spend",
    "revenue_change",
    "layoff_rate",
    "insured_months",
    "ownership",
    "industry",
    "registered_district",
    "tax_district",
    "stats_district",
}


def eligibility_and_cap_problems(application: Application, on: datetime.date) -> list[str]:
    """Return the conditions of the measure the profile fails or cannot show, and a zero estimate's reason."""
    from measures.matching import FAILED, UNKNOWN, facts_for_enterprise, match_measures, measures_for_matching

    measure = measures_for_matching().get(pk=application.measure_id)
    bans = Ban.objects.by_district(application.enterprise, on)
    [match] = match_measures(facts_for_enterprise(application.enterprise, on, bans=bans), [measure], on)
    problems = []
    for check in match.checks:
        if check.label == _("禁止申请"):
            continue  # ban_problems says it, with the decision
        quote = (
            _("依据%(citation)s：“%(quote)s”") % {"citation": measure.citation, "quote": check.quote}
            if check.quote
            else ""
        )
        if check.outcome == FAILED:
            problems.append(
                _("不符合申报条件“%(label)s”：%(message)s%(quote)s")
                % {"label": check.label, "message": check.message, "quote": quote}
            )
        elif check.outcome == UNKNOWN and check.field in _PROFILE_FIGURES:
            problems.append(
                _("请先在企业信息中补充后再提交（%(label)s）：%(message)s")
                % {"label": check.label, "message": check.message}
            )
    problems += _cap_problems(application, on)
    return problems


def _cap_problems(application: Application, on: datetime.date) -> list[str]:
    from measures.estimation import has_rule
    from measures.rules import RuleInputError

    from .estimates import estimate

    measure = application.measure
    if not has_rule(measure):
        return []
    try:
        result = estimate(
            measure, application.inputs or {}, enterprise=application.enterprise, exclude_pk=application.pk, on=on
        )
    except (RuleInputError, ValueError):
        return []  # the form reports bad inputs itself
    if result.amount > 0 or result.discretionary:
        return []
    reasons = "；".join(
        f"{step['label']}{('：' + step['detail']) if step['detail'] else ''}" for step in result.steps if step["label"]
    )
    return [
        _("按所填数据和已获得的支持测算，本次可获金额为0元，不能提交：%(reasons)s（%(citation)s）")
        % {"reasons": reasons, "citation": result.citation}
    ]
