"""A measure's review criteria and the reviewer's answers to them.

The criteria are the measure's conditions that only a person can judge from the materials: the "other" conditions
of the clause (经营困难, 经行业主管部门认定, 符合北京市高精尖产业方向…), the declarations, the trades and parks named,
and the kind of applicant where the measure is not for enterprises. Each is a yes/no check with a note, kept with
the case (CriterionAnswer) and shown to finance. A measure whose conditions the profile settles has no criteria.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from measures.models import Measure, MeasureCondition

from ..models import Application, CriterionAnswer
from . import events
from .access import may_review

Kind = MeasureCondition.Kind
# The kinds of condition a reviewer answers, and how each is put as a question ("other": in the clause's words).
_JUDGED = {
    Kind.OTHER: None,
    Kind.DECLARATION: gettext_lazy("承诺：%(value)s"),
    Kind.INDUSTRIES: gettext_lazy("主营业务属于：%(value)s"),
    Kind.PARKS: gettext_lazy("位于：%(value)s"),
}
_ENTERPRISE_TYPES = {"enterprise"}


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    quote: str = ""


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}|{value}".encode()).hexdigest()[:24]


def criteria_for(measure: Measure) -> list[Criterion]:
    """Return the measure's review criteria in the order of its conditions (reads its conditions and beneficiaries)."""
    criteria = []
    types = list(measure.beneficiary_types.all())
    if types and not any(t.code in _ENTERPRISE_TYPES for t in types):
        names = "、".join(t.name for t in types)
        criteria.append(Criterion("beneficiary", _("申请主体属于：%(types)s") % {"types": names}))
    for condition in measure.conditions.all():
        if condition.kind not in _JUDGED or not condition.value:
            continue
        template = _JUDGED[condition.kind]
        label = condition.value if template is None else str(template) % {"value": condition.value}
        criteria.append(Criterion(_key(condition.kind, condition.value), label, condition.quote))
    return criteria


@dataclass
class CriterionRow:
    criterion: Criterion
    answer: CriterionAnswer | None = None


def review_rows(application: Application, measure: Measure | None = None) -> list[CriterionRow]:
    """Return each criterion of the case's measure (or of `measure`, the same measure with its conditions and
    beneficiaries already read) with the answer recorded for it, if any."""
    answers = {a.criterion: a for a in application.criterion_answers.select_related("answered_by")}
    return [CriterionRow(c, answers.get(c.key)) for c in criteria_for(measure or application.measure)]


def _verdict_label(met: bool | None) -> str:
    return {True: _("符合"), False: _("不符合"), None: _("待核实")}[met]


def criteria_record(
    *, application: Application, user: User, answers: dict[str, tuple[bool | None, str]]
) -> list[CriterionAnswer]:
    """Record the reviewer's answers ({criterion key: (met, note)}); return those that changed.

    "Not met" needs a note saying why. The changes are one audit event of the case.
    """
    criteria = {c.key: c for c in criteria_for(application.measure)}
    unknown = set(answers) - set(criteria)
    if unknown:
        raise ValidationError(_("审核要点已更新，请刷新页面后重新填写。"))
    cleaned = {key: (met, note.strip()) for key, (met, note) in answers.items()}
    missing = [criteria[key].label for key, (met, note) in cleaned.items() if met is False and not note]
    if missing:
        raise ValidationError([_("“%(label)s”填写为不符合时，请说明理由。") % {"label": label} for label in missing])
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("measure").get(pk=application.pk)
        if not may_review(user, locked):
            raise PermissionDenied(
                _("您不能填写该申请的审核要点（当前状态：%(status)s）。") % {"status": locked.get_status_display()}
            )
        current = {a.criterion: a for a in locked.criterion_answers.all()}
        changed = []
        for key, (met, note) in cleaned.items():
            answer = current.get(key)
            if answer is None and met is None and not note:
                continue
            if answer is not None and (answer.met, answer.note) == (met, note):
                continue
            answer, _created = CriterionAnswer.objects.update_or_create(
                application=locked,
                criterion=key,
                defaults={
                    "label": criteria[key].label,
                    "met": met,
                    "note": note,
                    "answered_by": user,
                    "answered_at": timezone.now(),
                },
            )
            changed.append(answer)
        if changed:
            with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
                comment = "；".join(
                    f"{a.label}：{_verdict_label(a.met)}" + (f"（{a.note}）" if a.note else "") for a in changed
                )
                events.record(locked, user, events.REVIEW_CRITERIA, comment)
    return changed
