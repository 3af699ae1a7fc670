"""From samples to hours: states, intervals, daily hours and the verified hours of usage records.

Per instrument the samples of all its devices, in time order, are turned into states (a reported state as it is;
otherwise the signal against the profile's thresholds, with hysteresis while running), a new state is accepted only
after it has lasted the minimum dwell (and then dates from its first sample), and no sample for ``gap_seconds`` ends
the interval one sample period after the last sample. Closed intervals are appended to ``StateInterval``; the open
one is kept in ``InstrumentMonitor``.

Late or out-of-order samples mark their device dirty from their time; the roll-up then goes back to the interval
that held that time, supersedes it and everything after, and derives them again from the samples.

``roll_up`` does it for every dirty instrument at once in set operations (``derivation``): a dozen statements
whatever the number of instruments, no loop over instruments or samples in Python.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from yiqi.usage.models import UsageRecord

from . import derivation as sql
from .models import (
    DailyHours,
    Device,
    InstrumentMonitor,
    MachineState,
    MonitoringProfile,
    StateInterval,
    seconds_to_hours,
)

RUNNING, STANDBY, OFF = MachineState.RUNNING, MachineState.STANDBY, MachineState.OFF
LOCAL = ZoneInfo(settings.TIME_ZONE)
DEFAULT_PROFILE = MonitoringProfile()  # the model's defaults, for instruments without a profile of their own
TEMP_TABLES = ("mr_marks", "mr_start", "mr_runs", "mr_blocks", "mr_intervals", "mr_monitor", "mr_calendar")
LOCK_KEY = 1_307_013  # PostgreSQL advisory lock: one roll-up at a time
# instruments per interval query in ``verify_records``: SQLite parses the ORs as a tree at most 1,000 deep
WINDOWS_PER_QUERY = 300


@dataclass
class Tracker:
    """Where the derivation stands for one instrument (mirrors ``InstrumentMonitor``)."""

    state: str = ""
    since: dt.datetime | None = None
    candidate: str = ""
    candidate_since: dt.datetime | None = None
    last: dt.datetime | None = None

    def open_interval(self, period: dt.timedelta) -> tuple[str, dt.datetime, dt.datetime] | None:
        if not self.state:
            return None
        return self.state, self.since, self.last + period


def load_tracker(monitor: InstrumentMonitor) -> Tracker:
    return Tracker(
        state=monitor.state,
        since=monitor.since,
        candidate=monitor.candidate,
        candidate_since=monitor.candidate_since,
        last=monitor.last_sample_at,
    )


def _as_utc(value) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite hands raw datetimes back as text
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


# --- all dirty instruments --------------------------------------------------------------------------------------


def roll_up(*, now: dt.datetime | None = None, instrument_ids: Iterable[int] | None = None) -> int:
    """Roll up every instrument that has new samples (or those of ``instrument_ids`` among them); returns how many.
    Run every minute (``tasks``); running it again with no new samples changes nothing."""
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    marks = (
        "SELECT id, instrument_id, dirty_from, last_seen FROM monitoring_device WHERE dirty_from IS NOT NULL"
    )
    params: list = []
    if instrument_ids is not None:
        params = list(instrument_ids) or [None]
        marks += f" AND instrument_id IN ({', '.join(['%s'] * len(params))})"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        _drop(cursor)
        cursor.execute(f"CREATE TEMP TABLE mr_marks AS {marks}", params)
        cursor.execute(sql.start_sql(), _profile_defaults())
        cursor.execute("SELECT COUNT(*) FROM mr_start", [])
        count = cursor.fetchone()[0]
        if count:
            cursor.execute(sql.SUPERSEDE, [stamp])
            for statement in (sql.runs_sql(), sql.blocks_sql(), sql.intervals_sql()):
                cursor.execute(statement, [])
            cursor.execute(sql.INSERT_INTERVALS, [stamp])
            cursor.execute(sql.monitor_sql(), [])
            cursor.execute(sql.NEW_MONITORS, [])
            cursor.execute(sql.UPDATE_MONITORS, [stamp])
            _fill_calendar(cursor)
            cursor.execute(sql.daily_hours_sql(), [stamp])
            _verify_usage(cursor)
        cursor.execute(sql.CLEAR_MARKS, [])
        _drop(cursor)
    return count


def _drop(cursor) -> None:
    for table in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}", [])


def _profile_defaults() -> list:
    d = DEFAULT_PROFILE
    return [
        d.signal,
        d.standby_baseline,
        d.on_threshold,
        d.running_enter,
        d.running_exit,
        d.min_dwell_seconds,
        d.sample_period_seconds,
        d.gap_seconds,
    ]


def _fill_calendar(cursor) -> None:
    """The local days (start and end in UTC) from the earliest change to the latest sample."""
    cursor.execute(sql.CALENDAR_TABLE, [])
    cursor.execute("SELECT MIN(changed_from), MAX(last_t), MAX(changed_from) FROM mr_monitor", [])
    first, last, last_change = (_as_utc(v) for v in cursor.fetchone())
    if first is None:
        return
    day, until = (
        first.astimezone(LOCAL).date(),
        max(filter(None, (last, last_change))).astimezone(LOCAL).date(),
    )
    rows, ops = [], connection.ops
    while day <= until:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
        rows.append(
            (ops.adapt_datefield_value(day), *(ops.adapt_datetimefield_value(v) for v in (start, end)))
        )
        day += dt.timedelta(days=1)
    cursor.executemany("INSERT INTO mr_calendar (day, day_start, day_end) VALUES (%s, %s, %s)", rows)


def _verify_usage(cursor) -> None:
    """Set ``verified_hours`` on the usage records ending after each instrument's earliest change."""
    cursor.execute(sql.usage_sql(), [])
    seconds = {pk: (running, covered) for pk, running, covered in cursor.fetchall()}
    changed = []
    for record in UsageRecord.objects.filter(pk__in=seconds).only("pk", "verified_hours"):
        running, covered = seconds[record.pk]
        value = seconds_to_hours(running) if covered else None
        if value != record.verified_hours:
            record.verified_hours = value
            changed.append(record)
    UsageRecord.objects.bulk_update(changed, ["verified_hours"], batch_size=1000)


