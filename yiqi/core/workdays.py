"""Working days on the Chinese statutory calendar (weekends off, public holidays off, make-up days on).

``chinesecalendar`` knows the years the State Council has published. For later dates we fall back to
Monday–Friday without the public holidays whose dates are fixed by law (New Year's Day, Labour Day, the first three
days of National Day) and report that the result is an estimate: the movable holidays (Spring Festival, Qingming,
Dragon Boat, Mid-Autumn) and the make-up working days are only known once the State Council publishes them.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    estimated: bool  # True when part of the count fell outside the published calendar


# (month, day) of the public holidays fixed by the State Council's rules whatever the year.
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def calendar_last_day() -> dt.date:
    """The last day the installed calendar data covers (the end of its last published year)."""
    return dt.date(max(chinese_calendar.holidays).year, 12, 31)


def is_fixed_date_holiday(day: dt.date) -> bool:
    return (day.month, day.day) in FIXED_DATE_HOLIDAYS


@lru_cache(maxsize=20_000)
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, was the published calendar used). Cached: chinesecalendar scans its tables per call."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5 and not is_fixed_date_holiday(day), False


@lru_cache(maxsize=20_000)
def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    """The date ``days`` working days after ``start`` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, remaining, estimated = start, days, False
    while remaining:
        day += dt.timedelta(days=1)
        working, known = is_workday(day)
        estimated = estimated or not known
        if working:
            remaining -= 1
    return WorkdayResult(day, estimated)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day)[0]:
            count += 1
    return count
