"""Which enterprises a district's money is for: the registration conditions of the monetary measures.

A district's measure pays the enterprises its text, its document's 附则 or the district's rule names: registered
(注册), taxed (纳税) or counted (纳统) in the district. Where the files state none of these, the matcher falls back
on the general rule that a district's funds are for its own enterprises; a measure the text opens to others (any
firm registered in Beijing, any tenant of the district's property) says so with `registered_in_district: false`
and the words. This check lists the monetary measures of a district whose files say nothing either way, so that
none is left without a condition by accident (issue 23: a Mentougou enterprise passed every check for Chaoyang's
measure 16).
"""

from __future__ import annotations

from typing import Any

from .validation import CITY

PLACE_KEYS = ("registered_in_district", "tax_in_district", "stats_in_district")


def states_place(eligibility: dict[str, Any] | None) -> bool:
    """Return whether an eligibility mapping says where its enterprises must be (true or false, either way)."""
    return any(key in (eligibility or {}) for key in PLACE_KEYS)


def unplaced_measures(documents: list[dict[str, Any]]) -> list[str]:
    """Return, for each monetary measure of a district whose files state no registration condition, where it is."""
    found = []
    for document in documents:
        if document["district"] == CITY or states_place(document.get("eligibility")):
            continue
        for measure in document["measures"]:
            if measure["monetary"] and not states_place(measure.get("eligibility")):
                found.append(
                    f"{document['data_file']}: {document['number'] or document['key']} {measure['clause']} "
                    f"{measure['title']} (key {measure['key']})"
                )
    return found
