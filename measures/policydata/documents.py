"""The policy documents (measures/data/documents/*.yaml), each with its measures."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from .departments import DepartmentIndex
from .eligibility import check_eligibility
from .measures import read_measure
from .validation import Checker, file_entries, relative, text_list

DOCUMENT_STATUSES = {"draft", "in_force", "repealed"}
DOCUMENT_FIELDS = {
    "key",
    "number",
    "title",
    "issuer",
    "district",
    "issued_on",
    "status",
    "validity",
    "valid_from",
    "valid_until",
    "implements",
    "repeals",
    "interpreting_body",
    "url",
    "source",
    "general_provisions",
    "eligibility",
    "annual_ceiling",
    "annual_ceiling_covers",
    "measures",
    "notes",
}


def read_documents(
    paths: list[Path], district_names: set[str], index: DepartmentIndex, checker: Checker, line_counts
) -> list[dict[str, Any]]:
    """Return the documents of every file, failing on a key or a document number used twice."""
    documents: list[dict[str, Any]] = []
    keys: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for path in paths:
        for doc_index, entry in enumerate(file_entries(path, "documents", checker), start=1):
            where = f"{relative(path)} documents[{doc_index}]"
            document = read_document(where, entry, path, district_names, index, checker, line_counts)
            if document is None:
                continue
            if document["key"] in keys:
                checker.fail(where, f"key {document['key']!r} is also used in {keys[document['key']]}")
            keys[document["key"]] = where
            if document["number"]:
                if document["number"] in numbers:
                    checker.fail(where, f"number {document['number']} is also used in {numbers[document['number']]}")
                numbers[document["number"]] = where
            documents.append(document)
    _check_ceiling_covers(documents, keys, checker)
    return documents


def _check_ceiling_covers(documents: list[dict[str, Any]], keys: dict[str, str], checker: Checker) -> None:
    """An annual ceiling names the documents whose awards it counts: keys of documents in the library."""
    for document in documents:
        where = keys.get(document["key"], document["key"])
        covers = document["annual_ceiling_covers"]
        if document["annual_ceiling"] and not covers:
            checker.fail(
                where,
                "annual_ceiling_covers is required with annual_ceiling: the keys of the documents "
                "whose awards the ceiling counts",
            )
        if covers and not document["annual_ceiling"]:
            checker.fail(where, "annual_ceiling_covers is only for a document with an annual_ceiling")
        for key in covers:
            if key not in keys:
                checker.fail(where, f"annual_ceiling_covers: no document has the key {key!r}")


def read_document(
    where: str,
    entry: Any,
    path: Path,
    district_names: set[str],
    index: DepartmentIndex,
    checker: Checker,
    line_counts: dict[str, int],
) -> dict[str, Any] | None:
    """Return one document with its measures as plain data, or None when it is not even a mapping."""
    if not isinstance(entry, dict):
        checker.fail(where, "must be a mapping")
        return None
    checker.unknown_keys(where, entry, DOCUMENT_FIELDS)
    key = checker.text(where, entry.get("key"), "key", required=True)
    where = f"{where} ({key})"
    checker.key(where, key)
    district = checker.text(where, entry.get("district"), "district", required=True)
    if district and district not in district_names:
        checker.fail(where, f"unknown district {district!r}")
    status = entry.get("status") or "in_force"
    if status not in DOCUMENT_STATUSES:
        checker.fail(where, f"status {status!r} is not one of {sorted(DOCUMENT_STATUSES)}")
    valid_from, valid_until = _validity(where, entry, checker)
    source_file, source_lines = checker.required_source(where, entry, line_counts=line_counts)
    document = {
        "key": key,
        "number": checker.text(where, entry.get("number"), "number"),
        "title": checker.text(where, entry.get("title"), "title", required=True),
        "issuer": checker.text(where, entry.get("issuer"), "issuer"),
        "district": district,
        "issued_on": checker.date(where, entry.get("issued_on"), "issued_on"),
        "status": status,
        "validity": checker.text(where, entry.get("validity"), "validity"),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "implements": text_list(where, entry.get("implements"), "implements", checker),
        "repeals": text_list(where, entry.get("repeals"), "repeals", checker),
        "interpreting_body": checker.text(where, entry.get("interpreting_body"), "interpreting_body"),
        "url": checker.text(where, entry.get("url"), "url"),
        "general_provisions": checker.text(where, entry.get("general_provisions"), "general_provisions"),
        "eligibility": check_eligibility(where, entry.get("eligibility"), checker),
        "annual_ceiling": checker.text(where, entry.get("annual_ceiling"), "annual_ceiling"),
        "annual_ceiling_covers": text_list(where, entry.get("annual_ceiling_covers"), "annual_ceiling_covers", checker),
        "notes": checker.text(where, entry.get("notes"), "notes"),
        "source_file": source_file,
        "source_lines": source_lines,
        "data_file": relative(path),
        "measures": [],
    }
    document["measures"] = _read_measures(where, entry, document, index, checker, line_counts)
    return document


def _validity(where: str, entry: dict, checker: Checker) -> tuple[datetime.date | None, datetime.date | None]:
    valid_from = checker.date(where, entry.get("valid_from"), "valid_from")
    valid_until = checker.date(where, entry.get("valid_until"), "valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        checker.fail(where, "valid_from is after valid_until")
    return valid_from, valid_until


def _read_measures(
    where: str, entry: dict, document: dict[str, Any], index: DepartmentIndex, checker: Checker, line_counts
) -> list[dict[str, Any]]:
    """Return the document's measures, numbered in the order written, failing on a key used twice."""
    measures = []
    seen: set[str] = set()
    for measure_index, raw in enumerate(checker.items(where, entry.get("measures"), "measures"), start=1):
        measure = read_measure(f"{where} measures[{measure_index}]", raw, document, index, checker, line_counts)
        if measure is None:
            continue
        if measure["key"] in seen:
            checker.fail(f"{where} measures[{measure_index}]", f"key {measure['key']!r} is used twice")
        seen.add(measure["key"])
        measure["order"] = measure_index
        measures.append(measure)
    return measures
