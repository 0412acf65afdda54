"""Read and validate the policy data files (see measures/data/SCHEMA.md).

This module knows nothing of the database: it turns the YAML files into plain, validated Python structures, or
raises PolicyDataError listing every problem with the file and the entry it was found in. The management command
`load_policy_data` writes the result in one transaction.

Run `python -m measures.policydata` to validate the files without Django.
"""

from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .rules import KINDS, validate_params

BASE_DIR = Path(__file__).resolve().parent.parent
DISTRICTS_FILE = BASE_DIR / "measures" / "data" / "districts.yaml"
DOCUMENTS_DIR = BASE_DIR / "measures" / "data" / "documents"
CONTACTS_DIR = BASE_DIR / "contacts" / "data"
SOURCES_DIR = BASE_DIR / "measures" / "sources"

CITY = "北京市"

DEPARTMENT_KINDS = {"bureau", "park", "town", "government", "finance_institution", "other"}
DOCUMENT_STATUSES = {"draft", "in_force", "repealed"}
BENEFICIARY_TYPES = {
    "enterprise",
    "individual_business",
    "landlord",
    "carrier",
    "bank",
    "guarantee_agency",
    "vc_institution",
    "hr_agency",
    "kindergarten",
    "school",
    "other",
}
# The rule kinds and their parameters are defined once, in measures.rules, for this validator and the admin alike.
RULE_KINDS: dict[str, set[str]] = {name: set(kind.params) for name, kind in KINDS.items()}
MONEY_PARAMS = {name for kind in KINDS.values() for name, spec in kind.params.items() if spec.type == "money"}
RATE_PARAMS = {name for kind in KINDS.values() for name, spec in kind.params.items() if spec.type in ("rate", "ratio")}
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

PHONE_PATTERNS = (
    re.compile(r"^\d{8}(-\d{1,6})?$"),  # Beijing landline, optional extension
    re.compile(r"^010-\d{8}(-\d{1,6})?$"),  # with the area code
    re.compile(r"^1[3-9]\d{9}$"),  # mobile
)
SERVICE_PHONE = re.compile(r"^(\d{5}|400\d{7}|800\d{7})$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PolicyDataError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Person:
    name: str
    section: str = ""
    office_phone: str = ""
    mobile: str = ""
    service_phone: str = ""
    other_phones: list[str] = field(default_factory=list)
    email: str = ""
    topic: str = ""
    source_file: str = ""
    source_lines: tuple[int, int] | None = None
    source_clause: str = ""

    def identity(self) -> tuple[str, str]:
        """Return what makes a person one entry: the same person answering for two topics is two entries."""
        return (self.name, self.topic)

    def merge(self, other: Person) -> list[str]:
        """Fill empty fields from another declaration of the same person; return the fields that disagree."""
        clashes = []
        for name in ("section", "office_phone", "mobile", "service_phone", "email"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine and theirs and mine != theirs:
                clashes.append(name)
            elif theirs:
                setattr(self, name, theirs)
        self.other_phones += [p for p in other.other_phones if p not in self.other_phones]
        return clashes


@dataclass
class Department:
    district: str
    name: str
    full_name: str = ""
    kind: str = "bureau"
    aliases: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class PolicyData:
    districts: list[dict[str, Any]]
    departments: dict[tuple[str, str], Department]
    documents: list[dict[str, Any]]

    @property
    def measure_count(self) -> int:
        return sum(len(d["measures"]) for d in self.documents)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, where: str, value: Any, name: str, *, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.fail(where, f"{name} must be a quoted string, got the number {value!r}")
            else:
                self.fail(where, f"{name} must be text, got {value!r}")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, f"{name} is required")
        return value

    def date(self, where: str, value: Any, name: str) -> datetime.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(where, f"{name} is not a date (YYYY-MM-DD): {value!r}")
        return None

    def decimal(self, where: str, value: Any, name: str) -> Decimal | None:
        if isinstance(value, bool) or value is None:
            self.fail(where, f"{name} must be a number written as a string, got {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"{name} is not a number: {value!r}")
            return None
        if not number.is_finite() or number < 0:
            self.fail(where, f"{name} must be zero or more: {value!r}")
            return None
        return number

    def unknown_keys(self, where: str, mapping: dict, allowed: set[str]) -> None:
        for key in mapping:
            if key not in allowed:
                self.fail(where, f"unknown field {key!r}")

    def source(self, where: str, value: Any, *, line_counts: dict[str, int]) -> tuple[str, tuple[int, int] | None]:
        if not isinstance(value, dict):
            self.fail(where, "source must be a mapping {file, lines}")
            return "", None
        self.unknown_keys(where, value, {"file", "lines", "clause", "chars"})
        name = self.text(where, value.get("file"), "source.file", required=True)
        if name and name not in line_counts:
            self.fail(where, f"source.file {name!r} is not in measures/sources/")
            return name, None
        lines = value.get("lines")
        if lines is None:
            return name, None
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
        ):
            self.fail(where, f"source.lines must be [first, last], got {lines!r}")
            return name, None
        first, last = lines
        if not 1 <= first <= last <= line_counts.get(name, 0):
            self.fail(where, f"source.lines {lines!r} are outside the file ({line_counts.get(name)} lines)")
            return name, None
        return name, (first, last)


def _load_yaml(path: Path, checker: _Checker) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        checker.fail(path.name, f"is not valid YAML: {exc}")
    except UnicodeDecodeError:
        checker.fail(path.name, "is not UTF-8")
    return None


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(BASE_DIR))
    except ValueError:
        return str(path)


