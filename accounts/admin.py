from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import security_admin, services  # noqa: F401  (security_admin: the axes and OTP pages, in Chinese)
from .forms import ClaimReviewForm
from .models import Certification, ClaimReview, Enterprise, ProfileVersion, User


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


class ClaimReviewInline(admin.TabularInline):
    model = ClaimReview
    fields = ["decided_at", "decision", "evidence", "decided_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "claim_status",
        "industry",
        "registered_district",
        "on_dishonesty_list",
        "created_at",
    ]
    list_filter = ["claim_status", "industry", "registered_district", "ownership", "on_dishonesty_list"]
    search_fields = ["name", "credit_code", "contact_person", "email", "mobile"]
    # The claim changes only through the claim page, which records who decided and on what evidence.
    readonly_fields = ["created_at", "owner", "claim_status"]
    inlines = [ClaimReviewInline, CertificationInline, ProfileVersionInline]
    change_form_template = "admin/accounts/enterprise_change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/claim/",
                self.admin_site.admin_view(self.claim_view),
                name="accounts_enterprise_claim",
            ),
            *super().get_urls(),
        ]

    def claim_view(self, request, object_id: int):
        """Verify an enterprise's claim to its credit code against the business licence, or remove a wrong one."""
        enterprise = get_object_or_404(Enterprise, pk=object_id)
        if not self.has_change_permission(request, enterprise):
            raise PermissionDenied
        form = ClaimReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            action = services.claim_verify if form.cleaned_data["decision"] == "verified" else services.claim_remove
            try:
                action(enterprise=enterprise, user=request.user, evidence=form.cleaned_data["evidence"])
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, gettext("已记录对 %(name)s 的认领核验。") % {"name": enterprise.name}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:accounts_enterprise_change", args=[enterprise.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("信用代码认领核验：%(name)s") % {"name": enterprise.name},
            "form": form,
            "enterprise": enterprise,
            "users": enterprise.users.order_by("date_joined"),
        }
        return TemplateResponse(request, "admin/accounts/enterprise_claim.html", context)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            services.profile_record_version(enterprise=form.instance, user=request.user)
