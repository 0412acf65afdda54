"""Districts, and the departments with their contact people (contacts/data/*.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .validation import CITY, Checker, file_entries, load_yaml, relative

DEPARTMENT_KINDS = {"bureau", "park", "town", "government", "finance_institution", "other"}

PHONE_PATTERNS = (
    re.compile(r"^\d{8}(-\d{1,6})?$"),  # Beijing landline, optional extension
    re.compile(r"^010-\d{8}(-\d{1,6})?$"),  # with the area code
    re.compile(r"^1[3-9]\d{9}$"),  # mobile
)
SERVICE_PHONE = re.compile(r"^(\d{5}|400\d{7}|800\d{7})$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

PERSON_FIELDS = {
    "name",
    "section",
    "office_phone",
    "mobile",
    "service_phone",
    "other_phones",
    "email",
    "topic",
    "source",
}
DEPARTMENT_FIELDS = {"district", "name", "full_name", "kind", "aliases", "sections", "people"}


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


class DepartmentIndex:
    """Find a department by its name or an alias, in a district or else among the city's."""

    def __init__(self, departments: dict[tuple[str, str], Department]):
        self.by_label: dict[tuple[str, str], Department] = {}
        for (district, name), department in departments.items():
            self.by_label.setdefault((district, name), department)
            for alias in department.aliases:
                self.by_label.setdefault((district, alias), department)

    def resolve(self, district: str, label: str) -> Department | None:
        return self.by_label.get((district, label)) or self.by_label.get((CITY, label))


def read_districts(path: Path, checker: Checker) -> list[dict[str, Any]]:
    raw = load_yaml(path, checker)
    districts: list[dict[str, Any]] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("districts"), list):
        checker.fail(relative(path), "must hold a list under 'districts'")
        return districts
    seen: set[str] = set()
    for index, entry in enumerate(raw["districts"], start=1):
        where = f"{relative(path)} districts[{index}]"
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


def read_departments(
    paths: list[Path], district_names: set[str], checker: Checker, line_counts: dict[str, int]
) -> dict[tuple[str, str], Department]:
    """Return the departments of every contacts file by (district, name); one declared in two files is merged."""
    departments: dict[tuple[str, str], Department] = {}
    for path in paths:
        for index, entry in enumerate(file_entries(path, "departments", checker), start=1):
            where = f"{relative(path)} departments[{index}]"
            _read_department(where, entry, path, departments, district_names, checker, line_counts)
    _check_labels_unique(departments, checker)
    return departments


def _read_department(
    where: str,
    entry: Any,
    path: Path,
    departments: dict[tuple[str, str], Department],
    district_names: set[str],
    checker: Checker,
    line_counts: dict[str, int],
) -> None:
    """Add one entry of a contacts file to the departments, or to the one already declared under its name."""
    if not isinstance(entry, dict):
        checker.fail(where, "must be a mapping")
        return
    checker.unknown_keys(where, entry, DEPARTMENT_FIELDS)
    district = checker.text(where, entry.get("district"), "district", required=True)
    name = checker.text(where, entry.get("name"), "name", required=True)
    where = f"{where} ({district} {name})"
    if district and district not in district_names:
        checker.fail(where, f"unknown district {district!r}")
    kind = checker.text(where, entry.get("kind") or "bureau", "kind")
    if kind not in DEPARTMENT_KINDS:
        checker.fail(where, f"kind {kind!r} is not one of {sorted(DEPARTMENT_KINDS)}")
    aliases = checker.items(where, entry.get("aliases"), "aliases")
    sections = _section_names(where, entry, checker)
    department = departments.get((district, name))
    if department is None:
        department = departments[(district, name)] = Department(district=district, name=name, kind=kind)
    elif department.kind != kind:
        checker.fail(where, f"declared again with another kind ({department.kind} in {department.files})")
    department.files.append(relative(path))
    department.full_name = department.full_name or checker.text(where, entry.get("full_name"), "full_name")
    for alias in aliases:
        alias = checker.text(where, alias, "alias", required=True)
        if alias and alias not in department.aliases and alias != name:
            department.aliases.append(alias)
    for section in sections:
        if section not in department.sections:
            department.sections.append(section)
    _add_people(where, entry, department, checker, line_counts)


