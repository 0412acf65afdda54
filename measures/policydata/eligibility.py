"""The `eligibility` mapping a document or a measure may carry (see measures/data/SCHEMA.md)."""

from __future__ import annotations

from typing import Any

from .validation import Checker

ELIGIBILITY_KEYS = {
    "registered_in_district",
    "tax_in_district",
    "stats_in_district",
    "sme_sizes",
    "sme_standard",
    "industries",
    "ownership",
    "parks",
    "certifications",
    "max_age_years",
    "max_staff",
    "max_revenue",
    "min_rd_spend",
    "min_revenue_drop",
    "revenue_drop_period",
    "max_layoff_rate",
    "min_insured_months",
    "not_dishonest",
    "not_banned",
    "no_layoffs",
    "lawful_operation",
    "other",
    "quote",
}
SME_SIZES = {"medium", "small", "micro"}
OWNERSHIPS = {"non_state", "private", "state"}


def check_eligibility(where: str, raw: Any, checker: Checker) -> dict[str, Any]:
    """Return the eligibility mapping as written, failing on each value the matcher could not read."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        checker.fail(where, "eligibility must be a mapping")
        return {}
    checker.unknown_keys(f"{where} eligibility", raw, ELIGIBILITY_KEYS)
    sizes = raw.get("sme_sizes")
    if sizes is not None and (not isinstance(sizes, list) or not set(sizes) <= SME_SIZES):
        checker.fail(where, f"eligibility.sme_sizes must be a subset of {sorted(SME_SIZES)}")
    if raw.get("ownership") is not None and raw["ownership"] not in OWNERSHIPS:
        checker.fail(where, f"eligibility.ownership must be one of {sorted(OWNERSHIPS)}")
    for name in ("max_revenue", "min_rd_spend", "min_revenue_drop", "max_layoff_rate"):
        if name in raw:
            checker.decimal(f"{where} eligibility", raw[name], name)
    _check_certifications(where, raw, checker)
    for name in ("max_age_years", "max_staff", "min_insured_months"):
        if name in raw and (not isinstance(raw[name], int) or isinstance(raw[name], bool)):
            checker.fail(f"{where} eligibility", f"{name} must be a whole number")
    return raw


def _check_certifications(where: str, raw: dict, checker: Checker) -> None:
    from ..conditions import certification_kind

    for name in raw.get("certifications") or []:
        if certification_kind(name) is None:
            checker.fail(f"{where} eligibility", f"certification {name!r} matches no certification of the profile")
