"""Working days follow China's official calendar (holidays, 调休), with the admin's overrides first."""

import datetime
import logging

import pytest

from measures import workdays
from measures.models import CalendarWarning, WorkingDayOverride
from measures.workdays import (
    OFFICIAL_YEARS,
    WorkingCalendar,
    add_working_days,
    calendar_warning_send,
    is_working_day,
    known_years,
    working_days_between,
    working_period_end,
    years_to_check,
)

D = datetime.date.fromisoformat
BEYOND = OFFICIAL_YEARS.stop  # the first year the installed chinesecalendar does not know


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2020-01-19", True),  # Sunday, 调休 working day before the Spring Festival
        ("2020-01-24", False),  # 除夕
        ("2020-01-31", False),  # the Spring Festival extended by 国办发明电〔2020〕1号
        ("2020-02-01", False),  # a make-up Saturday, cancelled by the extension
        ("2020-02-02", False),
        ("2020-02-03", True),
        ("2020-09-27", True),  # Sunday, 调休 for National Day
        ("2020-10-01", False),
        ("2020-10-08", False),  # National Day and Mid-Autumn, eight days
        ("2020-10-09", True),
        ("2020-10-10", True),  # Saturday, 调休
        ("2020-10-11", False),
    ],
)
@pytest.mark.django_db
def test_it_follows_the_official_calendar(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.django_db
def test_five_working_days_of_publicity_skip_national_day():
    assert add_working_days(D("2020-09-28"), 5) == D("2020-10-12")


@pytest.mark.django_db
def test_working_days_between_is_the_inverse_of_adding():
    start = D("2020-01-20")
    assert working_days_between(start, add_working_days(start, 10)) == 10
    assert working_days_between(add_working_days(start, 10), start) == -10


@pytest.mark.django_db
def test_it_counts_backwards():
    assert add_working_days(D("2020-10-09"), -1) == D("2020-09-30")


@pytest.mark.django_db
def test_a_period_beginning_on_a_holiday_starts_on_the_next_working_day():
    assert working_period_end(D("2020-10-01"), 1) == D("2020-10-09")


@pytest.mark.django_db
def test_an_override_wins_over_the_package():
    WorkingDayOverride.objects.create(date=D("2020-10-09"), is_working_day=False, name="临时放假")
    assert not is_working_day(D("2020-10-09"))
    assert add_working_days(D("2020-09-30"), 1) == D("2020-10-10")


@pytest.mark.django_db
def test_a_year_beyond_the_package_rests_at_weekends_and_warns_once(caplog, monkeypatch):
    monkeypatch.setattr(workdays, "_warned_years", set())
    monday = datetime.date(BEYOND, 1, 1) + datetime.timedelta(days=7 - datetime.date(BEYOND, 1, 1).weekday())
    with caplog.at_level(logging.WARNING, logger="measures.workdays"):
        assert is_working_day(monday) and not is_working_day(monday - datetime.timedelta(days=1))
    assert len(caplog.records) == 1 and str(BEYOND) in caplog.messages[0]


@pytest.mark.django_db
def test_overrides_enter_a_year_beyond_the_package():
    holiday, makeup = datetime.date(BEYOND, 10, 1), datetime.date(BEYOND, 10, 1) - datetime.timedelta(days=1)
    WorkingDayOverride.objects.create(date=holiday, is_working_day=False, name="国庆节")
    WorkingDayOverride.objects.create(date=makeup, is_working_day=True, name="调休上班")
    assert not is_working_day(holiday) and is_working_day(makeup)
    assert BEYOND in known_years()


@pytest.mark.django_db
def test_a_range_costs_one_query_whatever_its_length(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_days_between(D("2020-12-01"), D("2021-02-26")) > 50


@pytest.mark.django_db
def test_a_calendar_keeps_what_it_loaded(django_assert_num_queries):
    calendar = WorkingCalendar()
    with django_assert_num_queries(1):
        for day in range(1, 29):
            calendar.add_working_days(datetime.date(2020, 2, day), 5)


def test_a_calendar_with_given_overrides_needs_no_database():
    calendar = WorkingCalendar(overrides={D("2020-10-12"): False})
    assert calendar.add_working_days(D("2020-09-28"), 5) == D("2020-10-13")


@pytest.mark.parametrize(("today", "years"), [("2026-06-30", [2026]), ("2026-11-01", [2026, 2027])])
def test_next_year_is_checked_from_november(today, years):
    assert years_to_check(D(today)) == years


@pytest.mark.django_db
def test_it_mails_the_administrators_once_about_a_missing_year(settings, mailoutbox):
    settings.ADMINS = [("运维", "ops@example.cn")]
    assert calendar_warning_send(year=BEYOND) is True
    assert calendar_warning_send(year=BEYOND) is False
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ops@example.cn"]
    assert str(BEYOND) in mailoutbox[0].subject and "工作日调整" in mailoutbox[0].body
    assert CalendarWarning.objects.get(year=BEYOND).sent_at is not None


@pytest.mark.django_db
def test_it_does_not_mail_about_a_year_the_overrides_cover(settings, mailoutbox):
    settings.ADMINS = [("运维", "ops@example.cn")]
    WorkingDayOverride.objects.create(date=datetime.date(BEYOND, 1, 1), is_working_day=False, name="元旦")
    assert calendar_warning_send(year=BEYOND) is False and mailoutbox == []


@pytest.mark.django_db
def test_without_administrators_it_records_nothing(settings, mailoutbox):
    settings.ADMINS = []
    assert calendar_warning_send(year=BEYOND) is False
    assert not CalendarWarning.objects.exists()
