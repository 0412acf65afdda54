"""One measure of a policy document: who it is for, who leads it, whom to call, and its benefit rule."""

from __future__ import annotations

import datetime
import re
from typing import Any

from ..rules import CAP_PERIODS, COMBINES, KINDS, MAIN, Rule, RuleSet, check_cap_period, validate_params
from .departments import DepartmentIndex
from .direct import read_direct_award
from .eligibility import check_eligibility
from .materials import clause_words, read_materials
from .validation import Checker, text_list

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
    "more_rules",
    "eligibility",
    "materials",
    "stacking",
    "stacking_group",
    "direct_award",
    "source",
    "notes",
}

ContactRef = tuple[str, str, tuple[str, str]]  # (district, department name, person identity)


def read_measure(
    where: str, raw: Any, document: dict[str, Any], index: DepartmentIndex, checker: Checker, line_counts
) -> dict[str, Any] | None:
    """Return one measure of the document as plain data, or None when it is not even a mapping."""
    if not isinstance(raw, dict):
        checker.fail(where, "must be a mapping")
        return None
    checker.unknown_keys(where, raw, MEASURE_FIELDS)
    key = raw.get("key")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    key = checker.text(where, key, "key", required=True)
    where = f"{where} ({key})"
    checker.key(where, key)
    district = document["district"]
    beneficiaries = _beneficiary_types(where, raw, checker)
    contacts = _contacts(where, raw.get("contacts"), district, index, checker)
    window, opens, closes = _window(where, raw, checker)
    publicity = _publicity_working_days(where, raw.get("publicity_working_days"), checker)
    monetary = bool(raw.get("monetary", False))
    rule = check_rule(where, raw.get("rule"), checker)
    more_rules = check_more_rules(where, raw.get("more_rules"), rule, checker)
    if rule and not monetary:
        checker.fail(where, "has a rule but is not marked monetary")
    source_file, source_lines = checker.required_source(where, raw, line_counts=line_counts)
    eligibility = check_eligibility(where, raw.get("eligibility"), checker)
    ruleset = (
        RuleSet((rule_of(rule), *map(rule_of, more_rules)), rule["combine"] or "sum", rule["choice_label"])
        if rule
        else None
    )
    direct, direct_inputs = read_direct_award(
        where,
        raw.get("direct_award"),
        {"eligibility": eligibility, "monetary": monetary},
        document.get("eligibility") or {},
        ruleset,
        checker,
    )
    return {
        "key": key,
        "clause": checker.text(where, raw.get("clause"), "clause"),
        "title": checker.text(where, raw.get("title"), "title", required=True),
        "text": checker.text(where, raw.get("text"), "text", required=True),
        "beneficiary_types": beneficiaries,
        "lead_departments": _departments(where, raw, "lead_departments", district, index, checker),
        "lead_label": checker.text(where, raw.get("lead_label"), "lead_label"),
        "responsible_units": _departments(where, raw, "responsible_units", district, index, checker),
        "contacts": contacts,
        "window_opens": opens,
        "window_closes": closes,
        "window_text": checker.text(where, window.get("text"), "window.text"),
        "deadline_rule": checker.text(where, raw.get("deadline_rule"), "deadline_rule"),
        "apply_within": apply_within(where, raw.get("apply_within"), checker),
        "procedure": checker.text(where, raw.get("procedure"), "procedure"),
        "publicity_working_days": publicity,
        "sampling": bool(raw.get("sampling", False)),
        "monetary": monetary,
        "rule": rule,
        "more_rules": more_rules,
        "eligibility": eligibility,
        "materials": read_materials(where, raw.get("materials"), checker, clause_words(raw)),
        "stacking": checker.text(where, raw.get("stacking"), "stacking"),
        "stacking_group": stacking_group(where, raw.get("stacking_group"), checker),
        "direct_award": direct,
        "direct_inputs": direct_inputs,
        "notes": checker.text(where, raw.get("notes"), "notes"),
        "source_file": source_file,
        "source_lines": source_lines,
    }


