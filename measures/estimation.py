"""Estimates for a measure (补贴测算): the rule engine (measures.rules) fed with a measure's rules (Measure.ruleset:
one, or several that its clause states) and, optionally, what the earlier awards of an enterprise change (caps per
enterprise, once-only awards, 晋级补差, stacking groups, the annual ceiling), which the cases' side works out
(applications.workflow.awards)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Measure
from .rule_text import rule_text


def has_rule(measure: Measure) -> bool:
    return bool(measure.monetary and measure.rule_kind in rules.KINDS)


def inputs_for(measure: Measure) -> list[rules.Input]:
    """Return the inputs of every rule of the measure (a clause may state several; see rules.RuleSet)."""
    return measure.ruleset.rule_inputs() if has_rule(measure) else []


def estimate_measure(measure: Measure, raw: dict, *, context: rules.Context | None = None) -> rules.Estimate:
    """Return the estimate for raw inputs, with each rule's part and the version of the rules it was computed
    with, or raise rules.RuleInputError naming each bad field.

    `context` carries what an enterprise's earlier awards change (applications.workflow.awards.award_context);
    without it the estimate is the one for an enterprise with no earlier awards.
    """
    return measure.ruleset.estimate(raw, context=context or rules.Context(), citation=measure.citation)


def estimate_form_class(measure: Measure) -> type[forms.Form]:
    """Return a form with exactly the inputs the measure's rule needs."""
    fields: dict[str, forms.Field] = {}
    for spec in inputs_for(measure):
        label = rule_text(spec.label)
        if spec.unit:
            label = gettext("%(label)s（%(unit)s）") % {"label": label, "unit": pgettext("unit", spec.unit)}
        common = {"label": label, "required": spec.required, "help_text": rule_text(spec.help)}
        if spec.type == "money":
            field = forms.DecimalField(min_value=0, decimal_places=2, max_digits=16, **common)
        elif spec.type == "integer":
            field = forms.IntegerField(min_value=0, **common)
        elif spec.type == "decimal":
            field = forms.DecimalField(min_value=0, **common)
        elif spec.type == "date":
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        elif spec.type == "choice":
            choices = [(value, rule_text(text)) for value, text in spec.choices]
            field = forms.ChoiceField(choices=[("", "---------"), *choices], **common)
        elif spec.type == "boolean":
            field = forms.BooleanField(**{**common, "required": False})
        else:
            field = forms.CharField(max_length=rules.TEXT_MAX_LENGTH, **common)
        fields[spec.name] = field
    return type("EstimateForm", (forms.Form,), fields)


def raw_from_form(form: forms.Form) -> dict:
    """Return the cleaned values as the engine's raw inputs (strings for numbers and dates)."""
    raw = {}
    for name, value in form.cleaned_data.items():
        if value is None or value == "":
            continue
        raw[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return raw


UNIT_NOTE = _("金额以元计，保留两位小数（四舍五入到分）。")
