"""The stepper of a case's stages (提交 → 预审 → 终审 → 公示 → 财政审批 → 拨付): the date each was completed, and for the
stage the case is at and those after it, the date it should be completed by on the working-day calendar."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from applications.models import Event
from applications.workflow import apply_transition
from applications.workflow.progress import case_progress

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
# Monday 28 September 2026: before the National Day holidays (1-7 October) and Saturday 10 October, a working day.
SUBMITTED_ON = datetime.date(2026, 9, 28)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ)


@pytest.fixture
def submitted(make_application):
    """A case of 8号 16. (no 公示 period stated) submitted at noon on SUBMITTED_ON."""
    application = make_application(
        "submitted",
        submitted_at=noon(SUBMITTED_ON),
        status_changed_at=noon(SUBMITTED_ON),
        estimate_amount=Decimal("12000.00"),
        amount_ceiling=Decimal("12000.00"),
    )
    with time_machine.travel(noon(SUBMITTED_ON), tick=False):
        Event.objects.create(
            application=application,
            action="submit",
            action_label="提交申请",
            from_status="draft",
            to_status="submitted",
        )
    return application


def act(application, day, action, actor, **kwargs):
    with time_machine.travel(noon(day), tick=False):
        return apply_transition(application_id=application.pk, action=action, actor=actor, **kwargs)


def stages(application, today):
    application.refresh_from_db()
    return {stage.key: stage for stage in case_progress(application, today=today).stages}


def test_a_submitted_case_shows_when_each_stage_is_expected_on_the_working_day_calendar(submitted):
    shown = stages(submitted, SUBMITTED_ON)
    assert shown["submit"].state == "done" and shown["submit"].reached_on == SUBMITTED_ON
    assert shown["pre_review"].state == "current"
    # Five working days: 29, 30 September, then (after the holidays) 8, 9 and Saturday 10 October.
    assert shown["pre_review"].expected_on == datetime.date(2026, 10, 10)
    assert shown["final_review"].expected_on == datetime.date(2026, 10, 16)
    # 公示 starts within five working days of the final review and lasts the portal's default five.
    assert shown["publicity"].expected_on == datetime.date(2026, 10, 29) and "平台默认" in shown["publicity"].basis


def test_a_completed_stage_shows_the_day_it_was_completed(submitted, reviewer):
    act(submitted, datetime.date(2026, 10, 9), "accept", reviewer)
    shown = stages(submitted, datetime.date(2026, 10, 9))
    assert shown["pre_review"].state == "done" and shown["pre_review"].reached_on == datetime.date(2026, 10, 9)
    assert shown["final_review"].state == "current"
    assert shown["final_review"].expected_on == datetime.date(2026, 10, 15)  # Saturday 10 October counts


def test_a_stage_past_its_limit_is_marked_and_the_rest_counted_from_today(submitted):
    shown = stages(submitted, datetime.date(2026, 10, 20))
    assert shown["pre_review"].overdue and shown["pre_review"].expected_on == datetime.date(2026, 10, 10)
    assert shown["final_review"].expected_on == datetime.date(2026, 10, 27)


def test_a_return_for_correction_waits_for_the_enterprise_then_counts_the_review_again(submitted, reviewer):
    act(submitted, datetime.date(2026, 10, 12), "return_for_correction", reviewer, comment="请补充培训名单。")
    submitted.refresh_from_db()
    shown = stages(submitted, datetime.date(2026, 10, 12))
    assert submitted.correction_due_on.isoformat() in shown["pre_review"].note
    assert shown["pre_review"].expected_on > submitted.correction_due_on


def test_the_measures_own_publicity_period_is_used(submitted, reviewer, measure):
    measure.publicity_working_days = 7
    measure.save(update_fields=["publicity_working_days"])
    act(submitted, datetime.date(2026, 10, 9), "accept", reviewer)
    act(submitted, datetime.date(2026, 10, 16), "final_review_pass", reviewer, amount=Decimal("12000"))
    publicity = stages(submitted, datetime.date(2026, 10, 16))["publicity"]
    # Starts by 23 October at the latest and lasts seven working days: 23, 26-30 October and 2 November.
    assert publicity.expected_on == datetime.date(2026, 11, 2) and "7 个工作日（政策文件规定）" in publicity.basis


def test_every_stage_of_a_paid_case_has_its_date(submitted, reviewer, district_admin, finance):
    act(submitted, datetime.date(2026, 10, 9), "accept", reviewer)
    act(submitted, datetime.date(2026, 10, 16), "final_review_pass", reviewer, amount=Decimal("12000"))
    act(submitted, datetime.date(2026, 10, 19), "start_publicity", reviewer)
    submitted.refresh_from_db()
    act(submitted, submitted.publicity_ends_on + datetime.timedelta(days=1), "end_publicity", district_admin)
    act(submitted, datetime.date(2026, 10, 30), "finance_approve", finance)
    act(
        submitted, datetime.date(2026, 11, 3), "record_payment", finance,
        amount=Decimal("12000"), paid_on=datetime.date(2026, 11, 3), bank_reference="BJ-12000",
    )  # fmt: skip
    shown = stages(submitted, datetime.date(2026, 11, 4))
    assert all(stage.state == "done" for stage in shown.values())
    assert shown["publicity"].reached_on == submitted.publicity_ends_on + datetime.timedelta(days=1)
    assert shown["finance"].reached_on == datetime.date(2026, 10, 30)
    assert shown["payment"].reached_on == datetime.date(2026, 11, 3)


def test_an_objection_sends_the_case_back_and_the_review_is_to_be_completed_again(submitted, reviewer):
    act(submitted, datetime.date(2026, 10, 9), "accept", reviewer)
    act(submitted, datetime.date(2026, 10, 16), "final_review_pass", reviewer, amount=Decimal("12000"))
    act(submitted, datetime.date(2026, 10, 19), "start_publicity", reviewer)
    act(submitted, datetime.date(2026, 10, 20), "object", None, comment="异议人：市民（13800000000）。人数不实。")
    shown = stages(submitted, datetime.date(2026, 10, 20))
    assert shown["pre_review"].state == "done" and shown["final_review"].state == "current"
    assert shown["final_review"].reached_on is None


def test_a_rejected_case_ends_at_the_stage_it_was_rejected_in(submitted, reviewer):
    act(submitted, datetime.date(2026, 10, 9), "reject", reviewer, comment="不符合条件。")
    submitted.refresh_from_db()
    progress = case_progress(submitted, today=datetime.date(2026, 10, 9))
    states = [stage.state for stage in progress.stages]
    assert progress.ended == "未通过" and states == ["done", "stopped", *["cancelled"] * 4]


def test_the_case_page_shows_the_stepper(client, owner, submitted):
    client.force_login(owner)
    with time_machine.travel(noon(SUBMITTED_ON), tick=False):
        page = client.get(submitted.get_absolute_url()).content.decode()
    assert 'class="stepper"' in page and "2026-09-28 完成" in page and "预计不晚于 2026-10-10" in page


def test_a_case_opened_at_publicity_has_the_stages_before_it_completed_that_day(make_application):
    application = make_application("publicity", publicity_ends_on=datetime.date(2026, 10, 9))
    with time_machine.travel(noon(SUBMITTED_ON), tick=False):
        Event.objects.create(
            application=application, action="offer_confirm", action_label="确认免申即享奖励，进入公示",
            from_status="", to_status="publicity",
        )  # fmt: skip
    shown = stages(application, SUBMITTED_ON)
    assert [shown[key].reached_on for key in ("submit", "pre_review", "final_review")] == [SUBMITTED_ON] * 3
    assert shown["publicity"].state == "current" and shown["publicity"].expected_on == datetime.date(2026, 10, 9)
