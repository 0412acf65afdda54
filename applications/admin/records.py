"""The read-only lists of a case's records: audit events, payments, attachments and notices (objections:
objections.py)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from accounts.models import StaffRole

from ..models import (
    Attachment,
    Event,
    Notice,
    Payment,
)
from ..workflow.permissions import applications_visible_to
from .base import RestrictedAdmin, money_display


@admin.register(Event)
class EventAdmin(RestrictedAdmin):
    list_display = ["created_at", "application", "action_label", "from_status", "to_status", "actor", "amount_shown"]
    amount_shown = money_display("amount", gettext_lazy("金额"))
    list_filter = ["action", "to_status"]
    search_fields = ["application__reference", "application__enterprise__name", "comment"]
    list_select_related = ["application", "actor"]


@admin.register(Payment)
class PaymentAdmin(RestrictedAdmin):
    list_display = ["application", "paid_on", "amount_shown", "bank_reference", "recorded_by"]
    amount_shown = money_display("amount", gettext_lazy("拨付金额"))
    list_filter = ["paid_on"]
    search_fields = ["application__reference", "application__enterprise__name", "bank_reference"]
    list_select_related = ["application", "recorded_by"]


@admin.register(Attachment)
class AttachmentAdmin(RestrictedAdmin):
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at", "removed_at"]
    search_fields = ["original_name", "application__reference", "application__enterprise__name", "sha256"]
    exclude = ["file"]


@admin.register(Notice)
class NoticeAdmin(RestrictedAdmin):
    """Every e-mail and reminder the portal wrote about the cases one may see, those addressed to oneself (the daily
    digest) and, for a district's administrators and auditors, the district's ended bans; and whether each went out
    and to whom (`delivered_to`)."""

    list_display = ["created_at", "application", "kind", "audience", "subject", "state", "sent_at", "attempts"]
    list_filter = ["kind", "audience", "state"]
    search_fields = ["application__reference", "application__enterprise__name", "subject"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    show_full_result_count = False

    def get_queryset(self, request):
        user = request.user
        without_case = Notice.objects.filter(application__isnull=True)
        visible = [Notice.objects.filter(application__in=applications_visible_to(user).values("pk"))]
        if user.is_superuser:
            visible.append(without_case)
        else:
            visible.append(without_case.filter(user=user))
            district_id = user.work_district_id
            if user.role == StaffRole.AUDITOR and not district_id:
                visible.append(without_case.filter(ban__isnull=False))
            elif user.role in {StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR} and district_id:
                visible.append(without_case.filter(ban__district_id=district_id))
        # A union of ids, each part read from its own index (case, recipient, ban): with an OR PostgreSQL read every
        # notice instead (0.4 s against 0.06 s for a reviewer at a million notices).
        ids = visible[0].order_by().values("pk").union(*(part.order_by().values("pk") for part in visible[1:]))
        return super(RestrictedAdmin, self).get_queryset(request).filter(pk__in=ids)
