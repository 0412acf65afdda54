"""Working days: China's official calendar, with its holidays and make-up working days (调休).

The calendar comes from the `chinesecalendar` package (国务院办公厅's yearly notices, 2004 to its last year). The
admin's `WorkingDayOverride` rows take precedence over it: they correct a day, or enter a year the installed
package does not know yet. In a year that neither covers, Monday to Friday are working days (a warning is logged
once per year and process, and `measures.tasks.check_working_day_calendar` mails the administrators in time).

Every "N working days" period of the portal (review limits, 公示, verification, corrections) is counted here.
A `WorkingCalendar` loads the overrides of whole years in one query and keeps them, so a sweep that computes many
deadlines makes one query per year it touches; the module-level functions use a fresh one per call, so an
administrator's correction counts at once.
"""

import datetime
import logging
from collections.abc import Mapping

from chinese_calendar import constants as official
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ONE_DAY = datetime.timedelta(days=1)
OFFICIAL_YEARS = range(min(official.holidays).year, max(official.holidays).year + 1)

_warned_years: set[int] = set()


def _official_is_working_day(day: datetime.date) -> bool:
    if day in official.workdays:
        return True
    return day.weekday() < 5 and day not in official.holidays


class WorkingCalendar:
    """The official calendar plus the overrides, loaded a whole year at a time and kept for this object's life.

    Pass `overrides` ({date: is_working_day}) to use exactly those and never touch the database.
    """

    def __init__(self, overrides: Mapping[datetime.date, bool] | None = None) -> None:
        self._fixed = overrides is not None
        self._overrides: dict[datetime.date, bool] = dict(overrides or {})
        self._loaded_years: set[int] = set()

    def load(self, first_year: int, last_year: int) -> None:
        """Load the overrides of the years first_year..last_year not loaded yet, in one query."""
        missing = [year for year in range(first_year, last_year + 1) if year not in self._loaded_years]
        if self._fixed or not missing:
            return
        from .models import WorkingDayOverride

        rows = WorkingDayOverride.objects.filter(
            date__gte=datetime.date(min(missing), 1, 1), date__lte=datetime.date(max(missing), 12, 31)
        ).values_list("date", "is_working_day")
        for day, working in rows:
            self._overrides.setdefault(day, working)
        self._loaded_years.update(range(min(missing), max(missing) + 1))

    def is_working_day(self, day: datetime.date) -> bool:
        """Return whether day is a working day: an override first, then the official calendar, then Mon–Fri."""
        self.load(day.year, day.year)
        if day in self._overrides:
            return self._overrides[day]
        if day.year in OFFICIAL_YEARS:
            return _official_is_working_day(day)
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "No official holiday calendar for %s (chinesecalendar covers %s-%s) and no override for %s: "
                "counting Monday to Friday as working days. Enter the year's holidays in the admin (工作日调整).",
                day.year,
                OFFICIAL_YEARS.start,
                OFFICIAL_YEARS.stop - 1,
                day,
            )
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """Return the date n working days after start (start itself not counted); n < 0 counts backwards."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        # Load every year the answer can reach at once: n working days never span more than 2n + 30 calendar days.
        reach = start + step * (2 * abs(n) + 30)
        self.load(min(start, reach).year, max(start, reach).year)
        day, remaining = start, abs(n)
        while remaining:
            day += step
            remaining -= self.is_working_day(day)
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Return the number of working days after start up to and including end (negative if end < start).

        The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        self.load(start.year, end.year)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def working_period_end(self, start: datetime.date, n: int) -> datetime.date:
        """Return the last day of a period of n working days that begins on start (counted if a working day)."""
        if n <= 0:
            return start
        return self.add_working_days(start, n - 1 if self.is_working_day(start) else n)


def is_working_day(day: datetime.date) -> bool:
    """Return whether day is a working day (see WorkingCalendar.is_working_day)."""
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """Return the date n working days after start, start itself not counted."""
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Return the number of working days after start up to and including end."""
    return WorkingCalendar().working_days_between(start, end)


def working_period_end(start: datetime.date, n: int) -> datetime.date:
    """Return the last day of a period of n working days beginning on start."""
    return WorkingCalendar().working_period_end(start, n)


def known_years() -> list[int]:
    """Return the years whose holidays are known: those of the package and those with any override row."""
    from .models import WorkingDayOverride

    overridden = WorkingDayOverride.objects.dates("date", "year")
    return sorted(set(OFFICIAL_YEARS) | {day.year for day in overridden})


def calendar_warning_send(*, year: int) -> bool:
    """Mail the administrators, once, that the holidays of year are unknown; return whether mail went out.

    The CalendarWarning row is locked while mailing, so two workers never both send; if the mail fails, nothing is
    recorded and the next run tries again.
    """
    from .models import CalendarWarning

    if year in known_years():
        return False
    recipients = [address for _name, address in settings.ADMINS]
    if not recipients:
        logger.warning("The holiday calendar of %s is missing and ADMINS is empty: nobody can be told.", year)
        return False
    CalendarWarning.objects.get_or_create(year=year)
    with transaction.atomic():
        warning = CalendarWarning.objects.select_for_update().get(year=year)
        if warning.sent_at is not None:
            return False
        context = {"year": year, "last": OFFICIAL_YEARS.stop - 1}
        subject = _("请录入%(year)s年的节假日和调休安排") % context
        body = (
            _(
                "%(year)s年的法定节假日和调休上班日尚未录入：平台使用的 chinesecalendar 只覆盖到%(last)s年，"
                "管理后台的“工作日调整”中也没有%(year)s年的记录。\n\n"
                "国务院办公厅公布%(year)s年的放假安排后，请在管理后台“工作日调整”中逐日录入放假日和调休上班日，"
                "或升级 chinesecalendar 包。录入之前，%(year)s年的周一至周五都按工作日计算，"
                "审核时限、公示期等以工作日计算的期限可能不准确。"
            )
            % context
        )
        send_mail(subject, body, None, recipients)
        warning.sent_at = timezone.now()
        warning.save(update_fields=["sent_at"])
    return True


def years_to_check(today: datetime.date) -> list[int]:
    """Return the years whose calendar must be known by today: this year, and next year from November on.

    The State Council publishes next year's holidays around November, so an earlier warning could not be acted on.
    """
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]
