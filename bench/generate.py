"""Fill PostgreSQL with realistic data, fast: enterprises with their owners and profiles, applications spread over
the real monetary measures, states and years, their audit events (hash chain included, its end recorded on the
case), payments and the e-mails (notices) sent about them, plus the staff who work the queues.

Rows go in with COPY (psycopg's `cursor.copy`), never through the ORM one row at a time. The generator adds to what
is there: ids continue after the largest, the id sequences and the yearly reference counters are moved on, so it also
runs on the test database at a tiny size (tests/portal/test_bench_smoke.py). Columns it does not know (a field added
later) are filled with the field's default, or it stops and names the column.

    python -m bench.generate            # BENCH_ENTERPRISES (100000) and BENCH_APPLICATIONS (1000000)
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import json
import os
import random
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from applications.audit import keyed_digest

BENCH_PASSWORD = "bench-pass-2026"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = 86400.0
FIRST_CASE = datetime.datetime(2020, 3, 1, tzinfo=BEIJING).timestamp()

# Of every hundred cases, how many are still open, and the states they are in; the rest have ended.
OPEN_SHARE = 0.12
OPEN_MIX = {
    "draft": 10,
    "submitted": 20,
    "returned": 8,
    "resubmitted": 5,
    "under_review": 20,
    "verification": 4,
    "reviewed": 6,
    "publicity": 6,
    "finance_review": 7,
    "approved": 6,
    "disbursing": 4,
    "disbursed": 4,
}
ENDED_MIX = {"closed": 58, "rejected": 20, "withdrawn": 12, "lapsed": 10}

_REVIEWED = ["submit", "accept", "final_review_pass"]
_PUBLICITY = [*_REVIEWED, "start_publicity"]
_FINANCE = [*_PUBLICITY, "end_publicity"]
_APPROVED = [*_FINANCE, "finance_approve"]
# The actions that brought a case to its state, in the order of the transition table (applications/workflow.py).
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return_for_correction"],
    "resubmitted": ["submit", "return_for_correction", "resubmit"],
    "under_review": ["submit", "accept"],
    "reviewed": _REVIEWED,
    "verification": [*_REVIEWED, "mark_sampled"],
    "publicity": _PUBLICITY,
    "finance_review": _FINANCE,
    "approved": _APPROVED,
    "disbursing": [*_APPROVED, "record_payment"],
    "disbursed": [*_APPROVED, "record_payment"],
    "closed": [*_APPROVED, "record_payment", "close"],
    "rejected": ["submit", "accept", "reject"],
    "withdrawn": ["submit", "withdraw"],
    "lapsed": ["submit", "return_for_correction", "lapse"],
}
COMMENTS = {
    "return_for_correction": "请补充上年度完税证明和社保缴纳明细。",
    "reject": "经审核，申报材料与条款规定的条件不符，不予支持。",
    "withdraw": "企业主动撤回。",
}
INDUSTRY_MIX = {
    "软件和信息技术服务业": 30,
    "租赁和商务服务业": 14,
    "批发业": 10,
    "零售业": 10,
    "工业": 9,
    "餐饮业": 6,
    "其他未列明行业": 6,
    "建筑业": 4,
    "交通运输业": 3,
    "住宿业": 3,
    "物业管理": 2,
    "信息传输业": 2,
    "仓储业": 1,
}
NAME_PARTS = (
    "华信 中科 京通 金桥 博远 创新 蓝海 天合 恒泰 新源 东方 龙腾 智联 云帆 星辰 瑞丰 佳和 万达 汇通 国科".split(),
    "科技 信息技术 商贸 文化传媒 餐饮管理 物流 建筑工程 咨询 医药 教育科技".split(),
)
CERTIFICATIONS = ["high_tech", "zgc_high_tech", "tech_sme", "beijing_specialized", "innovative_sme"]


@dataclass(frozen=True)
class MeasureInfo:
    id: int
    district_id: int
    sampling: bool
    reviewer_department_id: int | None


@dataclass
class Staff:
    reviewers: dict[int, int]  # department id -> user id
    finance: dict[int, int]  # district id -> user id
    admins: dict[int, int]  # district id -> user id


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _text(value):
    """Return a value as COPY takes it: JSON as text, everything else as psycopg adapts it."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