def _section_names(where: str, entry: dict, checker: Checker) -> list[str]:
    """Return the names of the sections (科室), each written as a name or as {name: ...}."""
    sections = []
    for section in checker.items(where, entry.get("sections"), "sections"):
        section_name = section.get("name") if isinstance(section, dict) else section
        sections.append(checker.text(where, section_name, "section name", required=True))
    return sections


def _add_people(where: str, entry: dict, department: Department, checker: Checker, line_counts) -> None:
    """Add the entry's people to the department, merging a person declared again (in this file or another)."""
    known = {p.identity(): p for p in department.people}
    for person_index, raw_person in enumerate(checker.items(where, entry.get("people"), "people"), start=1):
        person_where = f"{where} people[{person_index}]"
        person = read_person(person_where, raw_person, department, checker, line_counts)
        if person is None:
            continue
        if person.identity() in known:
            clashes = known[person.identity()].merge(person)
            if clashes:
                checker.fail(person_where, f"{person.name} is declared twice with different {clashes}")
        else:
            department.people.append(person)
            known[person.identity()] = person


def _check_labels_unique(departments: dict[tuple[str, str], Department], checker: Checker) -> None:
    """Fail when a name or alias points at more than one department within a district."""
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


def read_person(where: str, raw: Any, department: Department, checker: Checker, line_counts) -> Person | None:
    if not isinstance(raw, dict):
        checker.fail(where, "a person must be a mapping")
        return None
    checker.unknown_keys(where, raw, PERSON_FIELDS)
    person = Person(name=re.sub(r"\s+", "", checker.text(where, raw.get("name"), "name", required=True)))
    where = f"{where} ({person.name})"
    person.section = checker.text(where, raw.get("section"), "section")
    if person.section and person.section not in department.sections:
        checker.fail(where, f"section {person.section!r} is not declared under the department's sections")
    _read_phones(where, raw, person, checker)
    person.email = checker.text(where, raw.get("email"), "email")
    if person.email and not EMAIL.match(person.email):
        checker.fail(where, f"email {person.email!r} is not an e-mail address")
    person.topic = checker.text(where, raw.get("topic"), "topic")
    if raw.get("source") is not None:
        person.source_file, person.source_lines = checker.source(where, raw["source"], line_counts=line_counts)
        person.source_clause = str(raw["source"].get("clause") or "") if isinstance(raw["source"], dict) else ""
    return person


def _read_phones(where: str, raw: dict, person: Person, checker: Checker) -> None:
    """Set the person's phone numbers, failing on any that is not written as a number of its kind."""
    person.office_phone = checker.text(where, raw.get("office_phone"), "office_phone")
    person.mobile = checker.text(where, raw.get("mobile"), "mobile")
    person.service_phone = checker.text(where, raw.get("service_phone"), "service_phone")
    others = checker.items(where, raw.get("other_phones"), "other_phones")
    person.other_phones = [checker.text(where, p, "other_phones") for p in others]
    for label, phone in [("office_phone", person.office_phone)] + [("other_phones", p) for p in person.other_phones]:
        if phone and not any(p.match(phone) for p in PHONE_PATTERNS):
            checker.fail(where, f"{label} {phone!r} is not a phone number (e.g. 69843067, 010-65094387)")
    if person.mobile and not MOBILE.match(person.mobile):
        checker.fail(where, f"mobile {person.mobile!r} is not an 11-digit mobile number")
    if person.service_phone and not SERVICE_PHONE.match(person.service_phone):
        checker.fail(where, f"service_phone {person.service_phone!r} is not a service number (e.g. 12345)")
