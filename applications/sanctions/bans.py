"""Bans recorded or changed by hand in the admin.

A ban made by a fraud finding is read-only; changing a ban's end (after a court ruling or an administrative
reconsideration) is its own act, with the reason and the document it rests on: it is kept as a BanAmendment,
written to the case's audit trail when the ban came from a finding, and told to the enterprise. A ban recorded
without a finding (another authority's decision) may only be against an enterprise of the district.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import Enterprise, StaffRole, User

from ..models import Application, Ban, BanAmendment, Event, Notice, NoticeKind
from ..notices.outbox import build_notice, write_notices
from ..notices.recipients import absolute_link, enterprise_emails


def may_manage_bans(user: User, district_id: int | None = None) -> bool:
    """Return whether the person records and amends bans (of the district given): its administrators, or the
    platform's superuser."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser and not user.role:
        return True
    return user.role == StaffRole.DISTRICT_ADMIN and (district_id is None or user.work_district_id == district_id)


def enterprises_of_district(district_id: int) -> QuerySet[Enterprise]:
    """Return the enterprises a district may ban without a finding: registered, paying tax or counted in its
    statistics there, or with a case there."""
    with_cases = Application.objects.filter(district_id=district_id).values("enterprise_id")
    return Enterprise.objects.filter(
        Q(registered_district_id=district_id)
        | Q(tax_district_id=district_id)
        | Q(stats_district_id=district_id)
        | Q(pk__in=with_cases)
    )


def _tell_enterprise(template: str, ban: Ban, kind: str, context: dict, **fields) -> None:
    context = {**context, "ban": ban, "link": absolute_link(reverse("applications:sanctions"))}
    write_notices(
        [
            build_notice(
                template,
                context,
                enterprise_emails(ban.enterprise),
                kind=kind,
                audience=Notice.Audience.ENTERPRISE,
                enterprise=ban.enterprise,
                ban=ban,
                **fields,
            )
        ]
    )


@transaction.atomic
def ban_record(*, ban: Ban, user: User) -> Ban:
    """Save a ban recorded by hand (without a finding) and tell the enterprise."""
    if not may_manage_bans(user, ban.district_id):
        raise ValidationError(_("只有本区区级管理员可以登记禁止申请。"))
    if (
        not (user.is_superuser and not user.role)
        and not enterprises_of_district(ban.district_id).filter(pk=ban.enterprise_id).exists()
    ):
        raise ValidationError(_("该企业的注册地、纳税地、纳统地均不在本区，且在本区没有申请，不能登记禁止申请。"))
    ban.finding = None
    ban.created_by = user
    ban.save()
    _tell_enterprise("ban_recorded", ban, NoticeKind.SANCTION, {}, due_on=ban.decision_date)
    return ban


HISTORY_NAME = pgettext_lazy("timeline", "变更禁止申请期限")  # the amendment's name in a case history (history_name)


def _amendment_event(ban: Ban, amendment: BanAmendment, user: User) -> Event | None:
    if ban.finding_id is None:
        return None
    application = ban.finding.application
    with translation.override(None):  # the audit trail is kept in Chinese whatever the reader's language
        return Event.objects.create(
            application=application,
            actor=user,
            action="ban_amend",
            action_label=str(_("变更禁止申请期限")),
            from_status=application.status,
            to_status=application.status,
            comment=_("依据%(document)s，禁止申请截止日由 %(before)s 变更为 %(after)s。理由：%(reason)s")
            % {
                "document": amendment.document_number,
                "before": amendment.previous_ends_on.isoformat(),
                "after": amendment.ends_on.isoformat(),
                "reason": amendment.reason,
            },
        )


@transaction.atomic
def ban_amend(*, ban_id: int, user: User, ends_on: datetime.date, document_number: str, reason: str) -> BanAmendment:
    """Change a ban's last day, on a document (e.g. a court ruling) and with a reason; audited and told."""
    ban = Ban.objects.select_for_update().select_related("enterprise", "district").get(pk=ban_id)
    if not may_manage_bans(user, ban.district_id):
        raise ValidationError(_("只有本区区级管理员可以变更禁止申请期限。"))
    if not document_number.strip() or not reason.strip():
        raise ValidationError(_("请填写依据文书编号和变更理由。"))
    if ends_on < ban.starts_on:
        raise ValidationError(
            _("截止日不能早于禁止申请起始日 %(start)s；立即解除请填写今天或昨天（不早于起始日）。")
            % {"start": ban.starts_on.isoformat()}
        )
    if ends_on == ban.ends_on:
        raise ValidationError(_("截止日没有变化。"))
    amendment = BanAmendment.objects.create(
        ban=ban,
        previous_ends_on=ban.ends_on,
        ends_on=ends_on,
        document_number=document_number.strip(),
        reason=reason.strip(),
        amended_by=user,
    )
    ban.ends_on = ends_on
    ban.save(update_fields=["ends_on"])
    event = _amendment_event(ban, amendment, user)
    case = {"application": event.application, "event": event} if event else {}
    _tell_enterprise("ban_changed", ban, NoticeKind.BAN_CHANGED, {"amendment": amendment}, due_on=ends_on, **case)
    return amendment
