"""The scheduled sweeps: reminders before a deadline, cases waiting past their working-day limit and escalated, the
daily digest and the end of a ban. Each reminder is e-mailed once, however often the sweep runs."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffRole
from applications.deadlines.reminders import end_expired_bans, send_daily_digests, sweep_deadlines
from applications.models import Ban, Notice, NoticeKind
from applications.workflow import apply_transition
from measures.models import Measure
from measures.workdays import add_working_days, is_working_day, working_days_between
from tests.applications.conftest import TODAY, department
from tests.factories import ApplicationFactory, EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BEIJING)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(at(TODAY), tick=True):
        yield


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a sweep for a day and let Celery (eager) send what it wrote, as after the commit."""

    def run(day: datetime.date, job=sweep_deadlines):
        with django_capture_on_commit_callbacks(execute=True):
            return job(today=day)

    return run


def mail_to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if user.email in m.to]


def subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


@pytest.fixture
def closing_in(measure, make_application):
    """Return the owner's draft of a measure whose application window closes in n days."""

    def make(n: int):
        measure.window_closes = days(n)
        measure.save(update_fields=["window_closes"])
        return make_application("draft")

    return make


def waiting_since(make_application, status: str, working_days_ago: int, **fields):
    entered = add_working_days(TODAY, -working_days_ago)
    return make_application(status, status_changed_at=at(entered), **fields)


# Drafts whose application window closes.


@pytest.mark.parametrize(
    ("n", "kind"),
    [(7, NoticeKind.DRAFT_CLOSING_7), (3, NoticeKind.DRAFT_CLOSING_3), (1, NoticeKind.DRAFT_CLOSING_1)],
)
def test_it_reminds_the_owner_of_a_draft_before_the_window_closes(run, closing_in, owner, mailoutbox, n, kind):
    draft = closing_in(n)
    run(TODAY)
    [email] = mailoutbox
    assert email.to == [owner.email]
    assert email.subject == f"提醒：申请 {draft.reference} 尚未提交，申报期 {days(n).isoformat()} 截止"
    assert f"距截止还有 {n} 天" in email.body
    assert f"http://testserver/applications/{draft.pk}/edit/" in email.body
    assert list(draft.notices.values_list("kind", flat=True)) == [kind]


def test_a_second_sweep_writes_and_sends_nothing_more(run, closing_in, mailoutbox):
    draft = closing_in(7)
    run(TODAY)
    stats = run(TODAY)
    assert stats.get("drafts_written", 0) == 0
    assert len(mailoutbox) == 1 and draft.notices.count() == 1


def test_a_draft_ten_days_from_the_close_gets_nothing(run, closing_in, mailoutbox):
    draft = closing_in(10)
    run(TODAY)
    assert mailoutbox == [] and not draft.notices.exists()


def test_each_step_is_sent_once_as_the_close_approaches(run, closing_in, mailoutbox):
    draft = closing_in(7)
    for day in [TODAY, days(1), days(4), days(5), days(6), days(7)]:
        run(day)
    assert [re.search(r"距截止还有 (\d) 天", m.body)[1] for m in mailoutbox] == ["7", "3", "1"]
    assert draft.notices.count() == 3


def test_a_submitted_case_gets_no_draft_reminder(run, measure, make_application, mailoutbox):
    measure.window_closes = days(3)
    measure.save(update_fields=["window_closes"])
    make_application("submitted")
    run(TODAY)
    assert mailoutbox == []


# Cases returned for correction.


@pytest.mark.parametrize(("n", "kind"), [(3, NoticeKind.CORRECTION_DUE_3), (1, NoticeKind.CORRECTION_DUE_1)])
def test_it_reminds_the_enterprise_of_the_correction_deadline(run, make_application, owner, mailoutbox, n, kind):
    case = make_application("returned", correction_due_on=days(n), correction_request="请补充培训人员花名册")
    run(TODAY)
    [email] = mail_to(mailoutbox, owner)
    assert email.subject == f"提醒：申请 {case.reference} 的补正期限 {days(n).isoformat()} 即将届满"
    assert "请补充培训人员花名册" in email.body and f"距截止还有 {n} 天" in email.body
    assert case.notices.get().kind == kind


def test_on_the_last_day_of_the_correction_period_the_case_stays_returned(run, make_application):
    case = make_application("returned", correction_due_on=TODAY, correction_request="补充名单")
    run(TODAY)
    case.refresh_from_db()
    assert case.status == "returned"


def test_after_the_correction_deadline_the_sweep_lapses_the_case(run, client, make_application, owner, mailoutbox):
    case = make_application("returned", correction_due_on=days(-1), correction_request="补充名单")
    stats = run(TODAY)
    run(TODAY)
    case.refresh_from_db()
    assert stats["lapsed"] == 1 and case.status == "lapsed"
    assert subjects(mail_to(mailoutbox, owner)) == [f"申请 {case.reference}：逾期未补正，视为放弃"]
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "逾期未补正，视为放弃" in page and "逾期视为放弃" in page


