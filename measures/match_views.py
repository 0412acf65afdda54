"""Policy matching pages: an enterprise's own matches, and the same check from a short public form."""

from __future__ import annotations

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.models import Certification, Ownership
from applications.models import Ban

from .matching import MIGHT, NOT, QUALIFIES, Facts, facts_for_enterprise, kept_measures_for_matching, match_measures
from .models import District
from .sme import Figure, classify
from .sme_views import SmeSelfTestForm

GROUPS = (
    (QUALIFIES, _("符合条件"), _("按企业资料，以下措施的条件均已满足（仍需在申请时确认列出的事项）。")),
    (MIGHT, _("可能符合"), _("资料中缺少判断所需的信息，补充后即可确定。")),
    (NOT, _("不符合"), _("至少有一项条件不满足，下方引用了条款原文。")),
)


class MatchFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("发文地区"), queryset=District.objects.all(), required=False, empty_label=_("全部")
    )
    monetary = forms.BooleanField(label=_("只看资金支持类"), required=False)
    open_only = forms.BooleanField(label=_("只看当前可申报"), required=False)


class PublicMatchForm(forms.Form):
    # The same fields and messages as the SME self-test, but figures may be left out: matching then says which
    # measures depend on them.
    industry = SmeSelfTestForm.base_fields["industry"]
    employees = SmeSelfTestForm.base_fields["employees"]
    revenue = SmeSelfTestForm.base_fields["revenue"]
    assets = SmeSelfTestForm.base_fields["assets"]
    location = forms.ModelChoiceField(
        label=_("注册地"),
        queryset=District.objects.exclude(level=District.Level.CITY),
        empty_label=None,
        error_messages={"invalid_choice": _("请从列表中选择注册地所在的区。"), "required": _("请选择注册地。")},
    )
    same_district = forms.BooleanField(label=_("纳税、纳统也在注册地所在区"), required=False, initial=True)
    ownership = forms.ChoiceField(
        label=_("所有制"), choices=BLANK_CHOICE_DASH + list(Ownership.choices), required=False
    )
    certifications = forms.MultipleChoiceField(
        label=_("已获认定"), choices=Certification.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def classification(self):
        data = self.cleaned_data
        return classify(
            industry=data["industry"],
            employees=data.get("employees"),
            revenue=data.get("revenue"),
            assets=data.get("assets"),
        )

    def facts(self) -> Facts:
        data = self.cleaned_data
        result = self.classification()
        district_id = data["location"].pk
        return Facts(
            registered_district_id=district_id,
            tax_district_id=district_id if data["same_district"] else None,
            stats_district_id=district_id if data["same_district"] else None,
            industry=data["industry"],
            size=result.size,
            size_missing=[str(Figure(figure).label) for figure in result.missing],
            ownership=data.get("ownership") or "",
            certifications=set(data["certifications"]),
            employees=data.get("employees"),
            revenue_wan=data.get("revenue"),
            dishonest=None,
            from_profile=False,
        )


def _grouped(request: HttpRequest, facts: Facts, filters: MatchFilterForm) -> dict:
    measures = kept_measures_for_matching()
    if filters.is_valid():
        if filters.cleaned_data["district"]:
            district_id = filters.cleaned_data["district"].pk
            measures = [m for m in measures if m.document.district_id == district_id]
        if filters.cleaned_data["monetary"]:
            measures = [m for m in measures if m.monetary]
    matches = match_measures(facts, measures)
    if filters.is_valid() and filters.cleaned_data["open_only"]:
        matches = [m for m in matches if m.open_for_applications]
    # Open measures first within each group; the order of the library otherwise.
    matches.sort(key=lambda m: not m.open_for_applications)
    return {
        "groups": [
            {"key": key, "title": title, "help": help_text, "matches": [m for m in matches if m.group == key]}
            for key, title, help_text in GROUPS
        ],
        "filters": filters,
        "total": len(matches),
    }


@require_safe
def my_matches(request: HttpRequest) -> HttpResponse:
    """Show a signed-in enterprise its measures in three groups; everyone else gets the public form."""
    user = request.user
    if not (user.is_authenticated and user.is_enterprise_user):
        return redirect("measures:match_check")
    enterprise = user.enterprise
    facts = facts_for_enterprise(enterprise, bans=Ban.objects.by_district(enterprise))
    context = _grouped(request, facts, MatchFilterForm(request.GET or None))
    context.update(enterprise=enterprise, classification=enterprise.sme_classification())
    return render(request, "measures/matching.html", context)


@require_safe
def public_check(request: HttpRequest) -> HttpResponse:
    """Run the same matching from a short form, without an account; nothing is stored."""
    form = PublicMatchForm(request.GET if "industry" in request.GET else None)
    context = {"form": form}
    if form.is_valid():
        facts = form.facts()
        context.update(_grouped(request, facts, MatchFilterForm(request.GET)))
        context["classification"] = form.classification()
    return render(request, "measures/matching_public.html", context)