def _beneficiary_types(where: str, raw: dict, checker: Checker) -> list[str]:
    beneficiaries = text_list(where, raw.get("beneficiary_types") or ["enterprise"], "beneficiary_types", checker)
    for beneficiary in beneficiaries:
        if beneficiary not in BENEFICIARY_TYPES:
            checker.fail(where, f"beneficiary type {beneficiary!r} is not one of {sorted(BENEFICIARY_TYPES)}")
    return beneficiaries


def _departments(
    where: str, raw: dict, name: str, district: str, index: DepartmentIndex, checker: Checker
) -> list[tuple[str, str]]:
    """Return (district, name) of each department the list `name` names, once each, in the order written."""
    resolved = []
    for label in text_list(where, raw.get(name), name, checker):
        department = index.resolve(district, label)
        if department is None:
            checker.fail(where, f"{name}: unknown department {label!r} (declare it in contacts/data/ for {district})")
        elif (department.district, department.name) not in resolved:
            resolved.append((department.district, department.name))
    return resolved


def _contacts(where: str, raw: Any, district: str, index: DepartmentIndex, checker: Checker) -> list[ContactRef]:
    """Return the people to call about the measure, once each, in the order written."""
    contacts: list[ContactRef] = []
    for contact in raw or []:
        for ref in _contact_refs(where, contact, district, index, checker):
            if ref not in contacts:
                contacts.append(ref)
    return contacts


def _contact_refs(
    where: str, contact: Any, district: str, index: DepartmentIndex, checker: Checker
) -> list[ContactRef]:
    """Return the people one `{department, name, topic}` entry names: all of that name unless a topic is given."""
    if not isinstance(contact, dict) or set(contact) - {"department", "name", "topic"}:
        checker.fail(where, f"contact {contact!r} must be {{department, name}}")
        return []
    label = checker.text(where, contact.get("department"), "contact department", required=True)
    name = re.sub(r"\s+", "", checker.text(where, contact.get("name"), "contact name", required=True))
    department = index.resolve(district, label)
    if department is None:
        checker.fail(where, f"contacts: unknown department {label!r}")
        return []
    people = [p for p in department.people if p.name == name]
    topic = contact.get("topic")
    if topic is not None:
        people = [p for p in people if p.topic == topic]
    if not people:
        checker.fail(where, f"contacts: {department.name} has no person named {name!r}")
        return []
    return [(department.district, department.name, person.identity()) for person in people]


def _window(
    where: str, raw: dict, checker: Checker
) -> tuple[dict[str, Any], datetime.date | None, datetime.date | None]:
    """Return the application window mapping with its opening and closing days."""
    window = raw.get("window") or {}
    if not isinstance(window, dict):
        checker.fail(where, "window must be a mapping {opens, closes, text}")
        window = {}
    checker.unknown_keys(f"{where} window", window, {"opens", "closes", "text"})
    opens = checker.date(where, window.get("opens"), "window.opens")
    closes = checker.date(where, window.get("closes"), "window.closes")
    if opens and closes and opens > closes:
        checker.fail(where, "window opens after it closes")
    return window, opens, closes


def _publicity_working_days(where: str, publicity: Any, checker: Checker) -> int | None:
    if publicity is not None and (not isinstance(publicity, int) or isinstance(publicity, bool) or publicity < 0):
        checker.fail(where, "publicity_working_days must be a whole number")
        return None
    return publicity


RULE_FIELDS = {"kind", "params", "quote", "label", "cap_period", "reading"}
MAIN_RULE_FIELDS = RULE_FIELDS | {"combine", "choice_label"}
# Every rule in the data files says which earlier awards a cap per enterprise counts (measures.rules.CAP_PERIODS).
CAP_PERIOD_REQUIRED = True


