"""好差评 in the admin: the rectification tasks a 差评 opened, and the department head's answer to one.

Every member of staff of the rated department sees its tasks (the district's administrators and auditors those of the
district's cases, as the escalation reaches them); only the head (负责人) of the department answers, on a page of its
own with a confirmation step. The answer goes through applications.ratings.services.record_response, which writes
the case's audit event and the enterprise's e-mail.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import StaffRole

from ..models import Rectification
from ..ratings.services import may_respond, record_response, rectifications_visible_to
from .base import ReadOnlyAdmin
from .case_review import person_display


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=gettext_lazy("整改答复"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=gettext_lazy("写明核实的情况和整改措施；答复将通过站内信和电子邮件告知企业，企业可对答复再作评价。"),
    )

    def clean_response(self):
        text = self.cleaned_data["response"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("请具体说明整改情况（至少10个字）。"))
        return text


class OpenFilter(admin.SimpleListFilter):
    title = gettext_lazy("答复情况")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("待答复")), ("yes", _("已答复"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(responded_at__isnull=self.value() == "no")
        return queryset


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["case", "enterprise", "level", "department", "due_on", "answered", "respond_link"]
    list_filter = [OpenFilter]
    list_select_related = ["rating__application__enterprise", "department"]
    search_fields = ["rating__application__reference", "rating__application__enterprise__name"]
    fields = [
        "case",
        "enterprise",
        "level",
        "comment",
        "department",
        "due_on",
        "reminded_on",
        "escalated_on",
        "response",
        "responder",
        "responded_at",
    ]
    readonly_fields = fields
    responder = person_display("responded_by", gettext_lazy("答复人"), nobody="—")

    def get_queryset(self, request):
        return rectifications_visible_to(request.user).select_related(
            "rating__application__enterprise", "department", "responded_by"
        )

    @admin.display(description=gettext_lazy("申请编号"), ordering="rating__application__reference")
    def case(self, obj):
        return obj.rating.application.reference

    @admin.display(description=gettext_lazy("企业名称"))
    def enterprise(self, obj):
        return obj.rating.application.enterprise.name

    @admin.display(description=gettext_lazy("评价"))
    def level(self, obj):
        return obj.rating.get_level_display()

    @admin.display(description=gettext_lazy("评价内容"))
    def comment(self, obj):
        return obj.rating.comment or "—"

    @admin.display(description=gettext_lazy("已答复"), boolean=True)
    def answered(self, obj):
        return obj.responded_at is not None

    @admin.display(description=gettext_lazy("答复"))
    def respond_link(self, obj):
        if obj.responded_at is not None:
            return "—"
        link = reverse("admin:applications_rectification_respond", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', link, _("答复差评"))

    def get_list_display(self, request):
        # The answer link is the head's; a head reviewer sees only the tasks of their own department.
        shown = list(super().get_list_display(request))
        head = request.user.is_head and request.user.role == StaffRole.REVIEWER
        return shown if head else [name for name in shown if name != "respond_link"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/respond/",
                self.admin_site.admin_view(self.respond_view),
                name="{}_{}_respond".format(*info),
            ),
            *super().get_urls(),
        ]

    def respond_view(self, request, object_id: int):
        """The head's answer: the form, then a confirmation page showing the text as the enterprise will read it."""
        task = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not may_respond(request.user, task):
            raise PermissionDenied
        change = reverse("admin:applications_rectification_change", args=[task.pk])
        if task.responded_at is not None:
            self.message_user(request, _("该差评已答复。"))
            return HttpResponseRedirect(change)
        form = ResponseForm(request.POST or None)
        confirming = False
        if request.method == "POST" and form.is_valid():
            if request.POST.get("confirmed") == "yes" and "edit" not in request.POST:
                try:
                    record_response(task=task, user=request.user, response=form.cleaned_data["response"])
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(request, _("整改答复已记录，并已通知企业。"))
                    return HttpResponseRedirect(change)
            else:
                confirming = "edit" not in request.POST
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("答复差评"),
            "task": task,
            "form": form,
            "confirming": confirming,
        }
        return TemplateResponse(request, "applications/admin/rectification_respond.html", context)