def _line_counts(sources_dir: Path) -> dict[str, int]:
    return {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in sorted(sources_dir.glob("*.txt"))}


def _read_districts(path: Path, checker: _Checker) -> list[dict[str, Any]]:
    raw = _load_yaml(path, checker)
    districts: list[dict[str, Any]] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("districts"), list):
        checker.fail(_relative(path), "must hold a list under 'districts'")
        return districts
    seen: set[str] = set()
    for index, entry in enumerate(raw["districts"], start=1):
        where = f"{_relative(path)} districts[{index}]"
        if not isinstance(entry, dict):
            checker.fail(where, "must be a mapping")
            continue
        checker.unknown_keys(where, entry, {"name", "slug", "code", "level", "name_en"})
        name = checker.text(where, entry.get("name"), "name", required=True)
        slug = checker.text(where, entry.get("slug"), "slug", required=True)
        if name in seen:
            checker.fail(where, f"district {name!r} is listed twice")
        seen.add(name)
        districts.append(
            {
                "name": name,
                "slug": slug,
                "code": checker.text(where, entry.get("code"), "code", required=True),
                "level": checker.text(where, entry.get("level"), "level", required=True),
                "name_en": checker.text(where, entry.get("name_en"), "name_en"),
                "order": index,
            }
        )
    return districts


def _read_person(where: str, raw: Any, department: Department, checker: _Checker, line_counts) -> Person | None:
    if not isinstance(raw, dict):
        checker.fail(where, "a person must be a mapping")
        return None
    checker.unknown_keys(
        where,
        raw,
        {"name", "section", "office_phone", "mobile", "service_phone", "other_phones", "email", "topic", "source"},
    )
    person = Person(name=re.sub(r"\s+", "", checker.text(where, raw.get("name"), "name", required=True)))
    where = f"{where} ({person.name})"
    person.section = checker.text(where, raw.get("section"), "section")
    if person.section and person.section not in department.sections:
        checker.fail(where, f"section {person.section!r} is not declared under the department's sections")
    person.office_phone = checker.text(where, raw.get("office_phone"), "office_phone")
    person.mobile = checker.text(where, raw.get("mobile"), "mobile")
    person.service_phone = checker.text(where, raw.get("service_phone"), "service_phone")
    others = raw.get("other_phones") or []
    if not isinstance(others, list):
        checker.fail(where, "other_phones must be a list")
        others = []
    person.other_phones = [checker.text(where, p, "other_phones") for p in others]
    for label, phone in [("office_phone", person.office_phone)] + [("other_phones", p) for p in person.other_phones]:
        if phone and not any(p.match(phone) for p in PHONE_PATTERNS):
            checker.fail(where, f"{label} {phone!r} is not a phone number (e.g. 69843067, 010-65094387)")
    if person.mobile and not MOBILE.match(person.mobile):
        checker.fail(where, f"mobile {person.mobile!r} is not an 11-digit mobile number")
    if person.service_phone and not SERVICE_PHONE.match(person.service_phone):
        checker.fail(where, f"service_phone {person.service_phone!r} is not a service number (e.g. 12345)")
    person.email = checker.text(where, raw.get("email"), "email")
    if person.email and not EMAIL.match(person.email):
        checker.fail(where, f"email {person.email!r} is not an e-mail address")
    person.topic = checker.text(where, raw.get("topic"), "topic")
    if raw.get("source") is not None:
        person.source_file, person.source_lines = checker.source(where, raw["source"], line_counts=line_counts)
        person.source_clause = str(raw["source"].get("clause") or "") if isinstance(raw["source"], dict) else ""
    return person


