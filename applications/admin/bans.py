"""Bans in the admin: every member of staff of the district sees them; its administrators record one without a
finding against an enterprise of the district (found by a search, never a list of every enterprise), and change a
ban's end only through the amendment page, which keeps the document and the reason, writes the case's audit trail
and tells the enterprise (sanctions/bans.py). Nobody edits or deletes a ban here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Enterprise

from ..forms import BanAmendmentForm
from ..models import Ban, BanAmendment
from ..sanctions.bans import ban_amend, ban_record, enterprises_of_district, may_manage_bans
from ..workflow.permissions import is_workflow_staff

SEARCH_PAGE_SIZE = 20


class DistrictEnterpriseSelect(AutocompleteSelect):
    """The admin's search box (select2), asking the ban page's own search of the district's enterprises."""

    url_name = "%s:applications_ban_enterprises"


class BanAmendmentInline(admin.TabularInline):
    model = BanAmendment
    fields = ["amended_at", "previous_ends_on", "ends_on", "document_number", "reason", "amended_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "district", "starts_on", "ends_on", "decision_number", "from_finding"]
    list_filter = ["district"]
    list_select_related = ["enterprise", "district"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "decision_number", "reason"]
    fields = [
        "enterprise",
        "district",
        "starts_on",
        "ends_on",
        "decision_number",
        "decision_date",
        "reason",
        "clause_quote",
        "finding",
        "created_by",
        "created_at",
    ]
    readonly_fields = ["finding", "created_by", "created_at"]
    inlines = [BanAmendmentInline]
    change_form_template = "applications/admin/ban_change_form.html"

    @admin.display(description=gettext_lazy("由查处产生"), boolean=True)
    def from_finding(self, obj):
        return obj.finding_id is not None

    def _manages(self, request) -> bool:
        return may_manage_bans(request.user)

    def has_module_permission(self, request):
        return is_workflow_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_workflow_staff(request.user)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return False  # a ban changes only by an amendment (amend_view)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_fields(self, request, obj=None):
        return self.fields if obj else [f for f in self.fields if f not in self.readonly_fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        district_id = request.user.work_district_id
        return qs if request.user.is_superuser or not district_id else qs.filter(district_id=district_id)

    def _enterprises(self, request):
        user = request.user
        if user.is_superuser and not user.role:
            return Enterprise.objects.all()
        return enterprises_of_district(user.work_district_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=request.user.work_district_id)
        if db_field.name == "enterprise":
            kwargs["queryset"] = self._enterprises(request)
            kwargs["widget"] = DistrictEnterpriseSelect(db_field, self.admin_site)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "enterprise":
            field.error_messages["invalid_choice"] = _(
                "只能对本区企业（注册地、纳税地或纳统地在本区，或在本区有申请）登记禁止申请；"
                "对其他企业的禁止申请须经查处记录产生。"
            )
        return field

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        try:
            ban_record(ban=obj, user=request.user)
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from error

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "enterprises/",
                self.admin_site.admin_view(self.enterprise_search_view),
                name="{}_{}_enterprises".format(*info),
            ),
            path(
                "<int:object_id>/amend/",
                self.admin_site.admin_view(self.amend_view),
                name="{}_{}_amend".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ban = self.get_queryset(request).filter(pk=object_id).first()
        may_amend = bool(ban and may_manage_bans(request.user, ban.district_id))
        extra_context = {**(extra_context or {}), "may_amend": may_amend}
        return super().change_view(request, object_id, form_url, extra_context)

    def enterprise_search_view(self, request):
        """Answer the enterprise box of the ban form: the district's enterprises whose name or code contains the
        term, 20 at a time, in select2's format."""
        if not self._manages(request):
            raise PermissionDenied
        term = request.GET.get("term", "").replace("\x00", "").strip()[:100]
        enterprises = self._enterprises(request).order_by("name", "pk")
        if term:
            enterprises = enterprises.filter(Q(name__icontains=term) | Q(credit_code__icontains=term))
        page = Paginator(enterprises.only("pk", "name", "credit_code"), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        results = [{"id": str(e.pk), "text": f"{e.name}（{e.credit_code}）"} for e in page]
        return JsonResponse({"results": results, "pagination": {"more": page.has_next()}})

    def amend_view(self, request, object_id: int):
        """Change a ban's end on a document, with a reason: audited and told to the enterprise."""
        ban = get_object_or_404(self.get_queryset(request).select_related("enterprise", "district"), pk=object_id)
        if not may_manage_bans(request.user, ban.district_id):
            raise PermissionDenied
        form = BanAmendmentForm(request.POST or None, initial={"ends_on": ban.ends_on})
        if request.method == "POST" and form.is_valid():
            try:
                ban_amend(ban_id=ban.pk, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("已变更禁止申请期限，并已通知该企业。"))
                return HttpResponseRedirect(reverse("admin:applications_ban_change", args=[ban.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("变更禁止申请期限：%(enterprise)s") % {"enterprise": ban.enterprise.name},
            "form": form,
            "ban": ban,
        }
        return TemplateResponse(request, "applications/admin/ban_amend.html", context)
