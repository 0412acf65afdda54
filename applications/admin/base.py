"""What every staff page of the applications app shares: which staff roles see it, read-only for auditors."""

from __future__ import annotations

from django.contrib import admin

from accounts.models import StaffRole
from portal.formatting import format_money

from ..workflow.permissions import Role, applications_visible_to, is_workflow_staff

ROLE_OF_STAFF = {
    StaffRole.REVIEWER: Role.REVIEWER,
    StaffRole.FINANCE: Role.FINANCE,
    StaffRole.DISTRICT_ADMIN: Role.DISTRICT_ADMIN,
}
EXPORT_ROLES = {StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR}


def money_display(field: str, description):
    """Return an admin column or read-only field showing the amount `field` as the portal prints money."""

    def show(self, obj):
        return format_money(getattr(obj, field))

    return admin.display(description=description, ordering=field)(show)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Pages staff read; nothing is added, changed or deleted in a form."""

    def has_module_permission(self, request):
        return is_workflow_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RestrictedAdmin(admin.ModelAdmin):
    """Read-only pages over the rows of the cases a staff member may see."""

    application_path = "application"

    def has_module_permission(self, request):
        return is_workflow_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        visible = applications_visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.application_path}__in": visible.values("pk")})
