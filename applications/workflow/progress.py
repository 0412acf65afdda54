"""A case's road to the money as its enterprise sees it: six stages (提交 → 预审 → 终审 → 公示 → 财政审批 → 拨付),
each with the date it was completed (from the case's events) or, for the stage the case is at and those after it,
the date it should be completed by on the official working-day calendar (measures.workdays).

The expected dates are the latest the time limits allow, counted from the day the case entered its present state:
公示 lasts the working days the measure's document states (`Measure.publicity_working_days`), else the portal's
default; every other step is allowed the portal's working-day limit for whoever the case waits for
(`REVIEW_LIMIT_WORKING_DAYS`, the limit past which reviewers and finance are reminded); a case returned for correction
waits for the enterprise until its correction deadline, a sampled case for its verification deadline. A step that has
overrun its limit is marked so, and the stages after it are counted from today.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from measures.workdays import WorkingCalendar

from ..models import Application, Event, Status
from .transitions import DEFAULT_PUBLICITY_WORKING_DAYS, VERIFICATION_WORKING_DAYS

# Context "stage": a stage's name is a noun ("Submission", "Public announcement"), not the button or menu item
# with the same Chinese.
STAGES = [
    ("submit", pgettext_lazy("stage", "提交")),
    ("pre_review", pgettext_lazy("stage", "预审")),
    ("final_review", pgettext_lazy("stage", "终审")),
    ("publicity", pgettext_lazy("stage", "公示")),
    ("finance", pgettext_lazy("stage", "财政审批")),
    ("payment", pgettext_lazy("stage", "拨付")),
]
SUBMIT, PRE_REVIEW, FINAL_REVIEW, PUBLICITY, FINANCE, PAYMENT = range(len(STAGES))
ALL_DONE = len(STAGES)

# The stage a case in each open status is at: the first one it has not completed.
POSITION = {
    Status.DRAFT: SUBMIT,
    Status.SUBMITTED: PRE_REVIEW,
    Status.RESUBMITTED: PRE_REVIEW,
    Status.RETURNED: PRE_REVIEW,
    Status.UNDER_REVIEW: FINAL_REVIEW,
    Status.REVIEWED: PUBLICITY,
    Status.VERIFICATION: PUBLICITY,
    Status.PUBLICITY: PUBLICITY,
    Status.FINANCE_REVIEW: FINANCE,
    Status.APPROVED: PAYMENT,
    Status.DISBURSING: PAYMENT,
    Status.DISBURSED: ALL_DONE,
    Status.CLOSED: ALL_DONE,
}


@dataclass
class Stage:
    key: str
    label: str
    state: str  # "done", "current", "upcoming", or "stopped" (the case ended at this stage)
    reached_on: datetime.date | None = None  # when it was completed
    expected_on: datetime.date | None = None  # when it should be completed by, at the latest
    basis: str = ""  # what the expected date is counted by
    note: str = ""
    overdue: bool = False


@dataclass
class Progress:
    stages: list[Stage]
    ended: str = ""  # how a case that stopped on the way ended (未通过, 已撤回, …)

    @property
    def current(self) -> Stage | None:
        return next((s for s in self.stages if s.state in ("current", "stopped")), None)


def completions(events: Iterable[Event]) -> dict[int, datetime.date]:
    """Return, by stage, the day the case last completed it. A step back (a return for correction, an objection,
    finance sending a case back) undoes the stages it goes back over: they are completed again later."""
    done: dict[int, datetime.date] = {}
    for event in events:
        # An event that opens a case from no state (免申即享: the enterprise confirms an offer) completes every
        # stage before the one it opens the case at.
        before = SUBMIT if not event.from_status else POSITION.get(event.from_status)
        after = POSITION.get(event.to_status)
        if before is None or after is None or before == after:
            continue
        if after > before:
            for stage in range(before, after):
                done[stage] = timezone.localdate(event.created_at)
        else:
            for stage in range(after, ALL_DONE):
                done.pop(stage, None)
    return done


class _Limits:
    """The working-day periods of one case's measure, and the counting of dates on the calendar."""

    def __init__(self, application: Application, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.review = settings.REVIEW_LIMIT_WORKING_DAYS
        stated = application.measure.publicity_working_days
        self.publicity = stated or DEFAULT_PUBLICITY_WORKING_DAYS
        self.review_basis = _("按办理时限 %(n)s 个工作日（平台默认）") % {"n": self.review}
        if stated:
            self.publicity_basis = _("公示 %(n)s 个工作日（政策文件规定）") % {"n": stated}
        else:
            self.publicity_basis = _("公示 %(n)s 个工作日（平台默认）") % {"n": self.publicity}

    def after(self, day: datetime.date, n: int | None = None) -> datetime.date:
        return self.calendar.add_working_days(day, self.review if n is None else n)

    def publicity_end(self, waiting_from: datetime.date) -> datetime.date:
        """Return the last day of a 公示 that starts within the limit after waiting_from."""
        return self.calendar.working_period_end(self.after(waiting_from), self.publicity)

    def upcoming(self, stage: int, previous: datetime.date) -> tuple[datetime.date, str]:
        """Return when a stage not yet begun should be completed, if the one before it completes on `previous`."""
        if stage == PUBLICITY:
            return self.publicity_end(previous), self.publicity_basis
        if stage == FINANCE:  # the case reaches finance the day after its 公示 ends
            return self.after(previous + datetime.timedelta(days=1)), self.review_basis
        return self.after(previous), self.review_basis


def _current(application: Application, limits: _Limits, today: datetime.date) -> tuple[datetime.date, str, str]:
    """Return when the stage the case is at should be completed, what that is counted by, and a note."""
    entered = timezone.localdate(application.status_changed_at)
    status = application.status
    if status == Status.DRAFT:
        deadline = application.apply_by or application.measure.window_closes
        note = _("草稿尚未提交。")
        return deadline, (_("申报截止日期") if deadline else ""), note
    if status == Status.RETURNED:
        due = application.correction_due_on or today
        note = _("退回补正：请于 %(date)s 前补正并重新提交。") % {"date": due.isoformat()}
        return limits.after(due), _("补正截止日期后，按办理时限 %(n)s 个工作日") % {"n": limits.review}, note
    if status == Status.VERIFICATION:
        due = application.verification_due_on or limits.after(entered, VERIFICATION_WORKING_DAYS)
        note = _("抽查核实中，核实截止日期 %(date)s。") % {"date": due.isoformat()}
        return limits.publicity_end(due), limits.publicity_basis, note
    if status == Status.REVIEWED:
        return limits.publicity_end(entered), limits.publicity_basis, _("审核通过，等待公示。")
    if status == Status.PUBLICITY and application.publicity_ends_on:
        start, end = application.publicity_starts_on or entered, application.publicity_ends_on
        note = _("公示期：%(start)s 至 %(end)s。") % {"start": start.isoformat(), "end": end.isoformat()}
        return end, limits.publicity_basis, note
    note = ""
    if status == Status.DISBURSING:
        note = _("已部分拨付，其余款项待拨付。")
    return limits.after(entered), limits.review_basis, note


def _stopped_at(events: list[Event]) -> int:
    """Return the stage a case that ended on the way ended at (where its last event took it from)."""
    last = events[-1] if events else None
    position = POSITION.get(last.from_status) if last is not None else None
    return min(position if position is not None else SUBMIT, PAYMENT)


def _ended(application: Application, stages: list[Stage], events: list[Event], done: dict) -> Progress:
    """Return the stages of a case that ended on the way: done up to where it stopped, the rest not to come."""
    stopped_at = _stopped_at(events)
    for index, stage in enumerate(stages):
        if index in done or index < stopped_at:
            stage.state = "done"
        else:
            stage.state = "stopped" if index == stopped_at else "cancelled"
    return Progress(stages, ended=application.get_status_display())


def case_progress(
    application: Application,
    events: Iterable[Event] | None = None,
    *,
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Progress:
    """Return the case's stages: done with their dates, the current one and those ahead with their expected dates."""
    today = today or timezone.localdate()
    events = list(application.events.order_by("sequence") if events is None else events)
    done = completions(events)
    position = POSITION.get(application.status)
    reached = ALL_DONE if position is None else position  # a case moved by hand may lack the events of a stage
    stages = [
        Stage(key, str(label), "done" if i in done or i < reached else "upcoming", done.get(i))
        for i, (key, label) in enumerate(STAGES)
    ]
    if position is None:  # rejected, withdrawn, lapsed, revoked
        return _ended(application, stages, events, done)
    if position == ALL_DONE:
        return Progress(stages)
    limits = _Limits(application, calendar or WorkingCalendar())
    current = stages[position]
    current.state = "current"
    current.expected_on, current.basis, current.note = _current(application, limits, today)
    cursor = today if application.status == Status.DRAFT else current.expected_on
    if cursor < today:  # overrun: what follows can only start from today
        current.overdue, cursor = True, today
    for index in range(position + 1, ALL_DONE):
        stage = stages[index]
        stage.state = "upcoming"
        stage.expected_on, stage.basis = limits.upcoming(index, cursor)
        cursor = stage.expected_on
    return Progress(stages)
