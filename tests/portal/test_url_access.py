"""Every URL pattern of the portal, opened by every role: what each one sees, and that a POST it may not make
changes nothing. The table is tests/portal/access_table.py; a pattern missing from it, or an entry naming a pattern
that is gone, fails here by name."""

from __future__ import annotations

import datetime
import functools
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import ProfileForm
from accounts.models import StaffRole, User
from accounts.services import profile_record_version
from applications.models import (
    Application,
    Ban,
    DirectEntry,
    DirectList,
    Event,
    FraudFinding,
    Notice,
    NoticeReceipt,
    Objection,
    Payment,
    ProfileVerification,
    Recovery,
    Rectification,
    ServiceRating,
)
from applications.workflow import Forbidden, apply_transition, services
from contacts.models import ContactPerson, Department, Section
from measures.models import BeneficiaryType, CalendarWarning, District, Measure, PolicyDataLoad, WorkingDayOverride
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    EnterpriseUserFactory,
    StaffUserFactory,
    chaoyang_software_owner,
)

from .access_table import (
    AUDITOR,
    DISTRICT_ADMIN,
    ENTERPRISE_A,
    ENTERPRISE_B,
    FINANCE,
    LOGIN,
    OK,
    REDIRECT,
    REVIEWER_LEAD,
    REVIEWER_OTHER,
    ROLES,
    SUPERUSER,
    TABLE,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OUTCOMES = {200: OK, 400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed"}


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """Yield every pattern of the resolver, by its full name or, when it has none, by its full route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_patterns(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name
        else:
            yield route


@functools.cache
def portal_patterns() -> frozenset[str]:
    return frozenset(url_patterns())


def form_data(form) -> dict:
    """Return what a browser would post for an unbound form: its initial values."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


class World:
    """The objects every URL of the table is built from, and the signed-in sessions of every role."""

    today: datetime.date
    users: dict[str, User]
    sessions: dict[str, str]
    admin_objects: dict[str, object]

    def content_type_of(self, obj) -> int:
        return ContentType.objects.get_for_model(obj).pk

    def admin_form_data(self, obj, **changes) -> dict:
        """Return the admin's own form for the object, filled in as it stands (with `changes`), without inlines."""
        model_admin = admin.site._registry[type(obj)]
        request = RequestFactory().get("/")
        request.user = self.users[SUPERUSER]
        form = model_admin.get_form(request, obj)(instance=obj)
        data = {**form_data(form), **changes}
        for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
            prefix = formset.get_default_prefix()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return data

    def profile_form_data(self) -> dict:
        data = form_data(ProfileForm(instance=self.enterprise_a))
        data.update({"employees": "41", "certifications-TOTAL_FORMS": "0", "certifications-INITIAL_FORMS": "0"})
        return data


def _case(user, measure, status="draft", **fields) -> Application:
    fields.setdefault("inputs", {"persons": "12"})
    return ApplicationFactory(created_by=user, enterprise=user.enterprise, measure=measure, status=status, **fields)


def _attach(application: Application, status: str):
    """Upload a PDF to a draft, then move the case on (files are only added to drafts)."""
    attachment = services.attachment_add(
        application=application, user=application.created_by, upload=SimpleUploadedFile("营业执照.pdf", PDF)
    )
    Application.objects.filter(pk=application.pk).update(status=status, submitted_at=timezone.now())
    application.refresh_from_db()
    return attachment


def build_world() -> World:
    w = World()
    w.today = timezone.localdate()
    chaoyang = District.objects.get(name="朝阳区")

    def measure(number, clause):
        return Measure.objects.get(document__number=number, clause=clause)

    def department(name):
        return Department.objects.get(district=chaoyang, name=name)

    # 朝政办发〔2020〕8号 16. (training subsidy) and 2号 9. / 5. are led by 区人力社保局; 8号 3. by 区发展改革委.
    w.measure = measure("朝政办发〔2020〕8号", "16.")
    w.measure_to_start = measure("朝政办发〔2020〕8号", "3.")
    jobs, fees = measure("朝政办发〔2020〕2号", "9."), measure("朝政办发〔2020〕2号", "5.")
    w.source_name = w.measure.document.source_file
    w.department = department("区人力社保局")

    # Enterprise A meets the conditions of 8号 16. (a small Chaoyang software firm whose revenue fell 85%).
    owner_a = chaoyang_software_owner()
    owner_b = EnterpriseUserFactory()
    finance = StaffUserFactory(role=StaffRole.FINANCE, staff_district=chaoyang, department=department("区财政局"))
    district_admin = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=chaoyang)
    w.users = {
        ENTERPRISE_A: owner_a,
        ENTERPRISE_B: owner_b,
        REVIEWER_LEAD: StaffUserFactory(role=StaffRole.REVIEWER, department=w.department),
        REVIEWER_OTHER: StaffUserFactory(role=StaffRole.REVIEWER, department=department("区发展改革委")),
        FINANCE: finance,
        DISTRICT_ADMIN: district_admin,
        AUDITOR: StaffUserFactory(role=StaffRole.AUDITOR, staff_district=chaoyang),
        SUPERUSER: User.objects.create_superuser("walk-root", "walk-root@example.cn", "x-long-password"),
    }
    w.user_a, w.enterprise_a = owner_a, owner_a.enterprise

    # A: a draft with a file (8号 16., ready to submit) and a submitted case with a file (2号 9.).
    w.draft_a = _case(owner_a, w.measure)
    w.attachment_draft = services.attachment_add(
        application=w.draft_a, user=owner_a, upload=SimpleUploadedFile("营业执照.pdf", PDF)
    )
    w.app_a = _case(owner_a, jobs)
    w.attachment_a = _attach(w.app_a, "submitted")
    w.event_a = Event.objects.create(
        application=w.app_a, actor=owner_a, action="submit", action_label="提交申请", from_status="draft",
        to_status="submitted",
    )  # fmt: skip
    # B: a case under 公示 with an objection, a case in payment, and a submitted one.
    amounts = {"proposed_amount": Decimal("12000.00")}
    w.publicity_b = _case(
        owner_b, w.measure, "publicity", publicity_starts_on=w.today,
        publicity_ends_on=w.today + datetime.timedelta(days=14), **amounts,
    )  # fmt: skip
    w.objection_b = Objection.objects.create(
        application=w.publicity_b, name="市民", contact="13800000000", text="请核实培训人数。"
    )
    w.objection_b.attachment_name, w.objection_b.attachment_type = "考勤表.pdf", "application/pdf"
    w.objection_b.attachment_extension = "pdf"
    w.objection_b.attachment.save("考勤表.pdf", ContentFile(PDF))
    w.paid_b = _case(owner_b, jobs, "disbursing", approved_amount=Decimal("12000.00"), **amounts)
    w.payment_b = Payment.objects.create(
        application=w.paid_b, paid_on=w.today, amount=Decimal("5000.00"), bank_reference="BJ-5000", recorded_by=finance
    )
    w.submitted_b = _case(owner_b, fees, "submitted")
    # B's award under 8号 2. (led by 区发展改革委), revoked after a fraud finding, its money being recovered.
    w.revoked_b = _case(owner_b, measure("朝政办发〔2020〕8号", "2."), "revoked", approved_amount=Decimal("8000.00"))
    w.finding_b = FraudFinding.objects.create(
        application=w.revoked_b,
        evidence="租金减免协议系伪造。",
        decision_number="朝阳区决定〔2026〕8号",
        decision_date=w.today,
        persons_responsible="李四，法定代表人",
        clause_quote="全额收缴",
        recovery_due_on=w.today + datetime.timedelta(days=30),
        recorded_by=district_admin,
    )
    w.recovery_b = Recovery.objects.create(
        finding=w.finding_b,
        application=w.revoked_b,
        enterprise=owner_b.enterprise,
        district=chaoyang,
        amount_due=Decimal("8000.00"),
        due_on=w.finding_b.recovery_due_on,
    )
    w.notice_a = Notice.objects.create(
        kind="event",
        audience="enterprise",
        application=w.app_a,
        event=w.event_a,
        enterprise=w.enterprise_a,
        recipients=[owner_a.email],
        subject="申请已提交",
        body="您的申请已提交。",
    )
    w.receipt_a = NoticeReceipt.objects.create(notice=w.notice_a, user=owner_a, created_at=w.notice_a.created_at)
    # B's award under 2号 9., approved by finance: the event its 批准决定书 is printed from.
    w.approval_b = Event.objects.create(
        application=w.paid_b, actor=finance, action="finance_approve", action_label="财政审批通过",
        from_status="finance_review", to_status="approved", amount=Decimal("12000.00"),
    )  # fmt: skip
    w.ban = Ban.objects.create(
        enterprise=EnterpriseFactory(),
        district=chaoyang,
        starts_on=w.today,
        ends_on=w.today + datetime.timedelta(days=3 * 365),
        decision_number="朝阳区决定〔2026〕1号",
        decision_date=w.today,
        reason="虚报培训人数骗取补贴。",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
        created_by=district_admin,
    )

    # 免申即享: a fixed award of 8号 led by 区人力社保局, marked, whose list (generated by the department's head) waits
    # for approval; A has an offer of 2号 5. from an approved list, on the profile the district administrator verified.
    w.direct_measure = Measure.objects.create(
        document=w.measure.document, key="walk-direct", order=99, clause="99.", title="免申即享巡检措施",
        text="对认定的企业给予一次性奖励1万元。", monetary=True, rule_kind="fixed_amount",
        rule_params={"amount": "10000"}, rule_cap_period="once", direct_award=True,
    )  # fmt: skip
    w.direct_measure.lead_departments.add(w.department)
    head = StaffUserFactory(role=StaffRole.REVIEWER, department=w.department, is_head=True)
    w.direct_list = DirectList.objects.create(measure=w.direct_measure, on=w.today, generated_by=head)
    version = profile_record_version(enterprise=w.enterprise_a, user=owner_a)
    w.verification = ProfileVerification.objects.create(
        enterprise=w.enterprise_a,
        version=version or w.enterprise_a.profile_versions.order_by("-number").first(),
        district=chaoyang,
        evidence="纳税申报表核对一致。",
        verified_by=district_admin,
    )
    offers = DirectList.objects.create(
        measure=fees, on=w.today, generated_by=head, state=DirectList.State.APPROVED,
        decided_by=w.users[REVIEWER_LEAD], decided_at=timezone.now(), due_on=w.today + datetime.timedelta(days=14),
    )  # fmt: skip
    w.offer_a = DirectEntry.objects.create(
        direct_list=offers, enterprise=w.enterprise_a, state=DirectEntry.State.OFFERED, verification=w.verification,
        profile_version=w.verification.version, amount=Decimal("5000.00"), due_on=offers.due_on,
        offered_at=timezone.now(),
    )  # fmt: skip

    # 好差评: B rated its disbursed award under 2号 9. (led by 区人力社保局) 非常不满意; the department's head answers.
    w.rating_b = ServiceRating.objects.create(
        application=w.paid_b, stage="decision", level=1, comment="等待太久。", department=w.department,
        rated_by=owner_b,
    )  # fmt: skip
    w.rectification = Rectification.objects.create(
        rating=w.rating_b, department=w.department, due_on=w.today + datetime.timedelta(days=21)
    )

    sign_in = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "10.0.0.8",
        "username": "someone@example.cn",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
        "attempt_time": timezone.now(),
    }
    interval = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    w.admin_objects = {
        "auth.group": Group.objects.create(name="审核组"),
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="access walk", task="applications.tasks.noop", interval=interval
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(clocked_time=timezone.now()),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="10", hour="0"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=Decimal("39.9"), longitude=Decimal("116.4")
        ),
        "django_celery_beat.intervalschedule": interval,
        "accounts.user": owner_a,
        "accounts.enterprise": owner_a.enterprise,
        "measures.district": chaoyang,
        "measures.policydocument": w.measure.document,
        "measures.measure": w.measure,
        "measures.beneficiarytype": BeneficiaryType.objects.order_by("pk").first(),
        "measures.policydataload": PolicyDataLoad.objects.order_by("pk").first(),
        "measures.workingdayoverride": WorkingDayOverride.objects.create(
            date=datetime.date(2027, 1, 4), is_working_day=False, name="元旦调休"
        ),
        "measures.calendarwarning": CalendarWarning.objects.create(year=2027),
        "contacts.department": w.department,
        "contacts.section": Section.objects.order_by("pk").first(),
        "contacts.contactperson": ContactPerson.objects.order_by("pk").first(),
        "axes.accessattempt": AccessAttempt.objects.create(**sign_in, failures_since_start=2),
        "axes.accesslog": AccessLog.objects.create(**sign_in),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**sign_in),
        # The lead reviewer's authenticator app (two-factor sign-in for staff).
        "otp_totp.totpdevice": TOTPDevice.objects.create(
            user=w.users[REVIEWER_LEAD], name="身份验证器", confirmed=True
        ),
    }

    w.sessions = {}
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Every request renews its session, but the walk rolls each one back: keep the sessions valid however long
    # the module takes (staff sessions otherwise end STAFF_SESSION_IDLE_SECONDS after signing in).
    Session.objects.filter(session_key__in=w.sessions.values()).update(
        expire_date=timezone.now() + datetime.timedelta(days=1)
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, policy_snapshot, tmp_path_factory):
    """Build the objects once for the module, in a transaction rolled back at its end; each test is a savepoint."""
    private = tmp_path_factory.mktemp("private-media")
    with django_db_blocker.unblock(), override_settings(PRIVATE_MEDIA_ROOT=private):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            policy_snapshot.restore_if_flushed()
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def db(world):
    """Undo whatever a test wrote with a savepoint in the module's transaction.

    This replaces pytest-django's `db` for this module: its per-test set-up costs more than most requests of the
    walk. It keeps the name so that pytest-django still creates the test database for these tests.
    """
    savepoint = transaction.savepoint()
    yield
    transaction.savepoint_rollback(savepoint)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def outcome(response) -> str:
    if 300 <= response.status_code < 400:
        path = urlsplit(response["Location"]).path
        return LOGIN if path in (reverse("accounts:login"), reverse("admin:login")) else REDIRECT
    return OUTCOMES.get(response.status_code, f"HTTP {response.status_code}")