# Cases waiting for the staff: the working-day limit, then the escalation.


def test_a_case_waiting_six_working_days_reminds_the_lead_departments_reviewers_once(
    run, make_application, reviewer, other_reviewer, finance, mailoutbox
):
    case = waiting_since(make_application, "submitted", 6)
    run(TODAY)
    run(TODAY)
    [email] = mailoutbox
    assert email.to == [reviewer.email]
    assert email.subject == f"超时提醒：申请 {case.reference} 已超过 5 个工作日未办理"
    assert "已等待 6 个工作日" in email.body
    assert f"http://testserver/admin/applications/application/{case.pk}/change/" in email.body


def test_a_case_waiting_five_working_days_is_not_yet_overdue(run, make_application, reviewer, mailoutbox):
    waiting_since(make_application, "submitted", 5)
    run(TODAY)
    assert mailoutbox == []


def test_a_sweep_over_more_cases_runs_no_more_queries(run, measure, reviewer, mailoutbox):
    """Each chunk reads its cases, their measures and documents in a fixed number of queries, however many cases."""
    other = Measure.objects.get(document__number="朝政办发〔2020〕2号", clause="9.")  # also 区人力社保局's

    def sweep_over(n: int) -> int:
        Notice.objects.all().delete()
        mailoutbox.clear()
        for i in range(n):
            ApplicationFactory(
                status="submitted",
                measure=(measure, other)[i % 2],
                created_by=EnterpriseUserFactory(),
                status_changed_at=at(add_working_days(TODAY, -6)),
            )
        with CaptureQueriesContext(connection) as queries:
            run(TODAY)
        return len(queries.captured_queries)

    few = sweep_over(2)
    many = sweep_over(8)
    assert many == few
    assert len(mailoutbox) == 10 and all(m.to == [reviewer.email] for m in mailoutbox)
    bodies = " ".join(m.body for m in mailoutbox)
    assert "朝政办发〔2020〕8号 16." in bodies and "朝政办发〔2020〕2号 9." in bodies


def test_a_chunk_written_a_few_cases_at_a_time_reminds_each_case_once(run, measure, reviewer, mailoutbox, monkeypatch):
    """A chunk's reminders are built and written a slice of its cases at a time (bounded memory at a million cases):
    every case of the chunk is still reminded once, naming its enterprise, however the chunk is sliced."""
    from applications.deadlines import reminders

    monkeypatch.setattr(reminders, "WRITE_SLICE", 2)
    cases = [
        ApplicationFactory(
            status="submitted",
            measure=measure,
            created_by=EnterpriseUserFactory(),
            status_changed_at=at(add_working_days(TODAY, -6)),
        )
        for _ in range(5)
    ]
    counts = run(TODAY)
    run(TODAY)
    assert counts["waiting_scanned"] == counts["waiting_written"] == 5
    assert sorted(m.subject for m in mailoutbox) == sorted(
        f"超时提醒：申请 {case.reference} 已超过 5 个工作日未办理" for case in cases
    )
    for case in cases:
        [email] = [m for m in mailoutbox if case.reference in m.subject]
        assert email.to == [reviewer.email] and f"{case.enterprise.name} 的申请 {case.reference}" in email.body


@pytest.fixture
def head(chaoyang):
    """The head of 区人力社保局, the department that leads the measure."""
    return StaffUserFactory(role=StaffRole.REVIEWER, department=department(chaoyang, "区人力社保局"), is_head=True)


def escalations(mailoutbox) -> list:
    return [m for m in mailoutbox if m.subject.startswith("上报：")]


def test_after_ten_working_days_past_the_limit_the_head_is_told(
    run, make_application, reviewer, head, district_admin, mailoutbox
):
    case = waiting_since(make_application, "under_review", 11)
    run(TODAY)
    run(TODAY)
    [escalation] = escalations(mailoutbox)
    assert escalation.to == [head.email]
    assert escalation.subject == f"上报：申请 {case.reference} 已超过 10 个工作日未办理"
    assert "现报部门负责人督办" in escalation.body
    assert reviewer.email in [to for m in mailoutbox if m.subject.startswith("超时提醒") for to in m.to]


def test_ten_working_days_are_not_yet_escalated(run, make_application, reviewer, head, mailoutbox):
    waiting_since(make_application, "under_review", 10)
    run(TODAY)
    assert escalations(mailoutbox) == [] and len(mailoutbox) == 2  # the reminder, to the reviewer and the head