def _read_departments(
    paths: list[Path], district_names: set[str], checker: _Checker, line_counts: dict[str, int]
) -> dict[tuple[str, str], Department]:
    departments: dict[tuple[str, str], Department] = {}
    for path in paths:
        raw = _load_yaml(path, checker)
        if raw is None:
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("departments"), list):
            checker.fail(_relative(path), "must hold a list under 'departments'")
            continue
        for index, entry in enumerate(raw["departments"], start=1):
            where = f"{_relative(path)} departments[{index}]"
            if not isinstance(entry, dict):
                checker.fail(where, "must be a mapping")
                continue
            checker.unknown_keys(
                where, entry, {"district", "name", "full_name", "kind", "aliases", "sections", "people"}
            )
            district = checker.text(where, entry.get("district"), "district", required=True)
            name = checker.text(where, entry.get("name"), "name", required=True)
            where = f"{where} ({district} {name})"
            if district and district not in district_names:
                checker.fail(where, f"unknown district {district!r}")
            kind = checker.text(where, entry.get("kind") or "bureau", "kind")
            if kind not in DEPARTMENT_KINDS:
                checker.fail(where, f"kind {kind!r} is not one of {sorted(DEPARTMENT_KINDS)}")
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list):
                checker.fail(where, "aliases must be a list")
                aliases = []
            sections_raw = entry.get("sections") or []
            if not isinstance(sections_raw, list):
                checker.fail(where, "sections must be a list")
                sections_raw = []
            sections = []
            for section in sections_raw:
                section_name = section.get("name") if isinstance(section, dict) else section
                sections.append(checker.text(where, section_name, "section name", required=True))
            department = departments.get((district, name))
            if department is None:
                department = departments[(district, name)] = Department(district=district, name=name, kind=kind)
            elif department.kind != kind:
                checker.fail(where, f"declared again with another kind ({department.kind} in {department.files})")
            department.files.append(_relative(path))
            department.full_name = department.full_name or checker.text(where, entry.get("full_name"), "full_name")
            for alias in aliases:
                alias = checker.text(where, alias, "alias", required=True)
                if alias and alias not in department.aliases and alias != name:
                    department.aliases.append(alias)
            for section in sections:
                if section not in department.sections:
                    department.sections.append(section)
            people = entry.get("people") or []
            if not isinstance(people, list):
                checker.fail(where, "people must be a list")
                people = []
            known = {p.identity(): p for p in department.people}
            for person_index, raw_person in enumerate(people, start=1):
                person_where = f"{where} people[{person_index}]"
                person = _read_person(person_where, raw_person, department, checker, line_counts)
                if person is None:
                    continue
                if person.identity() in known:
                    clashes = known[person.identity()].merge(person)
                    if clashes:
                        checker.fail(person_where, f"{person.name} is declared twice with different {clashes}")
                else:
                    department.people.append(person)
                    known[person.identity()] = person
    # A name or alias must point at one department only within a district.
    names: dict[tuple[str, str], str] = {}
    for (district, name), department in departments.items():
        for label in [name, *department.aliases]:
            other = names.get((district, label))
            if other and other != name:
                checker.fail(
                    f"{', '.join(department.files)} ({district} {name})",
                    f"name or alias {label!r} is also used by {other!r}",
                )
            names[(district, label)] = name
    return departments


class _DepartmentIndex:
    def __init__(self, departments: dict[tuple[str, str], Department]):
        self.by_label: dict[tuple[str, str], Department] = {}
        for (district, name), department in departments.items():
            self.by_label.setdefault((district, name), department)
            for alias in department.aliases:
                self.by_label.setdefault((district, alias), department)

    def resolve(self, district: str, label: str) -> Department | None:
        return self.by_label.get((district, label)) or self.by_label.get((CITY, label))