def describe(response) -> str:
    where = f" to {response['Location']}" if response.has_header("Location") else ""
    return f"HTTP {response.status_code}{where}"


def _walk(method: str):
    for pattern, cases in sorted(TABLE.items()):
        for case in cases:
            expected = case.get if method == "get" else case.post
            if expected is None:
                continue
            for role in ROLES:
                if expected[role] is not None:
                    label = f"[{case.label}]" if case.label else ""
                    yield pytest.param(pattern, case, role, id=f"{pattern}{label}-{role}")


def _check_pattern(pattern: str) -> None:
    if pattern not in portal_patterns():
        pytest.fail(f"the access table has an entry for {pattern!r}, which is no longer a URL pattern of the portal")


def test_every_url_pattern_has_a_table_entry():
    missing = sorted(portal_patterns() - set(TABLE))
    assert not missing, "URL patterns without an entry in tests/portal/access_table.py: " + ", ".join(missing)


def test_every_table_entry_names_a_url_pattern():
    stale = sorted(set(TABLE) - portal_patterns())
    assert not stale, "entries of tests/portal/access_table.py that match no URL pattern: " + ", ".join(stale)


@pytest.mark.parametrize(("pattern", "case", "role"), list(_walk("get")))
def test_get(world, db, pattern, case, role):
    _check_pattern(pattern)
    url = case.url(world)
    response = client_for(world, role).get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # reading a file to the end closes it
    assert outcome(response) == case.get[role], f"GET {url} ({pattern}) as {role}: {describe(response)}"