class _Table:
    """COPY rows into a model's table: the columns the generator provides, plus a default for any other column."""

    def __init__(self, cursor, model: type[models.Model], provided: list[str]):
        self.cursor = cursor
        self.table = model._meta.db_table
        existing = [c.name for c in connection.introspection.get_table_description(cursor, self.table)]
        fields = {f.column: f for f in model._meta.concrete_fields}
        # A field whose migration is not applied yet has no column: it is left out.
        self.keep = [i for i, column in enumerate(provided) if column in existing]
        self.project = len(self.keep) != len(provided)
        # Columns the generator does not provide get the field's default; an automatic id is left to the database.
        extra = [c for c in existing if c not in provided and c in fields and not fields[c].primary_key]
        self.fill = tuple(self._filler(fields[c]) for c in extra)
        columns = [provided[i] for i in self.keep] + extra
        self.sql = f"COPY {_qn(self.table)} ({', '.join(_qn(c) for c in columns)}) FROM STDIN"

    def _filler(self, field: models.Field):
        if field.has_default():
            return _text(field.get_default())
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField)) and field.blank:
            return ""
        raise RuntimeError(f"bench.generate cannot fill {self.table}.{field.column}: teach it this column")

    def copy(self, rows: Iterable[tuple]) -> int:
        count = 0
        fill, keep, project = self.fill, self.keep, self.project
        with self.cursor.copy(self.sql) as copy:
            for row in rows:
                if project:
                    row = tuple(row[i] for i in keep)
                copy.write_row(row + fill)
                count += 1
        return count


def _next_id(cursor, model) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_qn(model._meta.db_table)}")
    return cursor.fetchone()[0] + 1


def _reset_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {_qn(table)}))",
        [table],
    )


def _weighted(rng: random.Random, mix: dict[str, int]) -> Callable[[], str]:
    names = list(mix)
    cumulative = list(itertools.accumulate(mix.values()))
    total = cumulative[-1]
    return lambda: names[bisect.bisect_right(cumulative, rng.random() * total)]


def _credit_code(n: int) -> str:
    from accounts.credit_code import CHARSET, check_character

    org = "".join(CHARSET[(n // 31**i) % 31] for i in range(9))[::-1]
    body = "91110108" + org
    return body + check_character(body)


def _measures() -> list[MeasureInfo]:
    from measures.models import Measure

    infos = []
    for measure in (
        Measure.objects.filter(monetary=True).select_related("document").prefetch_related("lead_departments")
    ):
        district_id = measure.document.district_id
        local = sorted(d.pk for d in measure.lead_departments.all() if d.district_id == district_id)
        infos.append(MeasureInfo(measure.pk, district_id, measure.sampling, local[0] if local else None))
    return sorted(infos, key=lambda m: m.id)


def _staff(measures: list[MeasureInfo], password: str) -> Staff:
    """Return the bench's reviewers (one per lead department), finance officers and administrators, made once."""
    from accounts.models import StaffRole, User
    from contacts.models import Department

    wanted = {}
    departments = Department.objects.in_bulk({m.reviewer_department_id for m in measures} - {None})
    for department in departments.values():
        wanted[f"bench-rev-{department.pk}"] = {
            "role": StaffRole.REVIEWER,
            "department": department,
            "staff_district_id": department.district_id,
        }
    for district_id in {m.district_id for m in measures}:
        wanted[f"bench-fin-{district_id}"] = {"role": StaffRole.FINANCE, "staff_district_id": district_id}
        wanted[f"bench-adm-{district_id}"] = {"role": StaffRole.DISTRICT_ADMIN, "staff_district_id": district_id}
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=name,
                password=password,
                email=f"{name}@bench.example.gov.cn",
                first_name="测试工作人员",
                is_staff=True,
                **fields,
            )
            for name, fields in wanted.items()
            if name not in existing
        ]
    )
    users = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    staff = Staff({}, {}, {})
    for name, pk in users.items():
        kind, key = name.split("-")[1], int(name.split("-")[2])
        {"rev": staff.reviewers, "fin": staff.finance, "adm": staff.admins}[kind][key] = pk
    return staff


