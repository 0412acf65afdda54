"""Topics a person may follow besides their own matches: how a measure helps, by the families of its rules.

A family gathers the rule kinds (measures.rules.KINDS) that give the same sort of help: rent and premises, loan
interest, per-head subsidies for jobs and training, a share of a cost or a fee waived, awards. A measure with no rule
(a service, a procedure) belongs to none.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RULE_FAMILIES = {
    "premises": (_("房租和场地费用"), frozenset({"rent_months_waived", "area_rate_days"})),
    "interest": (_("贷款贴息"), frozenset({"interest_subsidy"})),
    "jobs": (
        _("稳岗、就业和培训补贴"),
        frozenset({"per_head_tiers", "count_tiers", "per_head_flat", "contribution_by_headcount_change"}),
    ),
    "proportional": (_("按比例补贴和费用减免"), frozenset({"percent_of_base", "matching_ratio", "fee_waiver"})),
    "awards": (
        _("奖励和资助"),
        frozenset(
            {
                "formula_refund",
                "fixed_by_level",
                "spending_tiers",
                "growth_award",
                "discretionary_ceiling",
                "fixed_amount",
                "reviewer_sets",
                "other",
            }
        ),
    ),
}
FAMILY_CHOICES = [(code, label) for code, (label, _kinds) in RULE_FAMILIES.items()]
_FAMILY_OF = {kind: code for code, (_label, kinds) in RULE_FAMILIES.items() for kind in kinds}


def rule_families(measure) -> frozenset[str]:
    """Return the families of the measure's rules (its main rule and the others its clause states)."""
    kinds = [measure.rule_kind, *(rule.get("kind", "") for rule in measure.more_rules or [])]
    return frozenset(_FAMILY_OF[kind] for kind in kinds if kind in _FAMILY_OF)