def _check_rule(where: str, rule: Any, checker: _Checker) -> dict[str, Any] | None:
    if rule is None:
        return None
    if not isinstance(rule, dict):
        checker.fail(where, "rule must be a mapping {kind, params, quote}")
        return None
    checker.unknown_keys(where, rule, {"kind", "params", "quote"})
    kind = rule.get("kind")
    if kind not in RULE_KINDS:
        checker.fail(where, f"rule.kind {kind!r} is not one of {sorted(RULE_KINDS)}")
        return None
    params = rule.get("params") or {}
    if not isinstance(params, dict):
        checker.fail(where, "rule.params must be a mapping")
        return None
    for problem in validate_params(kind, params):
        checker.fail(f"{where} rule.params", problem)
    return {"kind": kind, "params": params, "quote": checker.text(where, rule.get("quote"), "rule.quote")}


def _apply_within(where: str, raw: Any, checker: _Checker) -> dict:
    """`apply_within: {event: 社会保险缴费满一年, months: 6, from: next_month}` (or `days: 90`, `from: next_day`)."""
    empty = {"event": "", "months": None, "days": None, "from_next_month": True}
    if raw is None:
        return empty
    if not isinstance(raw, dict) or set(raw) - {"event", "months", "days", "from"}:
        checker.fail(where, "apply_within must be a mapping with event, months or days, and from")
        return empty
    event = checker.text(where, raw.get("event"), "apply_within.event", required=True)
    months, days = raw.get("months"), raw.get("days")
    if (months is None) == (days is None) or not all(isinstance(v, int) and v > 0 for v in (months or days,)):
        checker.fail(where, "apply_within needs exactly one of months or days, a positive whole number")
        return empty
    start = raw.get("from", "next_month")
    if start not in ("next_month", "next_day"):
        checker.fail(where, "apply_within.from must be next_month or next_day")
        return empty
    return {"event": event, "months": months, "days": days, "from_next_month": start == "next_month"}


def _stacking_group(where: str, raw: Any, checker: _Checker) -> str:
    group = checker.text(where, raw, "stacking_group")
    if group and not KEY.match(group):
        checker.fail(where, f"stacking_group {group!r} must be ASCII letters, digits, '-', '_' or '.'")
    return group


def _check_eligibility(where: str, raw: Any, checker: _Checker) -> dict[str, Any]:
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
    from .conditions import certification_kind

    for name in raw.get("certifications") or []:
        if certification_kind(name) is None:
            checker.fail(f"{where} eligibility", f"certification {name!r} matches no certification of the profile")
    for name in ("max_age_years", "max_staff", "min_insured_months"):
        if name in raw and (not isinstance(raw[name], int) or isinstance(raw[name], bool)):
            checker.fail(f"{where} eligibility", f"{name} must be a whole number")
    return raw


def _read_documents(
    paths: list[Path], district_names: set[str], index: _DepartmentIndex, checker: _Checker, line_counts
) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    keys: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for path in paths:
        raw = _load_yaml(path, checker)
        if raw is None:
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
            checker.fail(_relative(path), "must hold a list under 'documents'")
            continue
        for doc_index, entry in enumerate(raw["documents"], start=1):
            where = f"{_relative(path)} documents[{doc_index}]"
            document = _read_document(where, entry, path, district_names, index, checker, line_counts)
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
    return documents


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
    "measures",
    "notes",
}
MEASURE_FIELDS = {
    "key",
    "clause",
    "title",
    "text",
    "beneficiary_types",
    "lead_departments",
    "lead_label",
    "responsible_units",
    "contacts",
    "window",
    "deadline_rule",
    "apply_within",
    "procedure",
    "publicity_working_days",
    "sampling",
    "monetary",
    "rule",
    "eligibility",
    "stacking",
    "stacking_group",
    "source",
    "notes",
}


def _text_list(where: str, value: Any, name: str, checker: _Checker) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        checker.fail(where, f"{name} must be a list")
        return []
    return [checker.text(where, item, name, required=True) for item in value]


