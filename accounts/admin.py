from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import security_admin, services  # noqa: F401  (security_admin: the axes and OTP pages, in Chinese)
from .models import Certification, Enterprise, ProfileVersion, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "email", "enterprise", "role", "staff_district", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "email_confirmed", "role", "staff_district", "groups"]
    search_fields = ["username", "first_name", "last_name", "email", "enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["enterprise", "department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("企业"), {"fields": ["enterprise", "mobile", "email_confirmed"]}),
        (_("工作人员角色"), {"fields": ["role", "staff_district", "department", "is_head"]}),
    ]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class ProfileVersionInline(admin.TabularInline):
    model = ProfileVersion
    fields = ["number", "created_at", "created_by", "changed_fields"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry", "registered_district", "on_dishonesty_list", "created_at"]
    list_filter = ["industry", "registered_district", "ownership", "on_dishonesty_list"]
    search_fields = ["name", "credit_code", "contact_person", "email", "mobile"]
    readonly_fields = ["created_at", "owner"]
    inlines = [CertificationInline, ProfileVersionInline]

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            services.profile_record_version(enterprise=form.instance, user=request.user)
