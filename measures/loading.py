"""Write validated policy data (measures.policydata) to the database, idempotently and all at once."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from contacts.models import ContactPerson, Department, Section

from .conditions import conditions_from_eligibility
from .direct import undecidable
from .models import (
    BeneficiaryType,
    District,
    Measure,
    MeasureCondition,
    PolicyDataLoad,
    PolicyDocument,
    normalize_number,
)
from .policydata import BASE_DIR, PolicyData, PolicyDataError, read_policy_data
from .policydata import Department as DepartmentSpec
from .policydata import Person as PersonSpec
from .policydata.registration import PLACE_KEYS

BENEFICIARY_TYPE_NAMES = {
    "enterprise": "中小微企业",
    "individual_business": "个体工商户",
    "landlord": "出租方（房东）",
    "carrier": "孵化器、园区等载体",
    "bank": "银行等金融机构",
    "guarantee_agency": "融资担保机构",
    "vc_institution": "创业投资机构",
    "hr_agency": "人力资源服务机构",
    "kindergarten": "民办幼儿园",
    "school": "民办教育培训机构",
    "other": "其他",
}


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: bool = False

    def count(self, label: str, status: str) -> None:
        getattr(self, status)[label] += 1

    @property
    def writes(self) -> int:
        return sum(self.created.values()) + sum(self.changed.values())


def data_fingerprint() -> str:
    """Return a hash of every data and source file, to tell whether anything changed since the last load."""
    digest = hashlib.sha256()
    folders = [BASE_DIR / "measures" / "data", BASE_DIR / "contacts" / "data", BASE_DIR / "measures" / "sources"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".yaml", ".txt"}:
                digest.update(str(path.relative_to(BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport, label: str):
    """Create or update one row, saving only when a value differs, and count what happened."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        report.count(label, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.count(label, "changed")
    else:
        report.count(label, "unchanged")
    return obj


def _set_m2m(manager, objects: list[models.Model]) -> bool:
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(objects)
    return True


def _lines(value: tuple[int, int] | None) -> dict[str, int | None]:
    start, end = value or (None, None)
    return {"source_line_start": start, "source_line_end": end}


def _data_conditions(document_level: dict, measure_level: dict) -> list[tuple[str, str, str]]:
    """Return the (kind, value, quote) conditions the files give a measure: its own, then its document's."""
    own = conditions_from_eligibility(measure_level)
    stated = {kind for kind, _value, _quote in own if kind not in ("declaration", "other")}
    # A place the measure itself says it does not require (registered_in_district: false) is not taken from its
    # document either.
    stated |= {kind for kind in PLACE_KEYS if measure_level.get(kind) is False}
    own_values = {(kind, value) for kind, value, _quote in own}
    inherited = [
        row
        for row in conditions_from_eligibility(document_level)
        if row[0] not in stated and (row[0], row[1]) not in own_values
    ]
    return inherited + own


@transaction.atomic
def _replace_conditions(measure: Measure, document_level: dict, measure_level: dict, report: LoadReport) -> None:
    """Replace the conditions that came from the data files; those an administrator added stay."""
    measure.conditions.filter(from_data=True).delete()
    MeasureCondition.objects.bulk_create(
        MeasureCondition(measure=measure, order=order, kind=kind, value=value, quote=quote, from_data=True)
        for order, (kind, value, quote) in enumerate(_data_conditions(document_level, measure_level))
    )
    report.count("measure conditions", "changed")


@transaction.atomic
def load_policy_data(data: PolicyData | None = None, *, only_if_changed: bool = False) -> LoadReport:
    """Load the data files into the database, in one transaction. Raises PolicyDataError (and writes nothing) if they
    are invalid; a database error part-way leaves the library as it was."""
    data = data or read_policy_data()
    fingerprint = data_fingerprint()
    report = LoadReport()
    if only_if_changed and PolicyDataLoad.objects.filter(fingerprint=fingerprint).exists():
        report.skipped = True
        return report
    _load_beneficiary_types(report)
    districts = _load_districts(data.districts, report)
    departments, people = _load_departments(data.departments, districts, report)
    documents = _load_documents(data.documents, _Loaded(districts, departments, people), report)
    _link_implemented_documents(data.documents, documents, report)
    PolicyDataLoad.objects.get_or_create(fingerprint=fingerprint)
    return report


@dataclass
class _Loaded:
    """The rows written so far, by the keys the data files name them with."""

    districts: dict[str, District]
    departments: dict[tuple[str, str], Department]
    people: dict[tuple, ContactPerson]
    beneficiary_types: dict[str, BeneficiaryType] = field(default_factory=dict)
    # What the database held before this load: each measure's eligibility, and the measures with conditions.
    loaded_eligibility: dict[tuple[str, str], dict] = field(default_factory=dict)
    with_conditions: set[int] = field(default_factory=set)