def _read_document(where, entry, path, district_names, index, checker, line_counts) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        checker.fail(where, "must be a mapping")
        return None
    checker.unknown_keys(where, entry, DOCUMENT_FIELDS)
    key = checker.text(where, entry.get("key"), "key", required=True)
    where = f"{where} ({key})"
    if key and not KEY.match(key):
        checker.fail(where, f"key {key!r} must be ASCII letters, digits, '-', '_' or '.'")
    district = checker.text(where, entry.get("district"), "district", required=True)
    if district and district not in district_names:
        checker.fail(where, f"unknown district {district!r}")
    status = entry.get("status") or "in_force"
    if status not in DOCUMENT_STATUSES:
        checker.fail(where, f"status {status!r} is not one of {sorted(DOCUMENT_STATUSES)}")
    valid_from = checker.date(where, entry.get("valid_from"), "valid_from")
    valid_until = checker.date(where, entry.get("valid_until"), "valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        checker.fail(where, "valid_from is after valid_until")
    source_file, source_lines = ("", None)
    if entry.get("source") is not None:
        source_file, source_lines = checker.source(where, entry["source"], line_counts=line_counts)
    else:
        checker.fail(where, "source is required")
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
        "implements": _text_list(where, entry.get("implements"), "implements", checker),
        "repeals": _text_list(where, entry.get("repeals"), "repeals", checker),
        "interpreting_body": checker.text(where, entry.get("interpreting_body"), "interpreting_body"),
        "url": checker.text(where, entry.get("url"), "url"),
        "general_provisions": checker.text(where, entry.get("general_provisions"), "general_provisions"),
        "eligibility": _check_eligibility(where, entry.get("eligibility"), checker),
        "annual_ceiling": checker.text(where, entry.get("annual_ceiling"), "annual_ceiling"),
        "notes": checker.text(where, entry.get("notes"), "notes"),
        "source_file": source_file,
        "source_lines": source_lines,
        "data_file": _relative(path),
        "measures": [],
    }
    measures = entry.get("measures") or []
    if not isinstance(measures, list):
        checker.fail(where, "measures must be a list")
        measures = []
    seen: set[str] = set()
    for measure_index, raw in enumerate(measures, start=1):
        measure = _read_measure(f"{where} measures[{measure_index}]", raw, document, index, checker, line_counts)
        if measure is None:
            continue
        if measure["key"] in seen:
            checker.fail(f"{where} measures[{measure_index}]", f"key {measure['key']!r} is used twice")
        seen.add(measure["key"])
        measure["order"] = measure_index
        document["measures"].append(measure)
    return document