# --- usage records, as they are written ---------------------------------------------------------------------------


def running_seconds_between(spans, start: dt.datetime, end: dt.datetime) -> tuple[float, bool]:
    """Seconds running within [start, end], and whether any interval (any state) covers part of it."""
    running, covered = 0.0, False
    for state, span_start, span_end in spans:
        overlap = (min(end, span_end) - max(start, span_start)).total_seconds()
        if overlap > 0:
            covered = True
            if state == RUNNING:
                running += overlap
    return running, covered


def verify_records(records: list[UsageRecord]) -> None:
    """Fill usage records' verified hours as they are written (telemetry that arrives later redoes it). The same
    few queries whatever the number of records: which instruments are monitored, their monitors, their profiles,
    their intervals over the records' span, and one update of the records whose hours changed."""
    monitored = set(
        Device.objects.filter(instrument_id__in={r.instrument_id for r in records}).values_list(
            "instrument_id", flat=True
        )
    )
    records = [r for r in records if r.instrument_id in monitored]
    windows: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for record in records:
        start, end = windows.get(record.instrument_id, (record.started_at, record.ended_at))
        windows[record.instrument_id] = (min(start, record.started_at), max(end, record.ended_at))
    spans = _current_spans(windows)
    for instrument_id, interval in _open_intervals(list(windows)).items():
        spans[instrument_id].append(interval)
    changed = []
    for record in records:
        running, covered = running_seconds_between(
            spans[record.instrument_id], record.started_at, record.ended_at
        )
        value = seconds_to_hours(running) if covered else None
        if value != record.verified_hours:
            record.verified_hours = value
            changed.append(record)
    UsageRecord.objects.bulk_update(changed, ["verified_hours"], batch_size=1000)


def _current_spans(windows: dict[int, tuple[dt.datetime, dt.datetime]]) -> defaultdict[int, list]:
    """(state, start, end) of each instrument's current closed intervals overlapping its (start, end) window."""
    spans: defaultdict[int, list] = defaultdict(list)
    ids = list(windows)
    for first in range(0, len(ids), WINDOWS_PER_QUERY):
        overlapping = Q(
            *(
                Q(instrument_id=pk, end__gt=windows[pk][0], start__lt=windows[pk][1])
                for pk in ids[first : first + WINDOWS_PER_QUERY]
            ),
            _connector=Q.OR,
        )
        rows = StateInterval.objects.current().filter(overlapping).order_by("instrument_id", "start")
        for instrument_id, *span in rows.values_list("instrument_id", "state", "start", "end"):
            spans[instrument_id].append(tuple(span))
    return spans


def _open_intervals(instrument_ids: list[int]) -> dict[int, tuple[str, dt.datetime, dt.datetime]]:
    """The interval each instrument is in now, held by its monitor and ending one sample period after the last
    sample; none for an instrument whose first state has not yet outlasted the dwell."""
    trackers = {
        monitor.instrument_id: load_tracker(monitor)
        for monitor in InstrumentMonitor.objects.filter(instrument_id__in=instrument_ids).exclude(state="")
    }
    if not trackers:
        return {}
    periods = dict(
        MonitoringProfile.objects.filter(instrument_id__in=trackers).values_list(
            "instrument_id", "sample_period_seconds"
        )
    )
    intervals = {}
    for instrument_id, tracker in trackers.items():
        period = periods.get(instrument_id, DEFAULT_PROFILE.sample_period_seconds)
        interval = tracker.open_interval(dt.timedelta(seconds=period))
        if interval[2] > interval[1]:
            intervals[instrument_id] = interval
    return intervals


def yearly_hours(instrument_ids: list[int], year: int) -> dict[int, tuple[Decimal, Decimal]]:
    """(operating, service) hours of each instrument in ``year``: operating from telemetry where the instrument is
    monitored, else from usage records; service from usage records for users outside the unit."""
    usage = {
        row["instrument_id"]: row
        for row in UsageRecord.objects.filter(instrument_id__in=instrument_ids, started_at__year=year)
        .values("instrument_id")
        .annotate(total=Sum("machine_hours"), external=Sum("machine_hours", filter=Q(is_external=True)))
    }
    running = dict(
        DailyHours.objects.filter(instrument_id__in=instrument_ids, day__year=year)
        .values("instrument_id")
        .annotate(seconds=Sum("running_seconds"))
        .values_list("instrument_id", "seconds")
    )
    result = {}
    for pk in instrument_ids:
        row = usage.get(pk) or {}
        operating = Decimal(running[pk]) / 3600 if running.get(pk) else row.get("total") or 0
        result[pk] = (operating, row.get("external") or 0)
    return result
