"""The deadline sweep's step for 好差评 rectifications: remind the department's heads 3 days before the deadline,
and escalate to the district's administrators once it has passed unanswered. Each happens once (the task's
reminded_on / escalated_on, set in the transaction that writes the notice)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.urls import reverse

from accounts.models import User

from ..models import Notice, NoticeKind, Rectification
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link, admins_of, emails

REMIND_DAYS_BEFORE = 3


def _heads(task: Rectification) -> list[str]:
    return emails(User.objects.filter(department_id=task.department_id, is_head=True, is_active=True))


def _notice(task: Rectification, kind: str, audience: str, recipients: list[str], today: datetime.date) -> Notice:
    application = task.rating.application
    context = {
        "kind": kind,
        "application": application,
        "rating": task.rating,
        "due_on": task.due_on,
        "department": task.department,
        # The heads are sent to the answer page; the administrators to the task, which they follow up.
        "link": absolute_link(
            reverse("admin:applications_rectification_respond", args=[task.pk])
            if kind == NoticeKind.WAITING_OVERDUE
            else reverse("admin:applications_rectification_change", args=[task.pk])
        ),
    }
    return build_notice(
        "rectification", context, recipients, kind=kind, audience=audience, application=application, due_on=task.due_on
    )


def rectification_reminders(today: datetime.date, stats: Counter) -> None:
    """Remind and escalate the open rectification tasks that are due (indexed on responded_at, due_on)."""
    open_tasks = Rectification.objects.filter(responded_at__isnull=True).select_related(
        "rating__application__enterprise", "rating__application__district", "department"
    )
    remind = open_tasks.filter(reminded_on__isnull=True, due_on__lte=today + datetime.timedelta(REMIND_DAYS_BEFORE))
    for task in remind.order_by("pk"):
        with transaction.atomic():
            write_notices([_notice(task, NoticeKind.WAITING_OVERDUE, Notice.Audience.HEAD, _heads(task), today)])
            Rectification.objects.filter(pk=task.pk).update(reminded_on=today)
        stats["rectifications_reminded"] += 1
    for task in open_tasks.filter(escalated_on__isnull=True, due_on__lt=today).order_by("pk"):
        admins = emails(admins_of(task.rating.application.district_id))
        with transaction.atomic():
            write_notices([_notice(task, NoticeKind.ESCALATION, Notice.Audience.STAFF, admins, today)])
            Rectification.objects.filter(pk=task.pk).update(escalated_on=today)
        stats["rectifications_escalated"] += 1
