import datetime

from applications.calendar import add_working_days, working_period_end

FRIDAY = datetime.date(2026, 11, 27)


def test_it_skips_the_weekend():
    assert add_working_days(FRIDAY, 1) == datetime.date(2026, 11, 30)


def test_five_working_days_from_a_monday_end_on_friday():
    assert working_period_end(datetime.date(2026, 11, 23), 5) == FRIDAY


def test_a_period_starting_on_saturday_begins_on_monday():
    assert working_period_end(datetime.date(2026, 11, 28), 1) == datetime.date(2026, 11, 30)
