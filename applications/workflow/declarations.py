"""The declarations (承诺事项) an applicant confirms: one for truthfulness, and those the measure's clause requires."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Declaration:
    key: str
    label: str | Promise


TRUTHFULNESS = Declaration(
    "truthful",
    _(
        "本企业承诺所填信息和所附材料真实、准确、完整。如有弄虚作假骗取补贴，愿接受全额收缴已获资金、"
        "三年内不得申请区内各类补贴奖励资金等处理，并依法承担相应责任。"
    ),
)

# Eligibility keys of the data files (measures/data/SCHEMA.md) that the applicant declares rather than proves.
BY_ELIGIBILITY_KEY = {
    "no_layoffs": Declaration("no_layoffs", _("本企业承诺不裁员、少裁员。")),
    "lawful_operation": Declaration(
        "lawful_operation", _("本企业合法规范经营，符合首都城市战略定位，不在疏解整治范围内。")
    ),
}


def required_declarations(measure) -> list[Declaration]:
    """Return the declarations an application for the measure must confirm, truthfulness first."""
    eligibility = measure.eligibility or {}
    return [TRUTHFULNESS, *(d for key, d in BY_ELIGIBILITY_KEY.items() if eligibility.get(key))]
