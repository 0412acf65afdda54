"""A measure's `direct_award` (免申即享, see measures/data/SCHEMA.md): allowed only where the portal decides every
condition of the measure, its document's included, and computes its amount from data (measures.direct)."""

from __future__ import annotations

from typing import Any

from ..conditions import conditions_from_eligibility
from ..direct import source_problems, stored_sources, undecidable
from ..rules import RuleSet
from .validation import Checker


def read_direct_award(
    where: str,
    raw: Any,
    measure: dict[str, Any],
    document_eligibility: dict[str, Any],
    ruleset: RuleSet | None,
    checker: Checker,
) -> tuple[bool, dict[str, Any]]:
    """Return whether the measure is marked 免申即享 and the sources of its rule inputs, failing on a mark the
    conditions or the rule do not allow. `raw` is `true`, or a mapping with `inputs`."""
    if raw is None or raw is False:
        return False, {}
    if raw is True:
        raw = {}
    if not isinstance(raw, dict):
        checker.fail(where, "direct_award must be true or a mapping {inputs}")
        return False, {}
    checker.unknown_keys(f"{where} direct_award", raw, {"inputs"})
    kinds = [kind for kind, _value, _quote in conditions_from_eligibility(measure["eligibility"])]
    kinds += [kind for kind, _value, _quote in conditions_from_eligibility(document_eligibility or {})]
    for kind in undecidable(kinds):
        checker.fail(where, f"direct_award: the condition kind {kind!r} cannot be decided from the portal's data")
    if ruleset is None or not measure["monetary"]:
        checker.fail(where, "direct_award needs a monetary measure with a rule")
        return False, {}
    inputs = raw.get("inputs") or {}
    try:
        specs = ruleset.rule_inputs()
    except (KeyError, TypeError, ValueError):
        return True, {}  # the rule's own problems are reported with the rule
    for problem in source_problems(specs, inputs):
        checker.fail(f"{where} direct_award.inputs", problem)
    return True, stored_sources(inputs) if isinstance(inputs, dict) else {}
