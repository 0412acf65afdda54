"""A case assigned to a named reviewer of the lead department. Assigning narrows nobody's queue: an unassigned case,
or one assigned to a colleague, stays in the department's queue; the reviewer's "待我处理" lists those assigned to them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import StaffRole, User

from ..models import Application
from . import events
from .access import may_assign


def assignable_reviewers(application: Application) -> QuerySet[User]:
    """Return the active reviewers of the case's lead departments in its district."""
    return (
        User.objects.filter(
            is_active=True,
            is_staff=True,
            role=StaffRole.REVIEWER,
            department__in=application.measure.lead_departments.filter(district_id=application.district_id),
        )
        .select_related("department")
        .order_by("department__name", "first_name", "username")
    )


def display_name(user: User | None) -> str:
    if user is None:
        return _("未分派")
    return user.get_full_name() or user.username


def application_assign(*, application: Application, user: User, assignee: User | None) -> bool:
    """Assign the case to a reviewer of its lead department (None: back to the department); return whether it
    changed. The assignment is an audit event of the case."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("measure", "assigned_to")
            .get(pk=application.pk)
        )
        if not may_assign(user, locked):
            raise PermissionDenied(_("您不能分派该申请。"))
        if assignee is not None and not assignable_reviewers(locked).filter(pk=assignee.pk).exists():
            raise ValidationError(_("只能分派给本措施牵头部门的审核人。"))
        if locked.assigned_to_id == (assignee.pk if assignee else None):
            return False
        before = locked.assigned_to
        Application.objects.filter(pk=locked.pk).update(assigned_to=assignee, updated_at=timezone.now())
        with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
            comment = _("经办人：%(before)s → %(after)s") % {
                "before": display_name(before),
                "after": display_name(assignee),
            }
            events.record(locked, user, events.ASSIGN, comment)
    application.assigned_to = assignee
    return True


def assigned_count(user: User, queue: QuerySet[Application], cap: int) -> tuple[int, bool]:
    """Return how many open cases of the person's queue are assigned to them, counting at most `cap` (one query, the
    same however long the queue), and whether there are more."""
    counted = queue.open().filter(assigned_to=user).order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap
