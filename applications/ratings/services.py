"""Record a rating of a decided case's service and open the rectification task of a 差评."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import StaffRole, User
from measures.workdays import WorkingCalendar

from ..models import Application, Event, Notice, NoticeKind, Rectification, ServiceRating, Status
from ..models.ratings import BAD_LEVELS, RatingLevel, RatingStage
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link, enterprise_emails
from ..workflow.transitions import as_written

# The decisions after which the enterprise may rate the service.
DECIDED_STATUSES = frozenset({Status.DISBURSED, Status.CLOSED, Status.REJECTED, Status.LAPSED, Status.REVOKED})
RECTIFICATION_WORKING_DAYS = 15
RESPONSE_ACTION = "rectification_response"
RESPONSE_LABEL = gettext_lazy("部门负责人答复差评")
RESPONSE_HISTORY_NAME = pgettext_lazy("timeline", "部门负责人答复差评")  # its name in a case history (history_name)


def rectification_due(start: datetime.date) -> datetime.date:
    """Return the deadline of a rectification opened on start: 15 working days later."""
    return WorkingCalendar().add_working_days(start, RECTIFICATION_WORKING_DAYS)


def may_rate(application: Application, stage: str = RatingStage.DECISION) -> bool:
    """Return whether the case's enterprise may still rate this stage of its service."""
    if application.ratings.filter(stage=stage).exists():
        return False
    if stage == RatingStage.DECISION:
        return application.status in DECIDED_STATUSES
    return Rectification.objects.filter(rating__application=application, responded_at__isnull=False).exists()


def rate_service(
    *, application: Application, user: User, level: int, comment: str = "", stage: str = RatingStage.DECISION
) -> ServiceRating:
    """Record the enterprise's rating; a 差评 of the decision opens a rectification task for the lead department."""
    if user.enterprise_id != application.enterprise_id:
        raise ValidationError(_("只能评价本企业的申请。"))
    if level not in RatingLevel.values:
        raise ValidationError(_("请选择评价等级。"))
    if not may_rate(application, stage):
        raise ValidationError(_("该申请尚不能评价，或已评价过。"))
    department = application.measure.lead_departments.order_by("pk").first()
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                application=application,
                stage=stage,
                level=level,
                comment=comment.strip()[:500],
                department=department,
                rated_by=user,
            )
            if stage == RatingStage.DECISION and level in BAD_LEVELS:
                Rectification.objects.create(
                    rating=rating, department=department, due_on=rectification_due(timezone.localdate())
                )
    except IntegrityError:
        raise ValidationError(_("该申请已评价过。")) from None
    return rating


def record_response(*, task: Rectification, user: User, response: str) -> Rectification:
    """Record the department head's answer to a 差评 and tell the enterprise (a Notice in the same transaction),
    which may then rate the answer."""
    if not may_respond(user, task):
        raise ValidationError(_("只有被评价部门的负责人可以答复差评。"))
    if not response.strip():
        raise ValidationError(_("请填写整改答复。"))
    with transaction.atomic():
        task = (
            Rectification.objects.select_for_update().select_related("rating__application__enterprise").get(pk=task.pk)
        )
        if task.responded_at is not None:
            raise ValidationError(_("该差评已答复。"))
        task.response, task.responded_by, task.responded_at = response.strip(), user, timezone.now()
        task.save(update_fields=["response", "responded_by", "responded_at"])
        application = task.rating.application
        Event.objects.create(
            application=application,
            actor=user,
            action=RESPONSE_ACTION,
            action_label=as_written(RESPONSE_LABEL),
            from_status=application.status,
            to_status=application.status,
            comment=task.response,
        )
        context = {
            "application": application,
            "task": task,
            "link": absolute_link(reverse("applications:rate", args=[application.pk])),
        }
        recipients = enterprise_emails(application.enterprise)
        write_notices(
            [
                build_notice(
                    "rectification_response",
                    context,
                    recipients,
                    kind=NoticeKind.EVENT,
                    audience=Notice.Audience.ENTERPRISE,
                    application=application,
                    enterprise=application.enterprise,
                )
            ]
        )
    return task


def rectifications_visible_to(user: User | None) -> QuerySet[Rectification]:
    """Return the rectification tasks a member of staff may see: a reviewer those of their department, a district's
    administrators and auditors those of its cases (the escalation goes to them), a city auditor and a superuser all."""
    tasks = Rectification.objects.all()
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return tasks.none()
    if user.is_superuser:
        return tasks
    district_id = user.work_district_id
    match user.role:
        case StaffRole.REVIEWER:
            return tasks.filter(department_id=user.department_id)
        case StaffRole.DISTRICT_ADMIN:
            return tasks.filter(rating__application__district_id=district_id)
        case StaffRole.AUDITOR:
            return tasks.filter(rating__application__district_id=district_id) if district_id else tasks
    return tasks.none()


def may_respond(user: User, task: Rectification) -> bool:
    """Return whether the person answers this 差评: only the head (负责人) of the rated department."""
    return bool(user.is_head and user.department_id and user.department_id == task.department_id)
