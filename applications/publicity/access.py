"""Who may examine an objection: the reviewers of the measure's lead department and the district's administrators,
while the case is in 公示. Everyone who sees the case in the admin (permissions.applications_visible_to) may read the
objection, the objector's name and contact included; nobody else ever does."""

from __future__ import annotations

from accounts.models import User

from ..models import Application, Status
from ..workflow.permissions import Role, roles_for

TRIAGE_ROLES = frozenset({Role.REVIEWER, Role.DISTRICT_ADMIN})


def may_triage(user: User | None, application: Application) -> bool:
    """Return whether the person may dismiss or uphold an objection to the case now."""
    return application.status == Status.PUBLICITY and bool(roles_for(user, application) & TRIAGE_ROLES)
