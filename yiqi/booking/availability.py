"""Calendar arithmetic of self-operation: open periods in local time, statutory holidays, free and busy time.

Open hours are minutes after local midnight (Asia/Shanghai), whatever the server's own time zone is; every
instant handed around here is timezone-aware, and intervals are half-open ``[start, end)``.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import gcd
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core.memo import remembering
from yiqi.core.workdays import is_fixed_date_holiday, is_workday
from yiqi.registry.scoping import can_serve

from .models import (
    ACTIVE_STATES,
    SLOT_HOLDING_STATES,
    Blackout,
    Booking,
    OpenHours,
    ServiceSettings,
    WaitlistEntry,
)

Interval = tuple[dt.datetime, dt.datetime]
# No booking may be longer than this (ServiceSettings.max_booking_minutes' validator): it bounds the index scan
# for bookings that started before a window and reach into it.
MAX_BOOKING_SPAN = dt.timedelta(days=14)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def as_local(moment: dt.datetime) -> dt.datetime:
    """The instant in Asia/Shanghai; a naive value is taken to be Shanghai time already."""
    zone = local_zone()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())


def settings_or_defaults(instrument) -> ServiceSettings:
    """The settings for reading: the stored row, or unsaved defaults (a page view writes nothing). No query when
    the caller read the instrument with ``select_related("service_settings")``."""
    if type(instrument).service_settings.is_cached(instrument):
        return getattr(instrument, "service_settings", None) or ServiceSettings(instrument=instrument)
    row = ServiceSettings.objects.filter(instrument=instrument).first()
    if (
        remembering()
    ):  # a read request: the page's other panels ask again, and nothing it does changes the row
        type(instrument).service_settings.related.set_cached_value(instrument, row)
    return row or ServiceSettings(instrument=instrument)


def format_minutes(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=4096)
def is_statutory_holiday(day: dt.date) -> bool:
    """A public holiday on the State Council's calendar (not an ordinary weekend, not a make-up working day).

    In years the calendar does not know yet only the fixed-date holidays are known (``core.workdays``).
    """
    if is_workday(day)[0]:
        return False
    try:
        _off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return is_fixed_date_holiday(day)
    return name is not None


def local_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """Every local date that the interval ``[start, end)`` touches."""
    first = as_local(start).date()
    last = as_local(end - dt.timedelta(microseconds=1)).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with touching and overlapping intervals joined (so 22:00–24:00 and 00:00–08:00 make a night)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Sequence[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    result = list(intervals)
    for cut_start, cut_end in cuts:
        pieces = []
        for start, end in result:
            if cut_end <= start or cut_start >= end:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        result = pieces
    return result


def clip(intervals: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]


def covers(intervals: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> bool:
    return any(s <= start and end <= e for s, e in intervals)


def minutes_of(intervals: Iterable[Interval]) -> int:
    return sum(int((e - s).total_seconds()) // 60 for s, e in intervals)


def open_periods(
    hours: Iterable[tuple[int, int, int]], start: dt.datetime, end: dt.datetime, *, skip_holidays: bool
) -> list[Interval]:
    """Open time around ``[start, end)`` from weekly ``(weekday, start_minute, end_minute)`` periods, merged.

    Periods are not clipped to the window, so a booking can be tested against a whole overnight opening.
    With ``skip_holidays`` statutory holidays are closed all day.
    """
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for weekday, first_minute, last_minute in hours:
        by_weekday.setdefault(weekday, []).append((first_minute, last_minute))
    if not by_weekday:
        return []
    days = local_days(start - dt.timedelta(days=1), end + dt.timedelta(days=1))
    periods = []
    for day in days:
        if skip_holidays and is_statutory_holiday(day):
            continue
        midnight = local_midnight(day)
        for first_minute, last_minute in by_weekday.get(day.weekday(), ()):
            periods.append(
                (
                    (midnight + dt.timedelta(minutes=first_minute)).astimezone(dt.UTC),
                    (midnight + dt.timedelta(minutes=last_minute)).astimezone(dt.UTC),
                )
            )
    return merge(periods)


def weekly_hours(instrument) -> list[tuple[int, int, int]]:
    return list(
        OpenHours.objects.filter(instrument=instrument).values_list("weekday", "start_minute", "end_minute")
    )


def blackouts_between_query(instrument, start: dt.datetime, end: dt.datetime):
    return Blackout.objects.filter(instrument=instrument, starts_at__lt=end, ends_at__gt=start)


def blackouts_between(instrument, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return list(
        blackouts_between_query(instrument, start, end)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def held_bookings_between(instrument, start: dt.datetime, end: dt.datetime, *, plus_active_of=None):
    """Slot-holding bookings overlapping ``[start, end)``, in one indexed query (callers pick the columns).

    With ``plus_active_of`` (a user) the same query also returns that user's active bookings of any instrument.
    """
    wanted = Q(instrument=instrument, status__in=SLOT_HOLDING_STATES)
    if plus_active_of is not None:
        wanted |= Q(user=plus_active_of, status__in=ACTIVE_STATES)
    return Booking.objects.filter(
        wanted,
        starts_at__gte=start - MAX_BOOKING_SPAN,
        starts_at__lt=end,
        ends_at__gt=start,
    ).order_by("starts_at")


def live_offers_between(instrument, start: dt.datetime, end: dt.datetime, now: dt.datetime):
    """Waitlist offers overlapping ``[start, end)`` still open at ``now``: the window is kept for the offered
    user until the offer expires."""
    return WaitlistEntry.objects.filter(
        instrument=instrument,
        status=WaitlistEntry.Status.OFFERED,
        offer_expires_at__gt=now,
        starts_at__lt=end,
        ends_at__gt=start,
    ).order_by("starts_at")


# --- the slot grid: bookable times run in slots counted from the start of each open period ---------------------


def period_holding(periods: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> Interval | None:
    """The (merged) open period that holds all of ``[start, end)``, if one does."""
    return next(((s, e) for s, e in periods if s <= start and end <= e), None)


def align_up(period: Interval, moment: dt.datetime, slot: int) -> dt.datetime:
    """The first slot boundary of ``period`` at or after ``moment`` (the period's start if ``moment`` is before it)."""
    anchor, step = period[0], dt.timedelta(minutes=slot)
    if moment <= anchor:
        return anchor
    offset = (moment - anchor) % step
    return moment + (step - offset) if offset else moment


def align_down(period: Interval, moment: dt.datetime, slot: int) -> dt.datetime:
    """The last slot boundary of ``period`` at or before ``moment``; the period's own end counts as one."""
    anchor, closing = period
    if moment >= closing:
        return closing
    return moment - (moment - anchor) % dt.timedelta(minutes=slot)


def is_on_grid(period: Interval, moment: dt.datetime, slot: int) -> bool:
    return moment == period[1] or not (moment - period[0]) % dt.timedelta(minutes=slot)


def grid_examples(
    period: Interval, moment: dt.datetime, slot: int, *, ends: bool = False, count: int = 3
) -> str:
    """A few valid start (or end) times of ``period``'s grid from just before ``moment``, for a refusal message:
    ``08:30、09:30、10:30``."""
    step = dt.timedelta(minutes=slot)
    moment_on_grid = align_down(period, moment, slot)
    if ends and moment_on_grid == period[0]:
        moment_on_grid += step  # a booking cannot end where the period opens
    times = []
    while len(times) < count:
        if ends:
            moment_on_grid = min(moment_on_grid, period[1])
        elif moment_on_grid >= period[1]:
            break
        times.append(f"{as_local(moment_on_grid):%H:%M}")
        if moment_on_grid == period[1]:
            break
        moment_on_grid += step
    return "、".join(times)


def grid_step_minutes(hours: Iterable[tuple[int, int, int]], slot: int) -> int:
    """The finest step every slot boundary of the week falls on, in minutes after midnight: the time inputs'
    ``step`` and the calendar's snap (an 08:30 opening with 60-minute slots gives 30)."""
    step = slot
    for _weekday, first_minute, _last_minute in hours:
        step = gcd(step, first_minute)
    return step


def bookable_window(
    period: Interval, free_start: dt.datetime, free_end: dt.datetime, *, slot: int, earliest: dt.datetime
) -> Interval | None:
    """The part of a free stretch inside ``period`` that can be booked: from its first slot boundary not before
    ``earliest`` (now plus the lead time) to its last boundary; None when not even one slot fits."""
    start = align_up(period, max(free_start, earliest), slot)
    end = align_down(period, free_end, slot)
    return (start, end) if end > start else None


@dataclass(frozen=True)
class BusyPeriod:
    start: dt.datetime
    end: dt.datetime
    mine: bool
    booking_id: int | None  # only for the user's own bookings, or for the instrument's service staff
    label: str


@dataclass(frozen=True)
class Availability:
    open: list[Interval]
    busy: list[BusyPeriod]
    periods: list[Interval]  # the open periods whose starts anchor the slot grid (not clipped to the window)
    slot_minutes: int
    earliest: dt.datetime  # now plus the lead time: nothing starts before it
    min_minutes: int
    max_minutes: int

    def bookable_part(self, free_start: dt.datetime, free_end: dt.datetime) -> Interval | None:
        """The booking a free stretch offers: from its first bookable slot start, as long as the grid and the
        longest booking allow; None when no booking fits."""
        period = period_holding(self.periods, free_start, free_end)
        if period is None:
            return None
        window = bookable_window(period, free_start, free_end, slot=self.slot_minutes, earliest=self.earliest)
        if window is None or window[1] - window[0] < dt.timedelta(minutes=self.min_minutes):
            return None
        longest = align_down(period, window[0] + dt.timedelta(minutes=self.max_minutes), self.slot_minutes)
        return window[0], min(window[1], longest)


def availability(instrument, start: dt.datetime, end: dt.datetime, *, access: Access) -> Availability:
    """Free and busy time of one instrument in ``[start, end)``; other users' identities are never revealed.

    ``open`` is open hours minus closed holidays minus blackouts, clipped to the window; ``busy`` is every
    slot-holding booking that touches it; ``periods`` anchor the slot grid. Four queries whatever the window's
    length.
    """
    conf = settings_or_defaults(instrument)
    hours = weekly_hours(instrument)
    periods = open_periods(hours, start, end, skip_holidays=conf.closed_on_holidays)
    free = clip(subtract(periods, blackouts_between(instrument, start, end)), start, end)
    staff = can_serve(access, instrument)
    statuses = {value: str(label) for value, label in Booking._meta.get_field("status").flatchoices}
    taken = _("已被预约")
    busy = []
    for booking_id, user_id, status, starts_at, ends_at in held_bookings_between(
        instrument, start, end
    ).values_list("id", "user_id", "status", "starts_at", "ends_at"):
        mine = access.user_id is not None and user_id == access.user_id
        if mine:
            label = _("我的预约（%(status)s）") % {"status": statuses[status]}
        else:
            label = statuses[status] if staff else taken
        busy.append(BusyPeriod(starts_at, ends_at, mine, booking_id if mine or staff else None, label))
    return Availability(
        open=free,
        busy=busy,
        # The grid is counted as the booking rules count it: from each weekly period's start, holidays or not.
        periods=open_periods(hours, start, end, skip_holidays=False),
        slot_minutes=conf.slot_minutes,
        earliest=timezone.now() + dt.timedelta(hours=conf.lead_time_hours),
        min_minutes=conf.min_booking_minutes,
        max_minutes=conf.max_booking_minutes,
    )