@pytest.mark.parametrize(("pattern", "case", "role"), list(_walk("post")))
def test_post(world, db, pattern, case, role):
    _check_pattern(pattern)
    url, data = case.url(world), case.data(world)
    before = case.probe(world) if case.probe else None
    client = client_for(world, role)
    if case.json:
        response = client.post(url, json.dumps(data), content_type="application/json")
    else:
        response = client.post(url, data)
    assert outcome(response) == case.post[role], f"POST {url} ({pattern}) as {role}: {describe(response)}"
    if case.probe:
        after = case.probe(world)
        if role in case.changes:
            assert after != before, f"POST {url} ({pattern}) as {role} should have changed something and did not"
        else:
            assert after == before, f"POST {url} ({pattern}) as {role} changed {before!r} into {after!r}"


def test_a_superuser_without_a_staff_role_cannot_act_in_the_workflow(world, db):
    with pytest.raises(Forbidden):
        apply_transition(application_id=world.app_a.pk, action="accept", actor=world.users[SUPERUSER])
    world.app_a.refresh_from_db()
    assert world.app_a.status == "submitted" and not world.app_a.events.filter(action="accept").exists()


@pytest.mark.parametrize(
    ("role", "offered"), [(SUPERUSER, False), (AUDITOR, False), (REVIEWER_OTHER, True), (REVIEWER_LEAD, True)]
)
def test_the_admin_offers_the_transition_actions_only_to_the_role_that_may_act(world, db, role, offered):
    client = client_for(world, role)
    changelist = client.get(reverse("admin:applications_application_changelist"))
    action_form = changelist.context["action_form"]  # None when there is no action at all
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert ("do_accept" in actions) is offered and any(a.startswith("do_") for a in actions) is offered
    change = client.get(reverse("admin:applications_application_change", args=[world.app_a.pk]))
    accept = reverse("admin:applications_application_transition", args=[world.app_a.pk, "accept"])
    if role == REVIEWER_OTHER:
        assert change.status_code == 302  # the case is not theirs to see at all
    else:
        page = change.content.decode()
        assert change.status_code == 200 and (accept in page) is offered
        assert (accept.removesuffix("accept/") in page) is offered  # no action at all for the others