def check_rule(
    where: str, rule: Any, checker: Checker, *, fields: set[str] = MAIN_RULE_FIELDS
) -> dict[str, Any] | None:
    """Return a measure's rule (`rule`, or one of `more_rules`) as plain data, or None when it cannot be read."""
    if rule is None:
        return None
    if not isinstance(rule, dict):
        checker.fail(where, "rule must be a mapping {kind, params, quote, cap_period}")
        return None
    checker.unknown_keys(where, rule, fields)
    kind = rule.get("kind")
    if kind not in RULE_KINDS:
        checker.fail(where, f"rule.kind {kind!r} is not one of {sorted(RULE_KINDS)}")
        return None
    params = rule.get("params") or {}
    if not isinstance(params, dict):
        checker.fail(where, "rule.params must be a mapping")
        return None
    problems = validate_params(kind, params)
    for problem in problems:
        checker.fail(f"{where} rule.params", problem)
    cap_period = checker.text(where, rule.get("cap_period"), "rule.cap_period", required=CAP_PERIOD_REQUIRED)
    if cap_period and not problems:
        for problem in check_cap_period(kind, params, cap_period):
            checker.fail(
                f"{where} rule.cap_period", f"{problem}（{'；'.join(f'{k}: {v}' for k, v in CAP_PERIODS.items())}）"
            )
    return {
        "kind": kind,
        "params": params,
        "quote": checker.text(where, rule.get("quote"), "rule.quote"),
        "key": checker.text(where, rule.get("key"), "rule.key") or MAIN,
        "label": checker.text(where, rule.get("label"), "rule.label"),
        "cap_period": cap_period,
        "reading": checker.text(where, rule.get("reading"), "rule.reading"),
        "combine": checker.text(where, rule.get("combine"), "rule.combine"),
        "choice_label": checker.text(where, rule.get("choice_label"), "rule.choice_label"),
    }


def check_more_rules(where: str, raw: Any, rule: dict[str, Any] | None, checker: Checker) -> list[dict[str, Any]]:
    """`more_rules`: the clause's further money rules, each with its key, label, kind, params, quote and cap_period;
    how they combine with the main rule is the main rule's `combine` (sum or choice)."""
    entries = checker.items(where, raw, "more_rules")
    if entries and rule is None:
        checker.fail(where, "more_rules needs a main rule")
        return []
    more = []
    for index, entry in enumerate(entries, start=1):
        label = f"{where} more_rules[{index}]"
        extra = check_rule(label, entry, checker, fields=RULE_FIELDS | {"key"})
        if extra is None:
            continue
        if not isinstance(entry.get("key"), str):
            checker.fail(label, "key is required (lower-case letters, digits and _)")
        more.append(
            {name: extra[name] for name in ("key", "label", "kind", "params", "quote", "cap_period", "reading")}
        )
    if rule is None:
        return more
    if more and rule["combine"] not in COMBINES:
        checker.fail(where, f"rule.combine must be one of {sorted(COMBINES)} when more_rules are given")
    elif not more and (rule["combine"] or rule["choice_label"]):
        checker.fail(where, "rule.combine and rule.choice_label are for a rule with more_rules")
    if more:
        rules = [rule_of(rule), *(rule_of(extra) for extra in more)]
        for problem in RuleSet(tuple(rules), rule["combine"] or "sum", rule["choice_label"]).problems():
            if not problem.startswith("规则“"):  # each rule's own problems are reported above
                checker.fail(where, problem)
    return more


def rule_of(spec: dict[str, Any]) -> Rule:
    """Return the engine's Rule for a rule read by check_rule."""
    return Rule(
        spec["kind"],
        spec["params"],
        spec["quote"],
        key=spec.get("key") or MAIN,
        label=spec["label"],
        cap_period=spec["cap_period"],
        reading=spec["reading"],
    )


def apply_within(where: str, raw: Any, checker: Checker) -> dict:
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


def stacking_group(where: str, raw: Any, checker: Checker) -> str:
    group = checker.text(where, raw, "stacking_group")
    checker.key(where, group, "stacking_group")
    return group
