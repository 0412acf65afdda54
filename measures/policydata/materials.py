"""The `materials` list a measure may carry: the documents its clause asks for (see measures/data/SCHEMA.md)."""

from __future__ import annotations

import re
from typing import Any

from ..materials import DEFAULT_TYPES, FILE_TYPES
from .validation import Checker

MATERIAL_FIELDS = {"key", "name", "types", "required", "note", "quote"}


def clause_words(measure: dict[str, Any]) -> str:
    """Return the words of a measure's clause (its text and procedure) without spaces, where a quote must be found."""
    parts = [measure.get("text"), measure.get("procedure")]
    return "".join(re.sub(r"\s+", "", part) for part in parts if isinstance(part, str))


def read_materials(where: str, raw: Any, checker: Checker, words: str = "") -> list[dict[str, Any]]:
    """Return the materials as plain data, failing on an unknown field or file type, a repeated key, or a quote
    that is not in the clause's `words` (clause_words)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        checker.fail(where, "materials must be a list of {key, name, types, required, note, quote}")
        return []
    materials, keys = [], set()
    for position, entry in enumerate(raw, start=1):
        item_where = f"{where} materials[{position}]"
        if not isinstance(entry, dict):
            checker.fail(item_where, "must be a mapping {key, name, types, required, note, quote}")
            continue
        checker.unknown_keys(item_where, entry, MATERIAL_FIELDS)
        key = checker.text(item_where, entry.get("key"), "key", required=True)
        checker.key(item_where, key)
        if key in keys:
            checker.fail(item_where, f"key {key!r} is used twice in this measure")
        keys.add(key)
        required = entry.get("required", True)
        if not isinstance(required, bool):
            checker.fail(item_where, "required must be true or false")
        quote = checker.text(item_where, entry.get("quote"), "quote", required=True)
        if quote and re.sub(r"\s+", "", quote) not in words:
            checker.fail(item_where, f"quote {quote!r} is not in the measure's text or procedure")
        materials.append(
            {
                "key": key,
                "name": checker.text(item_where, entry.get("name"), "name", required=True),
                "types": _types(item_where, entry.get("types"), checker),
                "required": required is not False,
                "note": checker.text(item_where, entry.get("note"), "note"),
                "quote": quote,
            }
        )
    return materials


def _types(where: str, raw: Any, checker: Checker) -> list[str]:
    if raw is None:
        return list(DEFAULT_TYPES)
    if not isinstance(raw, list) or not raw:
        checker.fail(where, f"types must be a non-empty list of {sorted(FILE_TYPES)}")
        return list(DEFAULT_TYPES)
    unknown = [t for t in raw if t not in FILE_TYPES]
    if unknown:
        checker.fail(where, f"types {unknown!r} are not among {sorted(FILE_TYPES)}")
    return [t for t in raw if t in FILE_TYPES] or list(DEFAULT_TYPES)