def test_without_a_head_the_escalation_goes_to_the_district_admins(
    run, make_application, reviewer, district_admin, mentougou, mailoutbox
):
    elsewhere = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=mentougou)
    waiting_since(make_application, "submitted", 11)
    run(TODAY)
    [escalation] = escalations(mailoutbox)
    assert escalation.to == [district_admin.email]
    assert mail_to(mailoutbox, elsewhere) == []


def test_a_case_waiting_for_finance_reminds_the_districts_finance(
    run, make_application, reviewer, finance, other_finance, mailoutbox
):
    case = waiting_since(make_application, "finance_review", 6)
    run(TODAY)
    [email] = mailoutbox
    assert email.to == [finance.email] and case.reference in email.subject


def test_national_day_does_not_count_as_waiting_time(run, make_application, reviewer, mailoutbox):
    # chinesecalendar 1.11.0 knows 2026: 1–7 October off, Saturday 10 October a make-up working day.
    assert not is_working_day(datetime.date(2026, 10, 5)) and is_working_day(datetime.date(2026, 10, 10))
    entered = datetime.date(2026, 9, 29)
    assert working_days_between(entered, datetime.date(2026, 10, 12)) == 5
    case = make_application("submitted", status_changed_at=at(entered))
    run(datetime.date(2026, 10, 9))
    run(datetime.date(2026, 10, 12))
    assert mailoutbox == []
    run(datetime.date(2026, 10, 13))
    [email] = mailoutbox
    assert case.reference in email.subject and "已于 2026-10-12 届满" in email.body


def test_a_case_reminded_in_one_state_is_reminded_again_when_it_waits_too_long_in_the_next(
    run, make_application, reviewer, mailoutbox
):
    case = waiting_since(make_application, "submitted", 6)
    run(TODAY)
    apply_transition(application_id=case.pk, action="accept", actor=reviewer)
    run(add_working_days(TODAY, 5))
    assert len(mailoutbox) == 1
    run(add_working_days(TODAY, 6))
    assert [m.subject for m in mailoutbox] == [f"超时提醒：申请 {case.reference} 已超过 5 个工作日未办理"] * 2
    assert "预审通过，终审中" in mailoutbox[1].body


# Where the reminders show.


def test_the_reminder_shows_in_the_timeline_on_the_enterprise_page(run, client, closing_in, owner):
    draft = closing_in(7)
    run(TODAY)
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    section = page[page.index("通知和提醒") :]
    assert "草稿：申报期7天后截止" in section and f"提醒：申请 {draft.reference} 尚未提交" in section
    assert "已发送" in section


def test_the_enterprise_does_not_see_the_staffs_reminders(run, client, make_application, owner, reviewer):
    case = waiting_since(make_application, "submitted", 6)
    run(TODAY)
    client.force_login(owner)
    page = client.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "超时提醒" not in page and "超过办理时限" not in page


def test_staff_find_the_reminders_in_the_admin(run, client, make_application, reviewer, other_reviewer):
    case = waiting_since(make_application, "submitted", 6)
    run(TODAY)
    changelist = reverse("admin:applications_notice_changelist")
    client.force_login(reviewer)
    assert f"超时提醒：申请 {case.reference}" in client.get(changelist).content.decode()
    client.force_login(other_reviewer)
    assert case.reference not in client.get(changelist).content.decode()


# The daily digest.


@pytest.fixture
def queue(make_application, measure):
    """An overdue case of the owner and a fresh case of another enterprise, both waiting for the reviewer."""
    overdue = waiting_since(make_application, "submitted", 6)
    fresh = ApplicationFactory(status="submitted", measure=measure, created_by=EnterpriseUserFactory())
    return overdue, fresh


def digests_to(mailoutbox, user) -> list:
    return [m for m in mail_to(mailoutbox, user) if "待办汇总" in m.subject]


def test_the_daily_digest_lists_the_queue_with_the_overdue_count(run, queue, reviewer, mailoutbox):
    overdue, fresh = queue
    run(TODAY, send_daily_digests)
    [digest] = digests_to(mailoutbox, reviewer)
    assert digest.subject == "2026-11-23 待办汇总：2 件，其中超时 1 件"
    lines = {line.split()[1]: line for line in digest.body.splitlines() if line.startswith("- ")}
    assert "【超时】" in lines[overdue.reference] and "【超时】" not in lines[fresh.reference]


def test_the_digest_is_sent_once_a_day(run, queue, reviewer, mailoutbox):
    run(TODAY, send_daily_digests)
    run(TODAY, send_daily_digests)
    assert len(digests_to(mailoutbox, reviewer)) == 1
    run(days(1), send_daily_digests)
    assert [m.subject[:10] for m in digests_to(mailoutbox, reviewer)] == ["2026-11-23", "2026-11-24"]


