"""免申即享 in the admin: staff's verification of profiles, and the lists of a measure's qualifying enterprises.

A district administrator or reviewer verifies an enterprise's profile (by its credit code, with the evidence seen).
A reviewer of a 免申即享 measure's lead department generates a list; its page shows each listed enterprise with the
amount and each condition as the verified figures meet it, and each one left out with the reason; a second person
of the department approves it (the offers go out) or discards it. Nothing here is edited in a form: every change goes
through applications.direct.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.services import profile_field_label
from measures.models import District

from ..direct.lists import list_approve, list_discard, list_generate, lists_visible_to, may_decide, measures_for
from ..direct.verification import may_verify, profile_verify, verifications_visible_to
from ..models import DirectEntry, DirectList, ProfileVerification
from ..review.applicant import shown_value
from .base import ReadOnlyAdmin
from .case_review import person_display


class VerifyForm(forms.Form):
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=30)
    evidence = forms.CharField(
        label=gettext_lazy("核验依据"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=ProfileVerification._meta.get_field("evidence").help_text,
    )


@admin.register(ProfileVerification)
class ProfileVerificationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "version_number", "verified_at", "verifier", "district"]
    list_select_related = ["enterprise", "version", "verified_by", "district"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    fields = ["enterprise", "version_number", "figures", "evidence", "district", "verifier", "verified_at"]
    readonly_fields = fields
    verifier = person_display("verified_by", gettext_lazy("核验人"))

    def has_add_permission(self, request):
        return may_verify(request.user)

    def get_queryset(self, request):
        return verifications_visible_to(request.user).select_related("enterprise", "version", "verified_by")

    @admin.display(description=gettext_lazy("画像版本"))
    def version_number(self, obj):
        return _("第 %(n)s 版") % {"n": obj.version.number}

    @admin.display(description=gettext_lazy("核验的画像"))
    def figures(self, obj):
        data = obj.version.data
        districts = District.objects.in_bulk()
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td></tr>",
                ((profile_field_label(name), shown_value(name, value, districts)) for name, value in data.items()),
            ),
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not may_verify(request.user):
            raise PermissionDenied
        form = VerifyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                verification = profile_verify(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("已核验%(name)s的企业画像（第 %(n)s 版）。")
                    % {"name": verification.enterprise.name, "n": verification.version.number},
                )
                return HttpResponseRedirect(
                    reverse("admin:applications_profileverification_change", args=[verification.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("核验企业画像"),
            "form": form,
        }
        return TemplateResponse(request, "applications/admin/direct_verify.html", context)


class GenerateForm(forms.Form):
    measure = forms.ModelChoiceField(label=gettext_lazy("免申即享措施"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures_for(user)


@admin.register(DirectList)
class DirectListAdmin(ReadOnlyAdmin):
    list_display = ["measure", "district", "on", "state", "listed", "generator", "decider"]
    list_filter = ["state"]
    list_select_related = ["measure__document", "district", "generated_by", "decided_by"]
    search_fields = ["measure__title", "measure__document__number"]
    fields = [
        "measure",
        "district",
        "on",
        "state",
        "examined",
        "generator",
        "generated_at",
        "decider",
        "decided_at",
        "decision_comment",
        "due_on",
    ]
    readonly_fields = fields
    change_form_template = "applications/admin/direct_list_change_form.html"
    change_list_template = "applications/admin/direct_list_change_list.html"
    generator = person_display("generated_by", gettext_lazy("生成人"))
    decider = person_display("decided_by", gettext_lazy("审批人"))

    def get_queryset(self, request):
        return lists_visible_to(request.user).select_related("measure__document", "district")

    @admin.display(description=gettext_lazy("列入企业"))
    def listed(self, obj):
        return obj.entries.exclude(state=DirectEntry.State.LEFT_OUT).count()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("generate/", self.admin_site.admin_view(self.generate_view), name="{}_{}_generate".format(*info)),
            path(
                "<int:object_id>/approve/",
                self.admin_site.admin_view(require_POST(self.approve_view)),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<int:object_id>/discard/",
                self.admin_site.admin_view(require_POST(self.discard_view)),
                name="{}_{}_discard".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_generate": measures_for(request.user).exists()}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        direct_list = self.get_queryset(request).filter(pk=object_id).select_related("measure").first()
        entries = []
        if direct_list is not None:
            entries = list(
                direct_list.entries.select_related("enterprise", "profile_version", "application").order_by(
                    "enterprise__name", "pk"
                )
            )
        extra_context = {
            **(extra_context or {}),
            "listed": [e for e in entries if e.state != DirectEntry.State.LEFT_OUT],
            "left_out": [e for e in entries if e.state == DirectEntry.State.LEFT_OUT],
            "may_decide": bool(direct_list and may_decide(request.user, direct_list)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def generate_view(self, request):
        if not measures_for(request.user).exists():
            raise PermissionDenied
        form = GenerateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                direct_list = list_generate(measure_id=form.cleaned_data["measure"].pk, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                self.message_user(request, _("名单已生成，待本部门负责人（或其他审核人）审批。"))
                return HttpResponseRedirect(reverse("admin:applications_directlist_change", args=[direct_list.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("生成免申即享名单"),
            "form": form,
        }
        return TemplateResponse(request, "applications/admin/direct_generate.html", context)

    def _decide(self, request, object_id: int, decide, done: str):
        direct_list = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:applications_directlist_change", args=[direct_list.pk]))
        try:
            decide(list_id=direct_list.pk, user=request.user, comment=request.POST.get("comment", "")[:2000])
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
            return back
        self.message_user(request, done, messages.SUCCESS)
        return back

    def approve_view(self, request, object_id: int):
        return self._decide(request, object_id, list_approve, _("名单已批准，已通知列入名单的企业确认。"))

    def discard_view(self, request, object_id: int):
        return self._decide(request, object_id, list_discard, _("名单已作废，未通知任何企业。"))
