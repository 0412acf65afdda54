"""Working days. For now every Monday to Friday is a working day; China's official holiday calendar, with its
make-up working days (调休), replaces `is_working_day` in a later issue."""

import datetime

ONE_DAY = datetime.timedelta(days=1)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """Return the date n working days after the given day (the day itself not counted)."""
    while n > 0:
        day += ONE_DAY
        n -= is_working_day(day)
    return day


def working_period_end(start: datetime.date, n: int) -> datetime.date:
    """Return the last day of a period of n working days that begins on start (counted if it is a working day)."""
    if n <= 0:
        return start
    return add_working_days(start, n - 1) if is_working_day(start) else add_working_days(start, n)
