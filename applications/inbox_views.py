"""The inbox (/notifications/): every notice sent to the signed-in person, an enterprise's user or staff, read or
not; and how they want their e-mail (each notice at once, or one digest a day). Only one's own receipts are ever
looked up, so another person's notice is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import NoticePreference, NoticeReceipt
from .notices import inbox as service

PAGE_SIZE = 20


class NoticeSettingsForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("邮件发送方式"),
        choices=NoticePreference.Delivery.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("无论选择哪种方式，每条通知都保存在“通知”中，可随时查看。"),
    )


def case_link(user, notice) -> str:
    """Return where the notice's case is seen by the person: their own case page, or the case in the admin."""
    application = notice.application
    if application is None:
        return ""
    if user.is_enterprise_user:
        return application.get_absolute_url() if application.enterprise_id == user.enterprise_id else ""
    return reverse("admin:applications_application_change", args=[application.pk]) if user.is_staff else ""


@login_required
def inbox(request):
    receipts = NoticeReceipt.objects.filter(user=request.user).select_related("notice__application")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        receipts = receipts.unread()
    page = Paginator(receipts.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for receipt in page:
        receipt.case_link = case_link(request.user, receipt.notice)
    context = {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "querystring": "unread=1" if unread_only else "",
        "unread_only": unread_only,
        "delivery": service.delivery_of(request.user),
    }
    return render(request, "applications/inbox.html", context)


@login_required
def notice_detail(request, notice_id: int):
    """Show one notice in the reader's language; opening it marks it read."""
    receipt = get_object_or_404(
        NoticeReceipt.objects.select_related("notice__application"), user=request.user, notice_id=notice_id
    )
    service.receipt_read(user=request.user, notice_id=notice_id)
    subject, body = receipt.notice.text_in()
    context = {
        "receipt": receipt,
        "notice": receipt.notice,
        "subject": subject,
        "body": body,
        "case_link": case_link(request.user, receipt.notice),
    }
    return render(request, "applications/notice.html", context)


def _back_to_inbox(request):
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(back)
    return redirect("applications:inbox")


@login_required
@require_POST
def notice_read(request, notice_id: int):
    get_object_or_404(NoticeReceipt, user=request.user, notice_id=notice_id)
    service.receipt_read(user=request.user, notice_id=notice_id)
    return _back_to_inbox(request)


@login_required
@require_POST
def notices_read_all(request):
    count = service.receipts_read_all(user=request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return _back_to_inbox(request)


@login_required
def notice_settings(request):
    form = NoticeSettingsForm(request.POST or None, initial={"delivery": service.delivery_of(request.user)})
    if request.method == "POST" and form.is_valid():
        service.delivery_set(user=request.user, delivery=form.cleaned_data["delivery"])
        if form.cleaned_data["delivery"] == NoticePreference.Delivery.DIGEST:
            messages.success(request, _("已保存：今后的通知每天汇总发送一封邮件。"))
        else:
            messages.success(request, _("已保存：今后每条通知即时发送邮件。"))
        return redirect("applications:notice_settings")
    return render(request, "applications/notice_settings.html", {"form": form})
