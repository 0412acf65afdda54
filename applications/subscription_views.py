"""Subscriptions to new measures: an enterprise user's choice (/subscriptions/), and the unsubscribe link of the
e-mails, which works without signing in (its token is signed for that person and does nothing else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.views import enterprise_required
from measures.models import BeneficiaryType, District
from measures.topics import FAMILY_CHOICES

from .subscriptions import services


class SubscriptionForm(forms.Form):
    matching = forms.BooleanField(
        label=gettext_lazy("本企业符合或可能符合条件的新措施"),
        required=False,
        initial=True,
        help_text=gettext_lazy("按企业资料匹配本企业所在区和全市的新措施。"),
    )
    districts = forms.MultipleChoiceField(
        label=gettext_lazy("另外关注这些地区的全部新措施"), required=False, widget=forms.CheckboxSelectMultiple
    )
    beneficiary_types = forms.MultipleChoiceField(
        label=gettext_lazy("另外关注面向这些对象的新措施"), required=False, widget=forms.CheckboxSelectMultiple
    )
    rule_families = forms.MultipleChoiceField(
        label=gettext_lazy("另外关注这些支持方式的新措施"),
        choices=FAMILY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = [(d.slug, d.local_name) for d in District.objects.all()]
        self.fields["beneficiary_types"].choices = [(t.code, t.name) for t in BeneficiaryType.objects.all()]


@enterprise_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    """Show and change what the person hears of; "取消订阅" stops the e-mails."""
    subscription = services.subscription_of(request.user)
    active = bool(subscription and subscription.active)
    initial = {}
    if subscription:
        initial = {
            "matching": subscription.matching,
            "districts": subscription.districts,
            "beneficiary_types": subscription.beneficiary_types,
            "rule_families": subscription.rule_families,
        }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            if services.subscription_cancel(user=request.user):
                messages.success(request, _("已退订新措施提醒。"))
            return redirect("applications:subscriptions")
        if form.is_valid():
            data = form.cleaned_data
            if not (data["matching"] or data["districts"] or data["beneficiary_types"] or data["rule_families"]):
                form.add_error(None, _("请至少选择一项要关注的内容；如不再需要提醒，请点击“取消订阅”。"))
            else:
                services.subscription_save(user=request.user, **data)
                messages.success(
                    request,
                    _("订阅已保存。每晚有新的措施时，将发送一封邮件到 %(email)s。") % {"email": request.user.email},
                )
                return redirect("applications:subscriptions")
    return render(request, "applications/subscriptions.html", {"form": form, "active": active})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Ask, then stop the e-mails of the person the link was made for; a link this portal did not sign is refused."""
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "applications/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.subscription_cancel(user=user)
        done = True
    subscription = services.subscription_of(user)
    context = {"email": user.email, "done": done, "active": bool(subscription and subscription.active)}
    return render(request, "applications/unsubscribe.html", context)
