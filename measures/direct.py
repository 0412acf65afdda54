"""免申即享 (direct awards): which measures may be offered without an application, and their rule inputs from data.

A measure may be marked `direct_award` only when the portal can decide every one of its conditions from what it holds
about an enterprise: the figures of a profile its staff have verified, the registration districts, certifications, the
dishonesty list, bans and earlier awards. A declaration (承诺), an "other" condition, a trade (行业, which the profile
holds only as the category of the 2011 standard) or a park (typed freely by the enterprise) needs a person, so a
measure with one cannot be marked. Its rule's inputs must come from the same data: each input names its source in
`direct_inputs` (measures/data/SCHEMA.md, "免申即享").

Plain Python: the YAML validator, the measure's admin form and the list generation (applications.direct) all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from . import rules

# Decided from the profile, the certifications, the dishonesty list and the bans (measures.condition_checks).
DECIDABLE_KINDS = frozenset(
    {
        "registered_in_district",
        "tax_in_district",
        "stats_in_district",
        "sme_sizes",
        "ownership",
        "certifications",
        "max_age_years",
        "max_staff",
        "max_revenue",
        "min_rd_spend",
        "min_revenue_drop",
        "max_layoff_rate",
        "min_insured_months",
        "not_dishonest",
        "not_banned",
    }
)
# What a person has to confirm or judge: a declaration, an "other" condition, a trade, a park.
UNDECIDABLE_KINDS = frozenset({"declaration", "other", "industries", "parks"})

# A profile figure a rule input may be read from, and what to multiply it by for the rule's unit (the rules count
# money in yuan; the profile gives revenue and assets in 万元).
PROFILE_SOURCES: dict[str, Decimal] = {
    "employees": Decimal(1),
    "insured_months": Decimal(1),
    "rd_spend": Decimal(1),
    "prior_year_district_contribution": Decimal(1),
    "revenue": Decimal(10000),
    "total_assets": Decimal(10000),
}
SOURCES = ("certification", "profile", "value")


def certification_pairs(value: Any) -> list[tuple[str, str]]:
    """Return a certification source's (kind, value) pairs in the order written, highest first.

    The data files write the source as a mapping; it is stored as a list of pairs (`stored_sources`), because
    PostgreSQL's jsonb does not keep the order of an object's keys and the order says which level wins."""
    if isinstance(value, Mapping):
        return [(str(kind), v) for kind, v in value.items()]
    if isinstance(value, list | tuple):
        return [(str(pair[0]), pair[1]) for pair in value if isinstance(pair, list | tuple) and len(pair) == 2]
    return []


def stored_sources(sources: Any) -> Any:
    """Return `sources` as stored: each certification mapping as a list of [kind, value] pairs, in its order."""
    if not isinstance(sources, Mapping):
        return sources
    stored: dict[str, Any] = {}
    for name, source in sources.items():
        if isinstance(source, Mapping) and len(source) == 1 and isinstance(source.get("certification"), Mapping):
            source = {"certification": [list(pair) for pair in certification_pairs(source["certification"])]}
        stored[name] = source
    return stored


def undecidable(kinds: Iterable[str]) -> list[str]:
    """Return the kinds among `kinds` that the portal cannot decide from its data, once each, in order."""
    return list(dict.fromkeys(kind for kind in kinds if kind not in DECIDABLE_KINDS))


def source_problems(inputs: list[rules.Input], sources: Any) -> list[str]:
    """Return, in Chinese, what is wrong with the sources of a marked measure's rule inputs; [] when each required
    input has a valid source and no source names an input the rule does not have."""
    if not isinstance(sources, Mapping):
        return [_("免申即享的测算数据来源须为映射：每个测算输入项对应一个数据来源。")]
    by_name = {spec.name: spec for spec in inputs}
    problems = [
        _("测算输入项“%(name)s”没有数据来源：免申即享的金额须能由平台数据算出。") % {"name": spec.name}
        for spec in inputs
        if spec.required and spec.name not in sources
    ]
    for name, source in sources.items():
        spec = by_name.get(name)
        if spec is None:
            problems.append(_("计算规则没有名为“%(name)s”的测算输入项。") % {"name": name})
        else:
            problems += _source_problems(spec, source)
    return problems


def _source_problems(spec: rules.Input, source: Any) -> list[str]:
    if not isinstance(source, Mapping) or len(source) != 1 or next(iter(source)) not in SOURCES:
        return [
            _("“%(name)s”的数据来源须为 certification、profile 或 value 之一。") % {"name": spec.name},
        ]
    kind, value = next(iter(source.items()))
    if kind == "profile" and value not in PROFILE_SOURCES:
        names = "、".join(PROFILE_SOURCES)
        return [_("“%(name)s”：企业画像中可用的数据为 %(fields)s。") % {"name": spec.name, "fields": names}]
    if kind == "certification":
        pairs = certification_pairs(value)
        if not pairs or (not isinstance(value, Mapping) and len(pairs) != len(value)):
            return [_("“%(name)s”：certification 须为“资质→取值”的映射。") % {"name": spec.name}]
        allowed = {choice for choice, _label in spec.choices}
        wrong = [str(v) for _kind, v in pairs if allowed and v not in allowed]
        if wrong:
            return [_("“%(name)s”没有取值：%(values)s。") % {"name": spec.name, "values": "、".join(wrong)}]
    if kind == "value" and not isinstance(value, str | int):
        return [_("“%(name)s”：value 须为文字或整数。") % {"name": spec.name}]
    return []


def input_values(
    sources: Mapping[str, Any], certifications: Iterable[str], profile: Mapping[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """Return the rule inputs the data gives and the names of the inputs it cannot give.

    `certifications` are the kinds the enterprise holds (accounts.Certification.Kind), `profile` its figures by field
    name; a certification source takes the value of the first kind in its mapping that the enterprise holds (write
    the highest level first).
    """
    held = set(certifications)
    raw: dict[str, str] = {}
    missing: list[str] = []
    for name, source in sources.items():
        value = _value(source, held, profile)
        if value is None:
            missing.append(name)
        else:
            raw[name] = value
    return raw, missing


def _value(source: Mapping[str, Any], held: set[str], profile: Mapping[str, Any]) -> str | None:
    kind, value = next(iter(source.items()))
    if kind == "value":
        return str(value)
    if kind == "certification":
        return next((str(v) for cert, v in certification_pairs(value) if cert in held), None)
    figure = profile.get(value)
    if figure in (None, ""):
        return None
    try:
        number = Decimal(str(figure)) * PROFILE_SOURCES[value]
    except InvalidOperation:
        return None
    return f"{number.quantize(Decimal(1))}" if number == number.to_integral_value() else f"{number:f}"
