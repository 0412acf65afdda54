"""The load test's cast, chosen and readied in the load database before the run (a Django process, not Locust's).

Each simulated person is an account of their own: enterprise owners of the generated enterprises (each with a plan
of one measure it can really submit to, checked by the workflow's own submission checks and rolled back), reviewers
of the lead departments and finance officers of the districts (copies of the generated staff when more people are
asked for than bench.generate made), each with an authenticator device whose key the Locust user computes codes
from. Written to a JSON file that the Locust process reads; Locust itself never imports Django.
"""

from __future__ import annotations

import datetime
import json
import secrets
from pathlib import Path

from django.db import transaction
from django.utils import timezone

PDF_TYPE = "pdf"


class _Rollback(Exception):
    pass


def sample_value(spec, today: datetime.date) -> str:
    """A value an applicant could type for an input of the rule (one person: never above the stated staff)."""
    if spec.type == "choice":
        first = spec.choices[0]
        return str(first[0] if isinstance(first, list | tuple) else first)
    return {
        "money": "100000",
        "integer": "1",
        "decimal": "100",
        "date": (today - datetime.timedelta(days=30)).isoformat(),
        "boolean": "",
        "text": "负载测试",
    }.get(spec.type, "1")


def _open_measures(today: datetime.date) -> list:
    from measures.estimation import has_rule
    from measures.materials import materials_of
    from measures.models import Measure

    chosen = []
    for measure in Measure.objects.filter(monetary=True).select_related("document__district").order_by("pk"):
        if measure.window_state(today) not in ("open", "") or not measure.document.is_in_force(today):
            continue
        if not has_rule(measure):
            continue
        if any(m.required and PDF_TYPE not in m.types for m in materials_of(measure)):
            continue
        chosen.append(measure)
    return chosen


def _form_of(measure, today: datetime.date) -> dict:
    from applications.workflow.declarations import required_declarations
    from applications.workflow.estimates import rule_inputs
    from measures.materials import materials_of

    fields = {f"input_{spec.name}": sample_value(spec, today) for spec in rule_inputs(measure)}
    fields |= {f"declare_{d.key}": "on" for d in required_declarations(measure)}
    if measure.has_relative_deadline:
        fields["event_date"] = (today - datetime.timedelta(days=10)).isoformat()
    files = [f"material_{m.key}" for m in materials_of(measure) if m.required]
    return {"measure": measure.pk, "fields": fields, "files": files or ["attachments"]}


def _submittable(enterprise, user, measure, form: dict, today: datetime.date) -> bool:
    """Whether this enterprise could submit this form today, by the workflow's own checks (rolled back)."""
    from applications.workflow import checks, services

    try:
        with transaction.atomic():
            application, created = services.application_start(enterprise=enterprise, measure=measure, user=user)
            if not created:
                raise _Rollback
            event_date = form["fields"].get("event_date")
            application.inputs = {k[6:]: v for k, v in form["fields"].items() if k.startswith("input_")}
            application.declarations = {k[8:]: True for k in form["fields"] if k.startswith("declare_")}
            application.event_date = datetime.date.fromisoformat(event_date) if event_date else None
            application.save()
            ok = not [
                p
                for p in checks.submission_problems(application, today)
                if p not in checks.material_problems(application)
            ]
            raise _Rollback(ok)
    except _Rollback as result:
        return bool(result.args and result.args[0])


def enterprise_plans(count: int, tries: int = 12) -> list[dict]:
    """Return up to `count` enterprise owners, each with a measure it can submit to and the form to send.

    The enterprises are marked verified (a claim an administrator has checked): an unverified claim may not submit.
    """
    from accounts.models import Enterprise

    today = timezone.localdate()
    measures = _open_measures(today)
    forms = {m.pk: _form_of(m, today) for m in measures}
    plans = []
    enterprises = Enterprise.objects.filter(email__endswith="@bench.example.cn").select_related("owner")
    Enterprise.objects.filter(pk__in=enterprises.order_by("pk").values("pk")[: count * 4]).update(
        claim_status="verified"
    )
    worked: dict[int, int] = {}  # measure id -> enterprises it was planned for
    for index, enterprise in enumerate(enterprises.order_by("pk")[: count * 4]):
        if len(plans) >= count:
            break
        enterprise.claim_status = "verified"
        # One measure in turn (so the plans spread over the library), then those that worked for others.
        rotating = [measures[(index * 7 + k) % len(measures)] for k in range(min(tries, len(measures)))]
        proven = sorted((m for m in measures if m.pk in worked), key=lambda m: -worked[m.pk])
        for measure in list(dict.fromkeys([*rotating[:1], *proven[:4], *rotating[1:]]))[:tries]:
            if _submittable(enterprise, enterprise.owner, measure, forms[measure.pk], today):
                plans.append({"username": enterprise.owner.username, **forms[measure.pk]})
                worked[measure.pk] = worked.get(measure.pk, 0) + 1
                break
    return plans


def _device(user) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    key = secrets.token_hex(20)
    device = TOTPDevice.objects.create(user=user, name="loadtest", key=key, confirmed=True)
    return {"username": user.username, "key": key, "step": device.step, "digits": device.digits}


def staff(prefix: str, copies: int) -> list[dict]:
    """Return the generated staff whose names start with prefix, and `copies` more of each (same role, department
    and district), each with an authenticator device."""
    from accounts.models import User

    people = []
    for user in User.objects.filter(username__startswith=prefix).order_by("username"):
        people.append(_device(user))
        for k in range(copies):
            name = f"{user.username}-load{k}"
            copy = User.objects.filter(username=name).first()
            if copy is None:
                copy = User.objects.get(pk=user.pk)
                copy.pk = copy.id = None
                copy.username, copy.email = name, f"{name}@bench.example.gov.cn"
                copy.save()
            people.append(_device(copy))
    # Interleave the departments: the first users of a run work different queues.
    return sorted(people, key=lambda p: (p["username"].count("-load"), p["username"]))


def visitor_pages() -> dict:
    from applications.models import Application
    from measures.models import Measure

    measures = list(Measure.objects.order_by("pk").values_list("pk", flat=True))
    publicity = list(
        Application.objects.filter(status="publicity").order_by("-pk").values_list("reference", flat=True)[:50]
    )
    return {"measures": measures, "publicity": publicity}


def write_cast(path: Path, *, enterprises: int, staff_copies: int, password: str) -> dict:
    cast = {
        "password": password,
        "enterprises": enterprise_plans(enterprises),
        "reviewers": staff("bench-rev-", staff_copies),
        "finance": staff("bench-fin-", staff_copies),
        **visitor_pages(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cast, ensure_ascii=False, indent=1))
    return {k: len(v) if isinstance(v, list) else v for k, v in cast.items() if k != "password"}