def _load_beneficiary_types(report: LoadReport) -> None:
    for order, (code, name) in enumerate(BENEFICIARY_TYPE_NAMES.items()):
        _upsert(BeneficiaryType, {"code": code}, {"name": name, "order": order}, report, "beneficiary types")


def _load_districts(specs: list[dict[str, Any]], report: LoadReport) -> dict[str, District]:
    return {
        d["name"]: _upsert(
            District,
            {"name": d["name"]},
            {k: d[k] for k in ("slug", "code", "level", "name_en", "order")},
            report,
            "districts",
        )
        for d in specs
    }


def _load_departments(
    specs: dict[tuple[str, str], DepartmentSpec], districts: dict[str, District], report: LoadReport
) -> tuple[dict[tuple[str, str], Department], dict[tuple, ContactPerson]]:
    """Write the departments with their sections and people; return both by the keys the measures refer to them."""
    departments: dict[tuple[str, str], Department] = {}
    people: dict[tuple, ContactPerson] = {}
    for (district_name, name), spec in specs.items():
        department = _upsert(
            Department,
            {"district": districts[district_name], "name": name},
            {"full_name": spec.full_name, "kind": spec.kind, "aliases": "\n".join(spec.aliases)},
            report,
            "departments",
        )
        departments[(district_name, name)] = department
        sections = {
            section: _upsert(Section, {"department": department, "name": section}, {}, report, "sections")
            for section in spec.sections
        }
        for person in spec.people:
            people[(district_name, name, person.identity())] = _load_person(department, sections, person, report)
    return departments, people


def _load_person(
    department: Department, sections: dict[str, Section], person: PersonSpec, report: LoadReport
) -> ContactPerson:
    return _upsert(
        ContactPerson,
        {"department": department, "name": person.name, "topic": person.topic},
        {
            "section": sections.get(person.section),
            "office_phone": person.office_phone,
            "mobile": person.mobile,
            "service_phone": person.service_phone,
            "other_phones": ",".join(person.other_phones),
            "email": person.email,
            "source_file": person.source_file,
            **_lines(person.source_lines),
        },
        report,
        "contact people",
    )


def _load_documents(specs: list[dict[str, Any]], loaded: _Loaded, report: LoadReport) -> dict[str, PolicyDocument]:
    """Write the documents and their measures; return the documents by key."""
    loaded.beneficiary_types = {b.code: b for b in BeneficiaryType.objects.all()}
    loaded.loaded_eligibility = {
        (document_key, key): eligibility
        for document_key, key, eligibility in Measure.objects.values_list("document__key", "key", "eligibility")
    }
    loaded.with_conditions = set(MeasureCondition.objects.values_list("measure_id", flat=True).distinct())
    documents: dict[str, PolicyDocument] = {}
    for spec in specs:
        document = _upsert(PolicyDocument, {"key": spec["key"]}, _document_values(spec, loaded), report, "documents")
        documents[spec["key"]] = document
        for measure_spec in spec["measures"]:
            _load_measure(document, spec, measure_spec, loaded, report)
    return documents


def _document_values(spec: dict[str, Any], loaded: _Loaded) -> dict[str, Any]:
    return {
        "number": spec["number"],
        "title": spec["title"],
        "issuer": spec["issuer"],
        "district": loaded.districts[spec["district"]],
        "issued_on": spec["issued_on"],
        "status": spec["status"],
        "validity": spec["validity"],
        "valid_from": spec["valid_from"],
        "valid_until": spec["valid_until"],
        "repeals_text": "、".join(spec["repeals"]),
        "interpreting_body": spec["interpreting_body"],
        "url": spec["url"],
        "general_provisions": spec["general_provisions"],
        "annual_ceiling_quote": spec["annual_ceiling"],
        "annual_ceiling_covers": spec["annual_ceiling_covers"],
        "notes": spec["notes"],
        "source_file": spec["source_file"],
        **_lines(spec["source_lines"]),
    }


