"""What every part of the policy data shares: where the files are, reading them, and the checker collecting problems."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DISTRICTS_FILE = BASE_DIR / "measures" / "data" / "districts.yaml"
DOCUMENTS_DIR = BASE_DIR / "measures" / "data" / "documents"
CONTACTS_DIR = BASE_DIR / "contacts" / "data"
SOURCES_DIR = BASE_DIR / "measures" / "sources"

CITY = "北京市"

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PolicyDataError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Checker:
    """Collect the problems found, each with the file and entry it was found in, and read checked values."""

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

    def key(self, where: str, key: str, name: str = "key") -> None:
        """Fail unless a key, if given, is safe in a URL and a file name."""
        if key and not KEY.match(key):
            self.fail(where, f"{name} {key!r} must be ASCII letters, digits, '-', '_' or '.'")

    def items(self, where: str, value: Any, name: str) -> list:
        """Return an optional list field, failing (and returning an empty list) when it is something else."""
        value = value or []
        if not isinstance(value, list):
            self.fail(where, f"{name} must be a list")
            return []
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

    def required_source(
        self, where: str, entry: dict, *, line_counts: dict[str, int]
    ) -> tuple[str, tuple[int, int] | None]:
        """Return the entry's source (file, lines), failing when it has none."""
        if entry.get("source") is None:
            self.fail(where, "source is required")
            return "", None
        return self.source(where, entry["source"], line_counts=line_counts)


def text_list(where: str, value: Any, name: str, checker: Checker) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        checker.fail(where, f"{name} must be a list")
        return []
    return [checker.text(where, item, name, required=True) for item in value]


def load_yaml(path: Path, checker: Checker) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        checker.fail(path.name, f"is not valid YAML: {exc}")
    except UnicodeDecodeError:
        checker.fail(path.name, "is not UTF-8")
    return None


def file_entries(path: Path, name: str, checker: Checker) -> list:
    """Return the list a data file holds under `name`; nothing when the file cannot be read or holds no such list."""
    raw = load_yaml(path, checker)
    if raw is None:
        return []
    if not isinstance(raw, dict) or not isinstance(raw.get(name), list):
        checker.fail(relative(path), f"must hold a list under '{name}'")
        return []
    return raw[name]


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(BASE_DIR))
    except ValueError:
        return str(path)


def line_counts(sources_dir: Path) -> dict[str, int]:
    return {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in sorted(sources_dir.glob("*.txt"))}
