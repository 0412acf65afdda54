"""Who sees which cases and in which capacity a person may act on one. Every view, admin queryset, download and
export goes through `applications_visible_to`; the workflow asks `roles_for`."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet

from accounts.models import StaffRole, User

from ..models import FINANCE_STATUSES, Application, Status


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    REVIEWER = "reviewer"
    FINANCE = "finance"
    DISTRICT_ADMIN = "district_admin"
    HEAD = "head"  # a reviewer marked 负责人 of a lead department: the second person on a proposal
    SYSTEM = "system"


def is_workflow_staff(user: User | None) -> bool:
    """Return whether the person may use the cases' admin pages."""
    return bool(
        user and user.is_authenticated and user.is_active and user.is_staff and (user.role or user.is_superuser)
    )


def may_approve_proposals(user: User | None) -> bool:
    """Return whether the person may be the second person on a proposal above the engine's figure: a head (负责人)
    of a department, for the measures it leads, or a district administrator (roles_for gives them HEAD or
    DISTRICT_ADMIN on the cases of their queue)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.role == StaffRole.DISTRICT_ADMIN or (user.role == StaffRole.REVIEWER and user.is_head)


def applications_visible_to(user: User | None) -> QuerySet[Application]:
    """Return the cases a person may see."""
    qs = Application.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_enterprise_user:
        return qs.filter(enterprise_id=user.enterprise_id)
    if not user.is_staff:
        return qs.none()
    # An enterprise's draft is its own business until it is submitted, for every member of staff.
    staff_qs = qs.exclude(status=Status.DRAFT)
    if user.is_superuser:
        return staff_qs
    district_id = user.work_district_id
    match user.role:
        case StaffRole.REVIEWER:
            return staff_qs.filter(measure__lead_departments=user.department_id, district_id=district_id)
        case StaffRole.FINANCE:
            return staff_qs.filter(district_id=district_id, status__in=FINANCE_STATUSES)
        case StaffRole.DISTRICT_ADMIN:
            return staff_qs.filter(district_id=district_id)
        case StaffRole.AUDITOR:
            return staff_qs.filter(district_id=district_id) if district_id else staff_qs
    return qs.none()


def roles_for(user: User | None, application: Application) -> set[Role]:
    """Return the capacities in which a person may act on a case; None is the portal itself."""
    if user is None:
        return {Role.SYSTEM}
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_enterprise_user:
        return {Role.ENTERPRISE} if user.enterprise_id == application.enterprise_id else set()
    if not user.is_staff or user.work_district_id != application.district_id:
        return set()
    match user.role:
        case StaffRole.REVIEWER:
            if not _leads(application, user.department_id):
                return set()
            return {Role.REVIEWER, Role.HEAD} if user.is_head else {Role.REVIEWER}
        case StaffRole.FINANCE:
            return {Role.FINANCE}
        case StaffRole.DISTRICT_ADMIN:
            return {Role.DISTRICT_ADMIN}
    return set()


def _leads(application: Application, department_id: int | None) -> bool:
    """Whether the department leads the case's measure, asked once per case object (a page asks several times)."""
    known = application.__dict__.setdefault("_leading_departments", {})
    if department_id not in known:
        known[department_id] = application.measure.lead_departments.filter(pk=department_id).exists()
    return known[department_id]


def can_download(user: User | None, application: Application) -> bool:
    return applications_visible_to(user).filter(pk=application.pk).exists()
