"""免申即享 lists: who generates and who approves them, the generation from the data, and the decision on a list.

A reviewer of the measure's lead department, in its district, generates a list: every enterprise of the district
(of the city, for a city measure) is assessed (applications.direct.eligibility). The list is approved, or discarded,
as a batch by a second person of the same department: its head (负责人), or, when the head generated the list, a
reviewer of the department. Approval offers the award to each listed enterprise, to confirm within
OFFER_WORKING_DAYS working days (measures.workdays), by e-mail and in its inbox.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClaimStatus, Enterprise, StaffRole, User
from measures.matching import measures_for_matching, period_ends
from measures.models import District, Measure, PolicyDocument
from measures.workdays import add_working_days

from ..models import Application, DirectEntry, DirectList, Notice, NoticeKind
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link, district_staff, emails, enterprise_emails
from .eligibility import Known, assess
from .verification import enterprises_of_district, latest_verifications

OFFER_WORKING_DAYS = 10  # working days an enterprise has to confirm an offer
Entry = DirectEntry.State


def _lead_reviewer(user: User | None, measure: Measure) -> bool:
    """Return whether the person is a reviewer of one of the measure's lead departments, in its district."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.role == StaffRole.REVIEWER
        and user.work_district_id == measure.document.district_id
        and measure.lead_departments.filter(pk=user.department_id).exists()
    )


def may_generate(user: User | None, measure: Measure) -> bool:
    return measure.direct_award and _lead_reviewer(user, measure)


def may_decide(user: User | None, direct_list: DirectList) -> bool:
    """Return whether the person may approve or discard the list: a second person of the lead department, its head
    unless the head generated the list."""
    if direct_list.state != DirectList.State.PENDING or not _lead_reviewer(user, direct_list.measure):
        return False
    if user.pk == direct_list.generated_by_id:
        return False
    return user.is_head or direct_list.generated_by.is_head


def lists_visible_to(user: User | None) -> QuerySet[DirectList]:
    """Return the lists a member of staff sees: the district's (a reviewer: those of the measures their department
    leads; finance none); every list for the superuser and an auditor of the whole city."""
    qs = DirectList.objects.all()
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return qs.none()
    if user.is_superuser or (user.role == StaffRole.AUDITOR and not user.work_district_id):
        return qs
    district_id = user.work_district_id
    match user.role:
        case StaffRole.REVIEWER:
            return qs.filter(district_id=district_id, measure__lead_departments=user.department_id)
        case StaffRole.DISTRICT_ADMIN | StaffRole.AUDITOR:
            return qs.filter(district_id=district_id)
    return qs.none()


def measures_for(user: User | None) -> QuerySet[Measure]:
    """Return the 免申即享 measures the person may generate a list for."""
    if not (user and user.is_authenticated and user.is_staff and user.role == StaffRole.REVIEWER):
        return Measure.objects.none()
    return (
        Measure.objects.filter(
            direct_award=True, document__district_id=user.work_district_id, lead_departments=user.department_id
        )
        .select_related("document__district")
        .order_by("document_id", "order")
    )


def closed_reason(measure: Measure, on: datetime.date) -> str:
    """Return why no award of the measure can be offered on the day (its document not in force, its window not
    open, the months it is for over), or ""."""
    if measure.document.effective_status(on) != PolicyDocument.Status.IN_FORCE:
        return _("政策文件“%(title)s”当前状态为%(status)s，不能发放奖励。") % {
            "title": measure.document.title,
            "status": PolicyDocument.Status(measure.document.effective_status(on)).label,
        }
    if measure.window_state(on) not in ("", "open"):
        return _("不在申报期内（%(text)s）。") % {"text": measure.window_text or measure.get_absolute_url()}
    ends = period_ends(measure)
    if ends is not None and ends < on:
        return _("本措施所支持的期间已于%(date)s结束。") % {"date": ends.isoformat()}
    return ""


def _candidates(measure: Measure) -> QuerySet[Enterprise]:
    district = measure.document.district
    if district.level == District.Level.CITY:
        qs = Enterprise.objects.exclude(claim_status=ClaimStatus.REMOVED)
    else:
        qs = enterprises_of_district(district.pk)
    return qs.prefetch_related("certifications").order_by("pk")


def _known(measure: Measure, candidates: QuerySet[Enterprise], on: datetime.date) -> Known:
    """Read, once for the whole list, what the assessment of each enterprise needs besides its own profile."""
    open_cases = dict(
        Application.objects.open().filter(measure=measure).values_list("enterprise_id", "reference").order_by("pk")
    )
    pending = Q(state=Entry.OFFERED) | Q(state__in=[Entry.DECLINED, Entry.LAPSED], responded_at__year=on.year)
    offers = (
        DirectEntry.objects.filter(pending, direct_list__measure=measure)
        .select_related("direct_list")
        .order_by("offered_at", "pk")
    )
    return Known(
        on=on,
        verifications=latest_verifications(candidates.values("pk")),
        open_cases=open_cases,
        earlier_offers={offer.enterprise_id: offer for offer in offers},
        districts=District.objects.in_bulk(),
    )