def _read_measure(where, raw, document, index: _DepartmentIndex, checker, line_counts) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        checker.fail(where, "must be a mapping")
        return None
    checker.unknown_keys(where, raw, MEASURE_FIELDS)
    key = raw.get("key")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    key = checker.text(where, key, "key", required=True)
    where = f"{where} ({key})"
    if key and not KEY.match(key):
        checker.fail(where, f"key {key!r} must be ASCII letters, digits, '-', '_' or '.'")
    district = document["district"]

    def departments(name: str) -> list[tuple[str, str]]:
        resolved = []
        for label in _text_list(where, raw.get(name), name, checker):
            department = index.resolve(district, label)
            if department is None:
                checker.fail(
                    where, f"{name}: unknown department {label!r} (declare it in contacts/data/ for {district})"
                )
            elif (department.district, department.name) not in resolved:
                resolved.append((department.district, department.name))
        return resolved

    beneficiaries = _text_list(where, raw.get("beneficiary_types") or ["enterprise"], "beneficiary_types", checker)
    for beneficiary in beneficiaries:
        if beneficiary not in BENEFICIARY_TYPES:
            checker.fail(where, f"beneficiary type {beneficiary!r} is not one of {sorted(BENEFICIARY_TYPES)}")
    contacts = []
    for contact in raw.get("contacts") or []:
        if not isinstance(contact, dict) or set(contact) - {"department", "name", "topic"}:
            checker.fail(where, f"contact {contact!r} must be {{department, name}}")
            continue
        label = checker.text(where, contact.get("department"), "contact department", required=True)
        name = re.sub(r"\s+", "", checker.text(where, contact.get("name"), "contact name", required=True))
        department = index.resolve(district, label)
        if department is None:
            checker.fail(where, f"contacts: unknown department {label!r}")
            continue
        people = [p for p in department.people if p.name == name]
        topic = contact.get("topic")
        if topic is not None:
            people = [p for p in people if p.topic == topic]
        if not people:
            checker.fail(where, f"contacts: {department.name} has no person named {name!r}")
            continue
        for person in people:
            ref = (department.district, department.name, person.identity())
            if ref not in contacts:
                contacts.append(ref)
    window = raw.get("window") or {}
    if not isinstance(window, dict):
        checker.fail(where, "window must be a mapping {opens, closes, text}")
        window = {}
    checker.unknown_keys(f"{where} window", window, {"opens", "closes", "text"})
    opens = checker.date(where, window.get("opens"), "window.opens")
    closes = checker.date(where, window.get("closes"), "window.closes")
    if opens and closes and opens > closes:
        checker.fail(where, "window opens after it closes")
    publicity = raw.get("publicity_working_days")
    if publicity is not None and (not isinstance(publicity, int) or isinstance(publicity, bool) or publicity < 0):
        checker.fail(where, "publicity_working_days must be a whole number")
        publicity = None
    monetary = bool(raw.get("monetary", False))
    rule = _check_rule(where, raw.get("rule"), checker)
    if rule and not monetary:
        checker.fail(where, "has a rule but is not marked monetary")
    source_file, source_lines = ("", None)
    if raw.get("source") is not None:
        source_file, source_lines = checker.source(where, raw["source"], line_counts=line_counts)
    else:
        checker.fail(where, "source is required")
    return {
        "key": key,
        "clause": checker.text(where, raw.get("clause"), "clause"),
        "title": checker.text(where, raw.get("title"), "title", required=True),
        "text": checker.text(where, raw.get("text"), "text", required=True),
        "beneficiary_types": beneficiaries,
        "lead_departments": departments("lead_departments"),
        "lead_label": checker.text(where, raw.get("lead_label"), "lead_label"),
        "responsible_units": departments("responsible_units"),
        "contacts": contacts,
        "window_opens": opens,
        "window_closes": closes,
        "window_text": checker.text(where, window.get("text"), "window.text"),
        "deadline_rule": checker.text(where, raw.get("deadline_rule"), "deadline_rule"),
        "apply_within": _apply_within(where, raw.get("apply_within"), checker),
        "procedure": checker.text(where, raw.get("procedure"), "procedure"),
        "publicity_working_days": publicity,
        "sampling": bool(raw.get("sampling", False)),
        "monetary": monetary,
        "rule": rule,
        "eligibility": _check_eligibility(where, raw.get("eligibility"), checker),
        "stacking": checker.text(where, raw.get("stacking"), "stacking"),
        "stacking_group": _stacking_group(where, raw.get("stacking_group"), checker),
        "notes": checker.text(where, raw.get("notes"), "notes"),
        "source_file": source_file,
        "source_lines": source_lines,
    }


def read_policy_data(
    *,
    districts_file: Path = DISTRICTS_FILE,
    contacts_dir: Path = CONTACTS_DIR,
    documents_dir: Path = DOCUMENTS_DIR,
    sources_dir: Path = SOURCES_DIR,
) -> PolicyData:
    """Return the validated policy data, or raise PolicyDataError with every problem found."""
    checker = _Checker()
    line_counts = _line_counts(sources_dir)
    districts = _read_districts(districts_file, checker)
    district_names = {d["name"] for d in districts}
    departments = _read_departments(sorted(contacts_dir.glob("*.yaml")), district_names, checker, line_counts)
    documents = _read_documents(
        sorted(documents_dir.glob("*.yaml")), district_names, _DepartmentIndex(departments), checker, line_counts
    )
    if checker.problems:
        raise PolicyDataError(checker.problems)
    return PolicyData(districts=districts, departments=departments, documents=documents)


def main() -> int:
    try:
        data = read_policy_data()
    except PolicyDataError as exc:
        print(f"{len(exc.problems)} problem(s) in the policy data:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    people = sum(len(d.people) for d in data.departments.values())
    monetary = sum(1 for doc in data.documents for m in doc["measures"] if m["monetary"])
    print(
        f"OK: {len(data.districts)} districts, {len(data.departments)} departments, {people} contact people, "
        f"{len(data.documents)} documents, {data.measure_count} measures ({monetary} monetary)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
