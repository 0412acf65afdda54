"""Who is told: the enterprise's users, the reviewers of the lead departments and their heads, the district's finance
and administrators; and the absolute links that e-mails carry."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import Enterprise, StaffRole, User

from ..models import Application, Event

# Actions after which the case waits in the lead departments' reviewers' queue, or in the district finance's. After a
# head's answer to a proposal the reviewers go on: to 公示 once approved, back to final review once refused.
REVIEWER_ARRIVALS = {"submit", "resubmit", "object", "finance_send_back", "approve_proposal", "refuse_proposal"}
FINANCE_ARRIVALS = {"end_publicity", "end_publicity_after_objections"}


def absolute_link(path: str) -> str:
    """Return a link for an e-mail: the portal's public address (PORTAL_BASE_URL) and the path."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def admin_link(application: Application) -> str:
    return absolute_link(reverse("admin:applications_application_change", args=[application.pk]))


def approval_queue_link() -> str:
    """Return the link to the queue filtered to the proposals waiting for the reader's approval (待我同意)."""
    return absolute_link(reverse("admin:applications_application_changelist") + "?approval=me")


# Recipients.


def enterprise_emails(enterprise: Enterprise) -> list[str]:
    emails = enterprise.users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    return sorted(set(emails)) or ([enterprise.email] if enterprise.email else [])


def district_staff(district_id: int) -> QuerySet[User]:
    in_district = Q(staff_district_id=district_id) | Q(staff_district__isnull=True, department__district_id=district_id)
    return User.objects.filter(in_district, is_active=True, is_staff=True).exclude(email="")


def reviewers_of(application: Application) -> QuerySet[User]:
    departments = application.measure.lead_departments.all()
    return district_staff(application.district_id).filter(role=StaffRole.REVIEWER, department__in=departments)


def heads_of(application: Application, *, besides: User | None = None) -> QuerySet[User]:
    """Return the heads (负责人) of the case's lead departments in its district, but the person named."""
    heads = reviewers_of(application).filter(is_head=True)
    return heads.exclude(pk=besides.pk) if besides is not None else heads


def finance_of(district_id: int) -> QuerySet[User]:
    return district_staff(district_id).filter(role=StaffRole.FINANCE)


def admins_of(district_id: int) -> QuerySet[User]:
    return district_staff(district_id).filter(role=StaffRole.DISTRICT_ADMIN)


def emails(users: QuerySet[User]) -> list[str]:
    return sorted(set(users.values_list("email", flat=True)))


def approvers_of(application: Application, proposer: User | None) -> list[str]:
    """Return who may approve a proposal above the engine's figure: the lead departments' heads other than the
    proposer, or, where none is recorded, the district's administrators (who may approve it too)."""
    return emails(heads_of(application, besides=proposer)) or emails(admins_of(application.district_id))


def staff_recipients(event: Event) -> list[str]:
    application = event.application
    if event.action in REVIEWER_ARRIVALS:
        return emails(reviewers_of(application).exclude(pk=event.actor_id))  # a head is a reviewer too
    if event.action in FINANCE_ARRIVALS:
        return emails(finance_of(application.district_id))
    return []