def test_a_superuser_cannot_apply_a_transition_from_the_changelist(world, db):
    data = {"action": "do_accept", "_selected_action": [world.app_a.pk, world.submitted_b.pk], "apply": "1"}
    client_for(world, SUPERUSER).post(reverse("admin:applications_application_changelist"), data)
    statuses = set(Application.objects.filter(pk__in=[world.app_a.pk, world.submitted_b.pk]).values_list("status"))
    assert statuses == {("submitted",)}


def test_the_lead_reviewer_applies_the_same_bulk_action(world, db):
    data = {"action": "do_accept", "_selected_action": [world.app_a.pk, world.submitted_b.pk], "apply": "1"}
    data |= {
        f"seen_{case.pk}": case.audit_sequence for case in Application.objects.filter(pk__in=data["_selected_action"])
    }
    client_for(world, REVIEWER_LEAD).post(reverse("admin:applications_application_changelist"), data)
    statuses = set(Application.objects.filter(pk__in=[world.app_a.pk, world.submitted_b.pk]).values_list("status"))
    assert statuses == {("under_review",)}


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.FINANCE, StaffRole.DISTRICT_ADMIN, StaffRole.AUDITOR])
def test_another_districts_staff_find_no_decision_letter(world, db, role):
    """The table's staff are all of Chaoyang: a member of Mentougou's staff, in each role (a reviewer of the same
    department's name, its head), gets a 404 for a Chaoyang case's 批准决定书, as for any case it may not see."""
    mentougou = District.objects.get(name="门头沟区")
    department = Department.objects.filter(district=mentougou, name=world.department.name).first()
    person = StaffUserFactory(role=role, staff_district=mentougou, department=department, is_head=True)
    client = Client()
    client.force_login(person)
    letter = reverse("applications:letter", args=[world.paid_b.pk, world.approval_b.pk])
    assert client.get(letter).status_code == 404
    assert client_for(world, ENTERPRISE_B).get(letter)["Content-Type"] == "application/pdf"  # the letter is there