def test_no_digest_for_an_empty_queue(run, queue, reviewer, other_reviewer, finance, mailoutbox):
    run(TODAY, send_daily_digests)
    assert digests_to(mailoutbox, other_reviewer) == [] and digests_to(mailoutbox, finance) == []
    assert Notice.objects.filter(kind=NoticeKind.DIGEST).count() == 1


# The end of a ban.


def ban(owner, district, ends_on: datetime.date) -> Ban:
    return Ban.objects.create(
        enterprise=owner.enterprise,
        district=district,
        starts_on=datetime.date(2023, 11, 1),
        ends_on=ends_on,
        decision_number="朝财监〔2023〕7号",
        decision_date=datetime.date(2023, 11, 1),
        reason="弄虚作假骗取奖励补贴",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )


def test_the_enterprise_is_told_once_that_its_ban_has_ended(run, owner, chaoyang, mailoutbox):
    ban(owner, chaoyang, ends_on=days(-1))
    run(TODAY, end_expired_bans)
    run(TODAY, end_expired_bans)
    run(days(1), end_expired_bans)
    [email] = mailoutbox
    assert email.to == [owner.email]
    assert email.subject == "禁止申请期已届满：贵企业可再次申请朝阳区的补贴奖励资金"
    assert "2023-11-01 至 2026-11-22" in email.body and "朝财监〔2023〕7号" in email.body


def test_nothing_is_sent_while_the_ban_goes_on(run, owner, chaoyang, mailoutbox):
    ban(owner, chaoyang, ends_on=TODAY)
    run(TODAY, end_expired_bans)
    assert mailoutbox == []


def test_bans_in_two_districts_ending_the_same_day_are_each_told_of(run, owner, chaoyang, mentougou, mailoutbox):
    ban(owner, chaoyang, ends_on=days(-1))
    ban(owner, mentougou, ends_on=days(-1))
    run(TODAY, end_expired_bans)
    run(TODAY, end_expired_bans)
    assert sorted(subjects(mailoutbox)) == [
        "禁止申请期已届满：贵企业可再次申请朝阳区的补贴奖励资金",
        "禁止申请期已届满：贵企业可再次申请门头沟区的补贴奖励资金",
    ]
    for district in ("朝阳区", "门头沟区"):
        [body] = [m.body for m in mailoutbox if district in m.subject]
        assert f"不得申请{district}各类补贴奖励资金" in body


def test_two_bans_in_one_district_ending_the_same_day_are_one_email(run, owner, chaoyang, mailoutbox):
    ban(owner, chaoyang, ends_on=days(-1))
    ban(owner, chaoyang, ends_on=days(-1))
    run(TODAY, end_expired_bans)
    run(days(1), end_expired_bans)
    assert subjects(mailoutbox) == ["禁止申请期已届满：贵企业可再次申请朝阳区的补贴奖励资金"]


# Notices without a case in the admin: one's own digest, the district's ended bans.


def change_link(notice: Notice) -> str:
    return reverse("admin:applications_notice_change", args=[notice.pk])


def notices_page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("admin:applications_notice_changelist")).content.decode()


def test_a_reviewer_finds_their_own_digest_in_the_admin_and_not_a_colleagues(run, client, queue, reviewer):
    colleague = StaffUserFactory(role=StaffRole.REVIEWER, department=reviewer.department)
    run(TODAY, send_daily_digests)
    own, colleagues = (Notice.objects.get(kind=NoticeKind.DIGEST, user=user) for user in (reviewer, colleague))
    page = notices_page(client, reviewer)
    assert change_link(own) in page and change_link(colleagues) not in page
    assert client.get(change_link(colleagues)).status_code == 302  # as for a notice that does not exist


@pytest.fixture
def mentougou_admin(mentougou):
    return StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=mentougou)


@pytest.fixture
def superuser(db):
    return StaffUserFactory(is_superuser=True)


@pytest.mark.parametrize(
    ("who", "sees_chaoyangs", "sees_mentougous"),
    [
        ("district_admin", True, False),
        ("auditor", True, False),
        ("mentougou_admin", False, True),
        ("superuser", True, True),
        ("reviewer", False, False),
        ("finance", False, False),
    ],
)
def test_the_end_of_a_ban_shows_in_the_admin_to_its_districts_administrators_and_auditors(
    request, run, client, owner, chaoyang, mentougou, who, sees_chaoyangs, sees_mentougous
):
    ban(owner, chaoyang, ends_on=days(-1))
    ban(owner, mentougou, ends_on=days(-1))
    run(TODAY, end_expired_bans)
    in_chaoyang, in_mentougou = (Notice.objects.get(ban__district=d) for d in (chaoyang, mentougou))
    page = notices_page(client, request.getfixturevalue(who))
    assert (change_link(in_chaoyang) in page, change_link(in_mentougou) in page) == (sees_chaoyangs, sees_mentougous)
