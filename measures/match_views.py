"""Policy matching pages: an enterprise's own matches, and the same check from a short public form."""

from __future__ import annotations

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.models import BeneficiaryKind, Certification, Ownership
from applications.models import Ban

from .match_cards import attach_cards
from .matching import MIGHT, NOT, QUALIFIES, Facts, facts_for_enterprise, kept_measures_for_matching, match_measures
from .models import District, Measure
from .sme import Figure, classify
from .sme_views import SmeSelfTestForm

GROUPS = (
    (QUALIFIES, _("符合条件"), _("按企业资料，以下措施的条件均已满足（仍需在申请时确认列出的事项）。")),
    (MIGHT, _("可能符合"), _("资料中缺少判断所需的信息，按提示补充企业信息后即可确定。")),
    (NOT, _("不符合"), _("至少有一项条件不满足，下方引用了条款原文。")),
)
OWN, ALL = "", "all"


class MatchFilterForm(forms.Form):
    # Empty: the applicant's own districts (registered, taxed, counted) and the city's measures; "all", or one.
    district = forms.ChoiceField(
        label=_("发文地区"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    monetary = forms.BooleanField(
        label=_("只看资金支持类"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    open_only = forms.BooleanField(
        label=_("只看当前可申报"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = [(str(d.pk), d.local_name) for d in District.objects.all()]
        self.fields["district"].choices = [(OWN, _("本企业所在区和全市")), (ALL, _("全部地区")), *districts]

    def scope(self) -> str:
        return self.cleaned_data["district"] if self.is_valid() else OWN


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
    beneficiary_types = forms.MultipleChoiceField(
        label=_("本单位同时属于"),
        help_text=_("一般企业不必勾选。"),
        choices=BeneficiaryKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
            beneficiary_types=set(data["beneficiary_types"]),
            from_profile=False,
        )


def _in_scope(measures: list[Measure], facts: Facts, scope: str) -> tuple[list[Measure], int, bool]:
    """Return the measures of the districts asked for, how many others were left out, and whether the applicant's
    own districts were known (without them every district is shown)."""
    if scope == ALL:
        return measures, 0, True
    if scope:
        return [m for m in measures if str(m.document.district_id) == scope], 0, True
    own = facts.own_district_ids
    if not own:
        return measures, 0, False
    kept = [m for m in measures if m.document.district_id in own or m.document.district.level == District.Level.CITY]
    return kept, len(measures) - len(kept), True


def _grouped(request: HttpRequest, facts: Facts, filters: MatchFilterForm) -> dict:
    measures, others, districts_known = _in_scope(kept_measures_for_matching(), facts, filters.scope())
    if filters.is_valid() and filters.cleaned_data["monetary"]:
        measures = [m for m in measures if m.monetary]
    matches = match_measures(facts, measures)
    if filters.is_valid() and filters.cleaned_data["open_only"]:
        matches = [m for m in matches if m.open_for_applications]
    # A ban is told once, above the groups, with the measures it stops.
    banned = [m for m in matches if m.banned]
    matches = [m for m in matches if not m.banned]
    # Open measures first within each group; the order of the library otherwise.
    matches.sort(key=lambda m: not m.open_for_applications)
    groups = []
    for key, title, help_text in GROUPS:
        in_group = [m for m in matches if m.group == key]
        current = [m for m in in_group if not m.closed]
        groups.append(
            {
                "key": key,
                "title": title,
                "help": help_text,
                "matches": current,
                "closed": [m for m in in_group if m.closed],
            }
        )
    return {
        "groups": groups,
        "banned": banned,
        "filters": filters,
        "total": len(matches) + len(banned),
        "others": others,
        "districts_known": districts_known,
        "all_districts_query": _query_with(request, district=ALL),
    }


def _query_with(request: HttpRequest, **values: str) -> str:
    query = request.GET.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


@require_safe
def my_matches(request: HttpRequest) -> HttpResponse:
    """Show a signed-in enterprise its measures in three groups; everyone else gets the public form."""
    user = request.user
    if not (user.is_authenticated and user.is_enterprise_user):
        return redirect("measures:match_check")
    enterprise = user.enterprise
    bans = list(Ban.objects.active().filter(enterprise=enterprise).select_related("district").order_by("ends_on"))
    facts = facts_for_enterprise(
        enterprise, bans={b.district_id: (b.ends_on, b.quote or b.decision_number) for b in bans}
    )
    context = _grouped(request, facts, MatchFilterForm(request.GET or None))
    attach_cards(context["groups"], from_profile=True)
    context.update(enterprise=enterprise, classification=enterprise.sme_classification(), bans=bans)
    return render(request, "measures/matching.html", context)


@require_safe
def public_check(request: HttpRequest) -> HttpResponse:
    """Run the same matching from a short form, without an account; nothing is stored."""
    form = PublicMatchForm(request.GET if "industry" in request.GET else None)
    context = {"form": form}
    if form.is_valid():
        facts = form.facts()
        context.update(_grouped(request, facts, MatchFilterForm(request.GET)))
        attach_cards(context["groups"], from_profile=False)
        context["classification"] = form.classification()
    return render(request, "measures/matching_public.html", context)
