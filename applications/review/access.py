"""Who may record what in a review: the lead department's reviewers while the case is under review; assigning
also by the department's head and the district administrator."""

from __future__ import annotations

from accounts.models import User

from ..models import Application
from ..workflow.permissions import Role, roles_for
from ..workflow.transitions import REVIEW_STATES


def may_review(user: User, application: Application) -> bool:
    """Return whether the person may tick materials and answer criteria on the case now."""
    return application.status in REVIEW_STATES and Role.REVIEWER in roles_for(user, application)


def may_assign(user: User, application: Application) -> bool:
    """Return whether the person may (re)assign the case: a head or a district administrator always while it is
    open; any reviewer of the lead department when it is unassigned or assigned to them."""
    if not application.is_open:
        return False
    roles = roles_for(user, application)
    if roles & {Role.HEAD, Role.DISTRICT_ADMIN}:
        return True
    return Role.REVIEWER in roles and application.assigned_to_id in (None, user.pk)
