"""Read and validate the policy data files (see measures/data/SCHEMA.md).

This package knows nothing of the database: it turns the YAML files into plain, validated Python structures, or
raises PolicyDataError listing every problem with the file and the entry it was found in. The management command
`load_policy_data` writes the result in one transaction.

- validation.py: where the files are, reading them, and the Checker that collects every problem;
- departments.py: districts, departments and their contact people (contacts/data/);
- documents.py: the policy documents, each with its measures (measures.py) and eligibility (eligibility.py).

Run `python -m measures.policydata` to validate the files without Django.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .departments import (
    DEPARTMENT_KINDS,
    EMAIL,
    MOBILE,
    PHONE_PATTERNS,
    SERVICE_PHONE,
    Department,
    DepartmentIndex,
    Person,
    read_departments,
    read_districts,
)
from .documents import DOCUMENT_FIELDS, DOCUMENT_STATUSES, read_documents
from .eligibility import ELIGIBILITY_KEYS, OWNERSHIPS, SME_SIZES
from .measures import BENEFICIARY_TYPES, MEASURE_FIELDS, MONEY_PARAMS, RATE_PARAMS, RULE_KINDS
from .validation import (
    BASE_DIR,
    CITY,
    CONTACTS_DIR,
    DISTRICTS_FILE,
    DOCUMENTS_DIR,
    KEY,
    SOURCES_DIR,
    Checker,
    PolicyDataError,
    line_counts,
)

__all__ = [
    "BASE_DIR",
    "BENEFICIARY_TYPES",
    "CITY",
    "CONTACTS_DIR",
    "DEPARTMENT_KINDS",
    "DISTRICTS_FILE",
    "DOCUMENTS_DIR",
    "DOCUMENT_FIELDS",
    "DOCUMENT_STATUSES",
    "ELIGIBILITY_KEYS",
    "EMAIL",
    "KEY",
    "MEASURE_FIELDS",
    "MOBILE",
    "MONEY_PARAMS",
    "OWNERSHIPS",
    "PHONE_PATTERNS",
    "RATE_PARAMS",
    "RULE_KINDS",
    "SERVICE_PHONE",
    "SME_SIZES",
    "SOURCES_DIR",
    "Department",
    "Person",
    "PolicyData",
    "PolicyDataError",
    "main",
    "read_policy_data",
]


@dataclass
class PolicyData:
    districts: list[dict[str, Any]]
    departments: dict[tuple[str, str], Department]
    documents: list[dict[str, Any]]

    @property
    def measure_count(self) -> int:
        return sum(len(d["measures"]) for d in self.documents)


def read_policy_data(
    *,
    districts_file: Path = DISTRICTS_FILE,
    contacts_dir: Path = CONTACTS_DIR,
    documents_dir: Path = DOCUMENTS_DIR,
    sources_dir: Path = SOURCES_DIR,
) -> PolicyData:
    """Return the validated policy data, or raise PolicyDataError with every problem found."""
    checker = Checker()
    source_line_counts = line_counts(sources_dir)
    districts = read_districts(districts_file, checker)
    district_names = {d["name"] for d in districts}
    departments = read_departments(sorted(contacts_dir.glob("*.yaml")), district_names, checker, source_line_counts)
    documents = read_documents(
        sorted(documents_dir.glob("*.yaml")),
        district_names,
        DepartmentIndex(departments),
        checker,
        source_line_counts,
    )
    if checker.problems:
        raise PolicyDataError(checker.problems)
    return PolicyData(districts=districts, departments=departments, documents=documents)


def main() -> int:
    """Validate the shipped files and print what they hold, or every problem (exit status 1)."""
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