@transaction.atomic
def list_generate(*, measure_id: int, user: User, on: datetime.date | None = None) -> DirectList:
    """Assess every enterprise of the measure's district and keep the list, waiting for approval.

    Raises PermissionDenied for anyone but a reviewer of the lead department, ValidationError (in Chinese) when the
    measure is not 免申即享, cannot be awarded today, or has a list waiting for approval already.
    """
    on = on or timezone.localdate()
    # The measure's row, locked: two reviewers generating at once make one list, not two.
    measure = Measure.objects.select_for_update().select_related("document__district").get(pk=measure_id)
    if not measure.direct_award:
        raise ValidationError(_("该措施未标记为免申即享。"))
    if not may_generate(user, measure):
        raise PermissionDenied(_("只有牵头部门的审核人可以生成本措施的免申即享名单。"))
    if reason := closed_reason(measure, on):
        raise ValidationError(reason)
    if DirectList.objects.filter(measure=measure, state=DirectList.State.PENDING).exists():
        raise ValidationError(_("本措施已有待审批的名单：请先审批或作废该名单。"))
    matching = measures_for_matching().get(pk=measure.pk)
    candidates = _candidates(measure)
    known = _known(measure, candidates, on)
    direct_list = DirectList.objects.create(measure=measure, on=on, generated_by=user)
    entries, examined = [], 0
    for enterprise in candidates.iterator(chunk_size=500):
        examined += 1
        assessment = assess(enterprise, matching, known)
        if assessment is not None:
            entries.append(assessment.entry(direct_list))
    DirectEntry.objects.bulk_create(entries, batch_size=500)
    direct_list.examined = examined
    direct_list.save(update_fields=["examined"])
    write_notices([_approval_notice(direct_list, user)])
    return direct_list


def _approvers(direct_list: DirectList, generator: User) -> QuerySet[User]:
    reviewers = district_staff(direct_list.district_id).filter(
        role=StaffRole.REVIEWER, department__in=direct_list.measure.lead_departments.all()
    )
    reviewers = reviewers.exclude(pk=generator.pk)
    return reviewers if generator.is_head else reviewers.filter(is_head=True)


def _approval_notice(direct_list: DirectList, generator: User) -> Notice:
    """Tell the people who may approve the list that it waits for them."""
    entries = direct_list.entries.all()
    context = {
        "direct_list": direct_list,
        "listed": entries.filter(state=Entry.LISTED).count(),
        "left_out": entries.filter(state=Entry.LEFT_OUT).count(),
        "generator": generator.get_full_name() or generator.username,
        "link": absolute_link(reverse("admin:applications_directlist_change", args=[direct_list.pk])),
    }
    recipients = emails(_approvers(direct_list, generator))
    return build_notice("direct_list", context, recipients, kind=NoticeKind.DIRECT_LIST, audience=Notice.Audience.STAFF)


def _locked(list_id: int, user: User) -> DirectList:
    direct_list = (
        DirectList.objects.select_for_update(of=("self",))
        .select_related("measure__document__district", "generated_by")
        .get(pk=list_id)
    )
    if direct_list.state != DirectList.State.PENDING:
        raise ValidationError(
            _("该名单当前状态为“%(state)s”，不能再审批。") % {"state": direct_list.get_state_display()}
        )
    if not may_decide(user, direct_list):
        raise PermissionDenied(
            _("名单须由生成人以外的牵头部门人员审批：部门负责人，或负责人生成的名单由本部门审核人审批。")
        )
    return direct_list


@transaction.atomic
def list_approve(*, list_id: int, user: User, comment: str = "", on: datetime.date | None = None) -> DirectList:
    """Approve the list as a batch and offer the award to each listed enterprise, by e-mail and in its inbox."""
    on = on or timezone.localdate()
    direct_list = _locked(list_id, user)
    if reason := closed_reason(direct_list.measure, on):
        raise ValidationError(reason)
    now = timezone.now()
    direct_list.state, direct_list.decided_by, direct_list.decided_at = DirectList.State.APPROVED, user, now
    direct_list.decision_comment = comment.strip()
    direct_list.due_on = add_working_days(on, OFFER_WORKING_DAYS)
    direct_list.save()
    listed = list(direct_list.entries.filter(state=Entry.LISTED).select_related("enterprise"))
    for entry in listed:
        entry.state, entry.due_on, entry.offered_at = Entry.OFFERED, direct_list.due_on, now
    DirectEntry.objects.bulk_update(listed, ["state", "due_on", "offered_at"], batch_size=500)
    write_notices(offer_notice(entry, direct_list) for entry in listed)
    return direct_list


@transaction.atomic
def list_discard(*, list_id: int, user: User, comment: str) -> DirectList:
    """Discard the list (no offer is made); the reason is kept with it."""
    if not comment.strip():
        raise ValidationError(_("请填写作废名单的理由。"))
    direct_list = _locked(list_id, user)
    direct_list.state, direct_list.decided_by = DirectList.State.DISCARDED, user
    direct_list.decided_at, direct_list.decision_comment = timezone.now(), comment.strip()
    direct_list.save()
    return direct_list


def offer_notice(entry: DirectEntry, direct_list: DirectList) -> Notice:
    """Return the offer's e-mail and inbox notice to the enterprise."""
    context = {
        "entry": entry,
        "measure": direct_list.measure,
        "link": absolute_link(reverse("applications:direct_offer", args=[entry.pk])),
    }
    enterprise = entry.enterprise
    return build_notice(
        "direct_offer",
        context,
        enterprise_emails(enterprise),
        kind=NoticeKind.DIRECT_OFFER,
        audience=Notice.Audience.ENTERPRISE,
        enterprise=enterprise,
    )