def _load_measure(
    document: PolicyDocument,
    spec: dict[str, Any],
    measure_spec: dict[str, Any],
    loaded: _Loaded,
    report: LoadReport,
) -> None:
    """Write one measure, its relations, and its conditions when its eligibility changed (or it has none yet)."""
    eligibility = dict(measure_spec["eligibility"])
    if spec["eligibility"]:
        eligibility["document"] = spec["eligibility"]
    measure = _upsert(
        Measure,
        {"document": document, "key": measure_spec["key"]},
        _measure_values(measure_spec, eligibility),
        report,
        "measures",
    )
    _set_measure_relations(measure, measure_spec, loaded, report)
    changed = loaded.loaded_eligibility.get((spec["key"], measure_spec["key"])) != eligibility
    if changed or (
        measure.pk not in loaded.with_conditions and _data_conditions(spec["eligibility"], measure_spec["eligibility"])
    ):
        _replace_conditions(measure, spec["eligibility"], measure_spec["eligibility"], report)
    if measure.direct_award:
        _refuse_undecidable(measure, spec)


def _refuse_undecidable(measure: Measure, spec: dict[str, Any]) -> None:
    """Refuse a 免申即享 mark on a measure with a condition the portal cannot decide, one an administrator added in
    the admin included (the files' own conditions were checked when they were read)."""
    kinds = undecidable(measure.conditions.values_list("kind", flat=True))
    if kinds:
        raise PolicyDataError(
            [
                f"{spec['data_file']}: {spec['key']} measure {measure.key}: direct_award, but the measure has conditions "
                f"of kind {', '.join(kinds)} (added in the admin?) that cannot be decided from the portal's data"
            ]
        )


def _measure_values(measure_spec: dict[str, Any], eligibility: dict[str, Any]) -> dict[str, Any]:
    rule = measure_spec["rule"] or {}
    return {
        "order": measure_spec["order"],
        "clause": measure_spec["clause"],
        "title": measure_spec["title"],
        "text": measure_spec["text"],
        "lead_label": measure_spec["lead_label"],
        "window_opens": measure_spec["window_opens"],
        "window_closes": measure_spec["window_closes"],
        "window_text": measure_spec["window_text"],
        "deadline_rule": measure_spec["deadline_rule"],
        "apply_within_event": measure_spec["apply_within"]["event"],
        "apply_within_months": measure_spec["apply_within"]["months"],
        "apply_within_days": measure_spec["apply_within"]["days"],
        "apply_within_from_next_month": measure_spec["apply_within"]["from_next_month"],
        "procedure": measure_spec["procedure"],
        "publicity_working_days": measure_spec["publicity_working_days"],
        "sampling": measure_spec["sampling"],
        "monetary": measure_spec["monetary"],
        "rule_kind": rule.get("kind", ""),
        "rule_params": rule.get("params", {}),
        "rule_quote": rule.get("quote", ""),
        "rule_label": rule.get("label", ""),
        "rule_cap_period": rule.get("cap_period", ""),
        "rule_reading": rule.get("reading", ""),
        "rule_combine": rule.get("combine", ""),
        "rule_choice_label": rule.get("choice_label", ""),
        "more_rules": measure_spec["more_rules"],
        "eligibility": eligibility,
        "materials": measure_spec["materials"],
        "stacking": measure_spec["stacking"],
        "stacking_group": measure_spec["stacking_group"],
        "direct_award": measure_spec["direct_award"],
        "direct_inputs": measure_spec["direct_inputs"],
        "notes": measure_spec["notes"],
        **_lines(measure_spec["source_lines"]),
    }


def _set_measure_relations(measure: Measure, measure_spec: dict[str, Any], loaded: _Loaded, report: LoadReport) -> None:
    departments, people = loaded.departments, loaded.people
    relations = [
        _set_m2m(measure.beneficiary_types, [loaded.beneficiary_types[c] for c in measure_spec["beneficiary_types"]]),
        _set_m2m(measure.lead_departments, [departments[k] for k in measure_spec["lead_departments"]]),
        _set_m2m(measure.responsible_units, [departments[k] for k in measure_spec["responsible_units"]]),
        _set_m2m(measure.contacts, [people[k] for k in measure_spec["contacts"]]),
    ]
    if any(relations):
        report.count("measure relations", "changed")


def _link_implemented_documents(
    specs: list[dict[str, Any]], documents: dict[str, PolicyDocument], report: LoadReport
) -> None:
    """Link each document to those it implements that are in the library; name the others in implements_text."""
    by_number = {normalize_number(d.number): d for d in PolicyDocument.objects.exclude(number="")}
    for spec in specs:
        document = documents[spec["key"]]
        known = [by_number[normalize_number(n)] for n in spec["implements"] if normalize_number(n) in by_number]
        unknown = "、".join(n for n in spec["implements"] if normalize_number(n) not in by_number)
        if _set_m2m(document.implements, known):
            report.count("document relations", "changed")
        if document.implements_text != unknown:
            document.implements_text = unknown
            document.save(update_fields=["implements_text"])
            report.count("document relations", "changed")