def _model_hash(fields: dict) -> str:
    """Return an event's chain hash computed by the model itself (the reference, and the slow path)."""
    from applications.models import Event

    try:
        # The model's own method, on a light object with the same attributes (a model instance costs more).
        return Event.compute_hash(SimpleNamespace(**fields))
    except AttributeError:  # it reads more than these attributes: give it a real instance
        return Event(**fields).compute_hash()


def _json(value, cache: dict) -> str:
    if value is None:
        return "null"
    try:
        return cache[value]
    except KeyError:
        cache[value] = text = json.dumps(value, ensure_ascii=False)
        return text


def _fast_hash(fields: dict, cache: dict = {}) -> str:  # noqa: B006 (the cache of encoded labels is meant to last)
    """Return the same hash as applications.audit (sorted keys, compact JSON) with a fixed template: json.dumps
    of a dict costs several times more, and a million cases have millions of events. Checked against the model."""
    amount = "null" if fields["amount"] is None else f'"{fields["amount"]:.2f}"'
    payload = (
        f'{{"action":{_json(fields["action"], cache)},"action_label":{_json(fields["action_label"], cache)},'
        f'"actor":{_json(fields["actor_id"], cache)},"amount":{amount},'
        f'"amount_field":{_json(fields["amount_field"], cache)},"application":{fields["application_id"]},'
        f'"comment":{_json(fields["comment"], cache)},'
        f'"created_at":"{fields["created_at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")}",'
        f'"from_status":{_json(fields["from_status"], cache)},"prev_hash":"{fields["prev_hash"]}",'
        f'"sequence":{fields["sequence"]},"to_status":{_json(fields["to_status"], cache)}}}'
    )
    return keyed_digest(payload)


def _hasher(log) -> Callable[[dict], str] | None:
    """Return the function that computes an event's chain hash as the model does, or None without a hash chain."""
    from applications.models import Event

    if not hasattr(Event, "compute_hash"):
        return None
    state = {"checked": 0, "fast": True}

    def event_hash(fields: dict) -> str:
        if not state["fast"]:
            return _model_hash(fields)
        if state["checked"] < 500:  # the fast path must agree with the model on the first events, or it is dropped
            state["checked"] += 1
            expected = _model_hash(fields)
            if _fast_hash(fields) != expected:
                log("the events' hash payload has changed: using the model's own (slower) method")
                state["fast"] = False
            return expected
        return _fast_hash(fields)

    return event_hash


