"""The public SME size check under 工信部联企业〔2011〕300号: a JSON endpoint and a self-test page."""

from decimal import Decimal

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from .sme import THRESHOLDS, Figure, Industry, Size, classify, figures_needed, format_figure

# With the unit, as on the enterprise profile: the form's labels and the threshold table's headings.
LABELS = {
    Figure.EMPLOYEES: _("从业人员（人）"),
    Figure.REVENUE: _("营业收入（万元）"),
    Figure.ASSETS: _("资产总额（万元）"),
}


def _messages(figure: Figure, invalid: str) -> dict:
    """Return error messages that name the figure, so an API client sees which parameter is wrong."""
    out_of_range = format_lazy(_("{figure}超出可填写的范围。"), figure=figure.label)
    return {
        "invalid": format_lazy(invalid, figure=figure.label),
        "min_value": format_lazy(invalid, figure=figure.label),
        "max_value": out_of_range,
        "max_digits": out_of_range,
        "max_whole_digits": out_of_range,
        "max_decimal_places": format_lazy(_("{figure}最多保留 2 位小数。"), figure=figure.label),
    }


def _amount_field(figure: Figure) -> forms.DecimalField:
    # The same precision as the enterprise profile's figures, so a profile's values always pass here too.
    return forms.DecimalField(
        label=LABELS[figure],
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=_messages(figure, _("{figure}须为不小于 0 的数字。")),
    )


class SmeSelfTestForm(forms.Form):
    industry = forms.ChoiceField(
        label=_("行业"),
        choices=[*BLANK_CHOICE_DASH, *Industry.choices],
        error_messages={
            "required": _("请选择行业。"),
            "invalid_choice": _("行业须为工信部联企业〔2011〕300号所列的行业之一。"),
        },
    )
    employees = forms.IntegerField(
        label=LABELS[Figure.EMPLOYEES],
        required=False,
        min_value=0,
        max_value=10_000_000,
        error_messages=_messages(Figure.EMPLOYEES, _("{figure}须为不小于 0 的整数。")),
    )
    revenue = _amount_field(Figure.REVENUE)
    assets = _amount_field(Figure.ASSETS)

    def clean(self):
        cleaned = super().clean()
        industry = cleaned.get("industry")
        if industry:
            for figure in figures_needed(industry):
                if cleaned.get(figure) is None and figure not in self.errors:
                    message = gettext("%(industry)s划型需要填写%(figure)s。")
                    self.add_error(
                        figure, message % {"industry": Industry(industry).label, "figure": Figure(figure).label}
                    )
        return cleaned


@require_GET
def classify_api(request: HttpRequest) -> JsonResponse:
    """Answer the size for the figures in the query string, or 400 naming the first wrong parameter."""
    form = SmeSelfTestForm(request.GET)
    if not form.is_valid():
        field = next(name for name in form.fields if name in form.errors)
        message = gettext("参数 %(param)s：%(message)s") % {"param": field, "message": form.errors[field][0]}
        return _json({"error": message, "field": field}, status=400)
    result = classify(**form.cleaned_data)
    industry = form.cleaned_data["industry"]
    figures = {figure: _plain(form.cleaned_data[figure]) for figure in figures_needed(industry)}
    return _json(
        {"size": result.size.value, "explanation": result.explanation, "industry": industry, "figures": figures}
    )


@require_safe
def self_test(request: HttpRequest) -> HttpResponse:
    """Show the self-test form and, once submitted, the size with its reasons and the industry's thresholds."""
    form = SmeSelfTestForm(request.GET or None)
    result = classify(**form.cleaned_data) if form.is_valid() else None
    industry = form.cleaned_data.get("industry") if form.is_bound else None
    context = {
        "form": form,
        "result": result,
        "is_large": result is not None and result.size == Size.LARGE,
        "thresholds": _thresholds_table(industry) if industry else None,
    }
    return render(request, "measures/sme_self_test.html", context)


def _thresholds_table(industry: str) -> dict:
    """Return the industry's row of the standard as table headings and rows of '≥ bound' cells."""
    figures = [Figure(figure) for figure in figures_needed(industry)]
    rows = [
        (size.label, [f"≥ {format_figure(bounds[figure])}" for figure in figures])
        for size, bounds in THRESHOLDS[Industry(industry)].items()
    ]
    headings = [LABELS[figure] for figure in figures]
    return {"industry": Industry(industry).label, "headings": headings, "rows": rows}


def _plain(value: int | Decimal) -> int | str:
    # Amounts go out as strings, as DjangoJSONEncoder would write them, but without trailing zeros.
    return format_figure(value) if isinstance(value, Decimal) else value


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