class _Generator:
    def __init__(self, *, enterprises: int, applications: int, seed: int, now: datetime.datetime, log):
        self.n_enterprises = enterprises
        self.n_applications = applications
        self.rng = random.Random(seed)
        self.now = now.timestamp()
        self.log = log
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    def run(self) -> dict[str, int]:
        from accounts.models import Certification, Enterprise, ProfileVersion, User
        from applications import models as app_models

        self.measures = _measures()
        if not self.measures:
            raise RuntimeError("No monetary measures: run `manage.py load_policy_data` first")
        password = make_password(BENCH_PASSWORD)
        self.staff = _staff(self.measures, password)
        self.transitions = self._transitions()
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            # Django's foreign keys are deferrable: enterprises and their owners can point at each other. Checked at
            # the commit, though, millions of rows take longer to check than to write: as a superuser (the bench's
            # own database) the load skips the checks the way pg_restore does, and the smoke test checks instead.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            self.unchecked = cursor.fetchone()[0]
            if self.unchecked:
                cursor.execute("SET LOCAL session_replication_role = replica")
            self.enterprise_id = _next_id(cursor, Enterprise)
            self.user_id = _next_id(cursor, User)
            self.version_id = _next_id(cursor, ProfileVersion)
            self._enterprises(cursor, password)
            self._plans()
            self.application_id = _next_id(cursor, app_models.Application)
            # Events before their cases (the foreign keys are checked at the commit, if at all): a case's row records
            # where its chain ends, the last event's sequence and hash, which are known once its events are made.
            self._events(cursor)
            self._applications(cursor)
            self._payments(cursor)
            self._notices(cursor)
            models_written = [Enterprise, User, ProfileVersion, Certification, app_models.Application]
            models_written += [app_models.Event, app_models.Payment]
            if hasattr(app_models, "Notice"):
                models_written.append(app_models.Notice)
            for model in models_written:
                _reset_sequence(cursor, model)
            self._reference_counters(cursor)
            if self.unchecked:
                cursor.execute("SET LOCAL session_replication_role = origin")
        with connection.cursor() as cursor:
            for model in models_written:
                cursor.execute(f"ANALYZE {_qn(model._meta.db_table)}")
        self.say("done")
        return dict(self.counts)

    def _transitions(self) -> dict[str, tuple[str, str, str]]:
        """Return, for each action, its label, its target and who takes it (E, R, F, S for the system or A)."""
        from applications.workflow import TRANSITIONS
        from applications.workflow.permissions import Role

        actors = []
        for action, transition in TRANSITIONS.items():
            roles = transition.roles
            who = next(
                code
                for role, code in [
                    (Role.ENTERPRISE, "E"),
                    (Role.REVIEWER, "R"),
                    (Role.FINANCE, "F"),
                    (Role.SYSTEM, "S"),
                    (Role.DISTRICT_ADMIN, "A"),
                ]
                if role in roles
            )
            actors.append((action, (str(transition.label), str(transition.target), who)))
        table = dict(actors)
        for status, path in PATHS.items():
            current = "draft"
            for action in path:
                assert current in {str(s) for s in TRANSITIONS[action].sources}, (status, action, current)
                current = table[action][1]
            assert current == status or (status, current) == ("disbursing", "disbursed"), (status, current)
        return table

    # Enterprises, their owners, profile versions and certifications.

    def _enterprises(self, cursor, password: str) -> None:
        from accounts.models import Certification, Enterprise, ProfileVersion, User

        rng = self.rng
        per_district = Counter(m.district_id for m in self.measures)
        districts = list(per_district)
        district_weights = list(itertools.accumulate(per_district.values()))
        industry = _weighted(rng, INDUSTRY_MIX)
        cursor.execute("SELECT credit_code FROM accounts_enterprise")
        taken = {row[0] for row in cursor.fetchall()}
        self.enterprises = []  # (enterprise id, owner user id, district id, e-mail)
        enterprise_rows, user_rows, version_rows, certification_rows = [], [], [], []
        code_number = self.enterprise_id * 7
        for i in range(self.n_enterprises):
            pk, user_pk = self.enterprise_id + i, self.user_id + i
            code = _credit_code(code_number)
            while code in taken:
                code_number += 1
                code = _credit_code(code_number)
            code_number += 1
            district = districts[bisect.bisect_right(district_weights, rng.random() * district_weights[-1])]
            created = FIRST_CASE - 400 * DAY + rng.random() * (self.now - FIRST_CASE)
            created_at = datetime.datetime.fromtimestamp(created, datetime.UTC)
            name = f"北京{rng.choice(NAME_PARTS[0])}{rng.choice(NAME_PARTS[1])}有限公司{pk}"
            email = f"e{pk}@bench.example.cn"
            employees = int(rng.lognormvariate(3.2, 1.1)) + 1
            revenue = f"{rng.lognormvariate(6.5, 1.5):.2f}"
            assets = f"{rng.lognormvariate(6.8, 1.5):.2f}"
            founded = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(0, 30 * 365 - 400))
            profile = {
                "industry": industry(),
                "employees": employees,
                "revenue": revenue,
                "total_assets": assets,
                "figures_year": 2025,
                "registered_district": district,
                "tax_district": district if rng.random() < 0.93 else None,
                "stats_district": district if rng.random() < 0.9 else None,
                "park": "",
                "ownership": "non_state" if rng.random() < 0.92 else "state",
                "founded_on": founded,
                "prior_year_district_contribution": f"{rng.randrange(10_000, 5_000_000)}.00",
                "revenue_change": f"{rng.uniform(-90, 40):.2f}" if rng.random() < 0.6 else None,
                "rd_spend": f"{rng.randrange(0, 3_000_000)}.00" if rng.random() < 0.5 else None,
                "layoff_rate": f"{rng.uniform(0, 8):.2f}" if rng.random() < 0.4 else None,
                "insured_months": rng.randrange(6, 120) if rng.random() < 0.7 else None,
                "on_dishonesty_list": rng.random() < 0.004,
            }
            enterprise_rows.append(
                (pk, code, name, "王经理", email, f"138{pk % 100_000_000:08d}", user_pk, created_at, *profile.values())
            )
            user_tail = (f"138{pk % 100_000_000:08d}", pk, True, "", None, None)
            user_rows.append(
                (user_pk, password, None, False, email, "王经理", "", email, False, True, created_at, *user_tail)
            )
            snapshot = profile | {"name": name, "contact_person": "王经理", "email": email, "credit_code": code}
            snapshot |= {"founded_on": founded.isoformat(), "certifications": [], "sme_size": None}
            version_rows.append((self.version_id + i, pk, 1, json.dumps(snapshot, ensure_ascii=False), "[]"))
            version_rows[-1] += (created_at, user_pk)
            if rng.random() < 0.08:
                certification_rows.append((pk, rng.choice(CERTIFICATIONS), "", founded + datetime.timedelta(900)))
            self.enterprises.append((pk, user_pk, district, email))
        self.say(f"{self.n_enterprises} enterprises built; writing")
        profile_columns = [
            "industry",
            "employees",
            "revenue",
            "total_assets",
            "figures_year",
            "registered_district_id",
            "tax_district_id",
            "stats_district_id",
            "park",
            "ownership",
            "founded_on",
            "prior_year_district_contribution",
            "revenue_change",
            "rd_spend",
            "layoff_rate",
            "insured_months",
            "on_dishonesty_list",
        ]
        columns = ["id", "credit_code", "name", "contact_person", "email", "mobile", "owner_id", "created_at"]
        self.counts["enterprises"] = _Table(cursor, Enterprise, columns + profile_columns).copy(enterprise_rows)
        user_columns = ["id", "password", "last_login", "is_superuser", "username", "first_name", "last_name"]
        user_columns += ["email", "is_staff", "is_active", "date_joined", "mobile", "enterprise_id"]
        user_columns += ["email_confirmed", "role", "staff_district_id", "department_id"]
        self.counts["users"] = _Table(cursor, User, user_columns).copy(user_rows)
        version_columns = ["id", "enterprise_id", "number", "data", "changed_fields", "created_at", "created_by_id"]
        self.counts["profile_versions"] = _Table(cursor, ProfileVersion, version_columns).copy(version_rows)
        self.counts["certifications"] = _Table(
            cursor, Certification, ["enterprise_id", "kind", "level", "certified_on"]
        ).copy(certification_rows)
        self.say("enterprises, owners, profile versions written")

    # Applications: first a plan for each (its state and the times of its steps), then the rows from the plans.

    def _plans(self) -> None:
        rng = self.rng
        n, n_enterprises = self.n_applications, len(self.enterprises)
        by_district: dict[int, list[int]] = {}
        for index, measure in enumerate(self.measures):
            by_district.setdefault(measure.district_id, []).append(index)
        # How many cases each enterprise has: skewed (a few apply for much, many for little), summing to n.
        weights = [rng.paretovariate(2.0) for _ in range(n_enterprises)]
        cap = len(self.measures)
        per_enterprise = Counter(rng.choices(range(n_enterprises), weights=weights, k=n))
        overflow = sum(max(0, k - cap) for k in per_enterprise.values())
        for index in list(per_enterprise):
            per_enterprise[index] = min(per_enterprise[index], cap)
        while overflow:
            index = rng.randrange(n_enterprises)
            if per_enterprise[index] < cap:
                per_enterprise[index] += 1
                overflow -= 1
        open_state, ended_state = _weighted(rng, OPEN_MIX), _weighted(rng, ENDED_MIX)
        all_measures = list(range(len(self.measures)))
        plans = []
        for enterprise_index, k in per_enterprise.items():
            # Four in five of an enterprise's cases are under its own district's measures; each measure at most once,
            # so the rule of one open case per enterprise and measure always holds.
            own = by_district[self.enterprises[enterprise_index][2]]
            chosen = rng.sample(own, min(len(own), round(k * 0.8)))
            if len(chosen) < k:
                others = [m for m in rng.sample(all_measures, min(cap, k + len(chosen))) if m not in chosen]
                chosen += others[: k - len(chosen)]
            for measure_index in chosen:
                is_open = rng.random() < OPEN_SHARE
                status = open_state() if is_open else ended_state()
                path = list(PATHS[status])
                measure = self.measures[measure_index]
                if measure.sampling and "final_review_pass" in path and status != "verification":
                    if rng.random() < 0.25:
                        at = path.index("final_review_pass") + 1
                        path[at:at] = ["mark_sampled", "verify"]
                gaps = [rng.uniform(0.5, 15) * DAY if step else rng.uniform(0.05, 5) * DAY for step in range(len(path))]
                if is_open:
                    # Open cases moved recently: most deadlines are ahead, some have just passed.
                    last = self.now - min(rng.expovariate(1 / 8), 120) * DAY - rng.uniform(0, 3600)
                    created = last - sum(gaps) - (0 if path else rng.uniform(0, 60) * DAY)
                else:
                    created = FIRST_CASE + rng.random() * (self.now - 30 * DAY - sum(gaps) - FIRST_CASE)
                times = tuple(itertools.accumulate(gaps, initial=created))
                estimate = rng.randrange(50, 5000) * 100
                plans.append((created, enterprise_index, measure_index, status, tuple(path), times, estimate))
        # Ids follow the order of creation, as they do in production.
        plans.sort(key=lambda plan: plan[0])
        self.plans = plans
        self.say(f"{len(plans)} application plans made")

    def _applications(self, cursor) -> None:
        from applications.models import Application, ReferenceSequence

        cursor.execute(f"SELECT year, last FROM {_qn(ReferenceSequence._meta.db_table)}")
        self.references = dict(cursor.fetchall())
        rng = random.Random(self.rng.random())
        utc = datetime.UTC
        columns = [
            "id",
            "reference",
            "enterprise_id",
            "measure_id",
            "district_id",
            "status",
            "status_changed_at",
            "inputs",
            "declarations",
            "estimate_amount",
            "estimate_steps",
            "amount_ceiling",
            "discretionary",
            "proposed_amount",
            "approved_amount",
            "profile_version_id",
            "submitted_at",
            "correction_request",
            "correction_due_on",
            "verification_due_on",
            "sampled",
            "publicity_starts_on",
            "publicity_ends_on",
            "rejection_reason",
            "created_by_id",
            "created_at",
            "updated_at",
            "audit_sequence",
            "audit_hash",
        ]
        heads = self.chain_heads

        def rows():
            for offset, (created, e_index, m_index, status, path, times, estimate) in enumerate(self.plans):
                pk = self.application_id + offset
                enterprise_pk, owner_pk, _district, _email = self.enterprises[e_index]
                measure = self.measures[m_index]
                created_at = datetime.datetime.fromtimestamp(created, utc)
                year = datetime.datetime.fromtimestamp(created, BEIJING).year
                self.references[year] = number = self.references.get(year, 0) + 1
                step_at = dict(zip(path, times[1:], strict=True))
                changed = datetime.datetime.fromtimestamp(times[-1], utc)

                day = functools.partial(_day, step_at)

                proposed = estimate * 9 // 1000 * 100 if "final_review_pass" in step_at else None
                approved = proposed if "finance_approve" in step_at else None
                submitted = step_at.get("submit")
                yield (
                    pk,
                    f"SQ-{year}-{number:06d}",
                    enterprise_pk,
                    measure.id,
                    measure.district_id,
                    status,
                    changed,
                    "{}",
                    '{"truthful": true}' if submitted else "{}",
                    f"{estimate}.00" if submitted else None,
                    "[]",
                    None,
                    False,
                    f"{proposed}.00" if proposed else None,
                    f"{approved}.00" if approved else None,
                    self.version_id + e_index if submitted else None,
                    datetime.datetime.fromtimestamp(submitted, utc) if submitted else None,
                    COMMENTS["return_for_correction"] if "return_for_correction" in step_at else "",
                    day("return_for_correction", 14),
                    day("mark_sampled", 7),
                    "mark_sampled" in step_at,
                    day("start_publicity"),
                    day("start_publicity", 7),
                    COMMENTS["reject"] if status == "rejected" else "",
                    owner_pk,
                    created_at,
                    changed if rng.random() < 0.9 else changed + datetime.timedelta(minutes=5),
                    len(path),
                    heads[32 * offset : 32 * offset + 32].hex() if path and self.hashed else "",
                )

        self.counts["applications"] = _Table(cursor, Application, columns).copy(rows())
        self.say(f"{self.counts['applications']} applications written")

    def _events(self, cursor) -> None:
        from applications.models import Event
        from applications.workflow import AMOUNT_FIELDS

        event_hash = _hasher(self.say)
        utc = datetime.UTC
        # The last event's hash of each case, 32 bytes per case in plan order (a million strings cost far more).
        self.chain_heads = heads = bytearray(32 * len(self.plans))
        self.hashed = event_hash is not None
        self.event_id = _next_id(cursor, Event)
        recent = self.now - 90 * DAY
        self.recent_events = []  # (event id, application id, enterprise index, action label, created_at)
        columns = ["id", "application_id", "actor_id", "action", "action_label", "from_status", "to_status"]
        columns += ["comment", "amount", "amount_field", "created_at", "sequence", "prev_hash", "hash"]
        staff = self.staff

        def rows():
            pk = self.event_id
            for offset, (_created, e_index, m_index, status, path, times, estimate) in enumerate(self.plans):
                application_pk = self.application_id + offset
                owner_pk = self.enterprises[e_index][1]
                measure = self.measures[m_index]
                actors = {
                    "E": owner_pk,
                    "R": staff.reviewers.get(measure.reviewer_department_id) or staff.admins[measure.district_id],
                    "F": staff.finance[measure.district_id],
                    "S": None,
                    "A": staff.admins[measure.district_id],
                }
                proposed = estimate * 9 // 1000 * 100
                amounts = {
                    "submit": estimate,
                    "resubmit": estimate,
                    "final_review_pass": proposed,
                    "finance_approve": proposed,
                    "record_payment": proposed // 2 if status == "disbursing" else proposed,
                }
                current, previous_hash = "draft", ""
                for sequence, (action, at) in enumerate(zip(path, times[1:], strict=True), start=1):
                    label, target, who = self.transitions[action]
                    if action == "record_payment" and status == "disbursing":
                        target = "disbursing"
                    amount = amounts.get(action)
                    fields = {
                        "application_id": application_pk,
                        "actor_id": actors[who],
                        "action": action,
                        "action_label": label,
                        "from_status": current,
                        "to_status": target,
                        "comment": COMMENTS.get(action, ""),
                        "amount": None if amount is None else _yuan(amount),
                        "amount_field": AMOUNT_FIELDS.get(action, ""),
                        "created_at": datetime.datetime.fromtimestamp(at, utc),
                        "sequence": sequence,
                        "prev_hash": previous_hash,
                    }
                    digest = event_hash(fields) if event_hash else ""
                    yield (pk, *fields.values(), digest)
                    if at >= recent:
                        self.recent_events.append((pk, application_pk, e_index, label, fields["created_at"]))
                    current, previous_hash, pk = target, digest, pk + 1
                if previous_hash:
                    heads[32 * offset : 32 * offset + 32] = bytes.fromhex(previous_hash)

        self.counts["events"] = _Table(cursor, Event, columns).copy(rows())
        self.say(f"{self.counts['events']} events written")

    def _payments(self, cursor) -> None:
        from applications.models import Payment

        utc = datetime.UTC

        def rows():
            for offset, (_created, _e, m_index, status, path, times, estimate) in enumerate(self.plans):
                if "record_payment" not in path:
                    continue
                at = times[1 + path.index("record_payment")]
                proposed = estimate * 9 // 1000 * 100
                amount = proposed // 2 if status == "disbursing" else proposed
                application_pk = self.application_id + offset
                yield (
                    application_pk,
                    datetime.datetime.fromtimestamp(at, BEIJING).date(),
                    _yuan(amount),
                    f"BK{application_pk:012d}",
                    self.staff.finance[self.measures[m_index].district_id],
                    datetime.datetime.fromtimestamp(at, utc),
                )

        columns = ["application_id", "paid_on", "amount", "bank_reference", "recorded_by_id", "recorded_at"]
        self.counts["payments"] = _Table(cursor, Payment, columns).copy(rows())
        self.say(f"{self.counts['payments']} payments written")

    def _notices(self, cursor) -> None:
        """The e-mails about the last 90 days' events, sent (the outbox, when the model has one)."""
        from applications import models as app_models

        notice = getattr(app_models, "Notice", None)
        if notice is None:
            self.counts["notices"] = 0
            return

        def rows():
            for event_pk, application_pk, e_index, label, created_at in self.recent_events:
                enterprise_pk, _owner, _district, email = self.enterprises[e_index]
                subject = f"您的申请有新进展：{label}"
                body = f"您好！您的申请已{label}。请登录平台查看详情。"
                yield (
                    "event",
                    "enterprise",
                    application_pk,
                    event_pk,
                    enterprise_pk,
                    json.dumps([email]),
                    subject,
                    body,
                    "sent",
                    1,
                    created_at,
                    created_at + datetime.timedelta(seconds=30),
                )

        columns = ["kind", "audience", "application_id", "event_id", "enterprise_id", "recipients", "subject"]
        columns += ["body", "state", "attempts", "created_at", "sent_at"]
        self.counts["notices"] = _Table(cursor, notice, columns).copy(rows())
        self.say(f"{self.counts['notices']} notices written")

    def _reference_counters(self, cursor) -> None:
        from applications.models import ReferenceSequence

        table = _qn(ReferenceSequence._meta.db_table)
        for year, last in self.references.items():
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = GREATEST(EXCLUDED.last, " + table + ".last)",
                [year, last],
            )


def _day(step_at: dict[str, float], action: str, plus: int = 0) -> datetime.date | None:
    """Return the Beijing date of a case's step, plus some days, or None if the case never took it."""
    at = step_at.get(action)
    if at is None:
        return None
    return datetime.datetime.fromtimestamp(at, BEIJING).date() + datetime.timedelta(days=plus)


def _yuan(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def generate(
    *, enterprises: int, applications: int, seed: int = 2026, now: datetime.datetime | None = None, log=print
) -> dict[str, int]:
    """Add `enterprises` enterprises and `applications` cases with their events; return the rows written per table."""
    if connection.vendor != "postgresql":
        raise RuntimeError("bench.generate writes with PostgreSQL's COPY: point DATABASE_URL at PostgreSQL")
    if enterprises < 1 or applications < 0:
        raise ValueError("Need at least one enterprise")
    generator = _Generator(
        enterprises=enterprises, applications=applications, seed=seed, now=now or timezone.now(), log=log
    )
    return generator.run()


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
    django.setup()
    counts = generate(
        enterprises=int(os.environ.get("BENCH_ENTERPRISES", "100000")),
        applications=int(os.environ.get("BENCH_APPLICATIONS", "1000000")),
    )
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
