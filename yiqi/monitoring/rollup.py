"""From samples to hours: states, intervals, daily hours and the verified hours of usage records.

Per instrument the samples of all its devices, in time order, are turned into states (a reported state as it is;
otherwise the signal against the profile's thresholds, with hysteresis while running), a new state is accepted only
after it has lasted the minimum dwell (and then dates from its first sample), and no sample for ``gap_seconds`` ends
the interval one sample period after the last sample. Closed intervals are appended to ``StateInterval``; the open
one is kept in ``InstrumentMonitor``.

Late or out-of-order samples mark their device dirty from their time; the roll-up then goes back to the interval
that held that time, supersedes it and everything after, and derives them again from the samples.

The database does the bulk of it (``_runs``): it classifies every sample against the profile and collapses each run
of consecutive samples of one class with no gap into its first and last sample, so Python walks runs, not samples
(a month at 5-minute samples is ~8,600 samples an instrument, ~300 runs). That is exact: within such a run the
shown state cannot change (hysteresis only decides between running and standby, the same way for the whole run),
the dwell is passed or not by its last sample, and an accepted state dates from the candidate's first sample.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord

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


@dataclass
class Tracker:
    """The derivation's state between runs (mirrors ``InstrumentMonitor``)."""

    state: str = ""
    since: dt.datetime | None = None
    candidate: str = ""
    candidate_since: dt.datetime | None = None
    last: dt.datetime | None = None

    def open_interval(self, period: dt.timedelta) -> tuple[str, dt.datetime, dt.datetime] | None:
        if not self.state:
            return None
        return self.state, self.since, self.last + period


HYSTERESIS = "hysteresis"  # between running_exit and running_enter: running only if it was running


def shown_state(sample_class: str, current: str) -> str:
    if sample_class == HYSTERESIS:
        return RUNNING if current == RUNNING else STANDBY
    return sample_class


def derive(
    runs: Iterable[tuple[dt.datetime, dt.datetime, str]],
    profile: MonitoringProfile,
    tracker: Tracker,
) -> Iterator[tuple[str, dt.datetime, dt.datetime]]:
    """Advance ``tracker`` over time-ordered runs (first sample's time, last sample's time, class: samples of one
    class with no gap between them), yielding each interval that closes."""
    dwell = dt.timedelta(seconds=profile.min_dwell_seconds)
    period = dt.timedelta(seconds=profile.sample_period_seconds)
    gap = dt.timedelta(seconds=profile.gap_seconds)
    for first, last, sample_class in runs:
        if tracker.state and first - tracker.last > gap:
            yield tracker.state, tracker.since, tracker.last + period
            tracker.state, tracker.candidate = "", ""
        for t in (first, last) if last != first else (first,):
            shown = shown_state(sample_class, tracker.state)
            if not shown:
                pass
            elif not tracker.state:
                tracker.state, tracker.since, tracker.candidate = shown, t, ""
            elif shown == tracker.state:
                tracker.candidate = ""
            else:
                if shown != tracker.candidate:
                    tracker.candidate, tracker.candidate_since = shown, t
                if t - tracker.candidate_since >= dwell:
                    yield tracker.state, tracker.since, tracker.candidate_since
                    tracker.state, tracker.since, tracker.candidate = shown, tracker.candidate_since, ""
            tracker.last = t


# --- one instrument ---------------------------------------------------------------------------------------------


def load_tracker(monitor: InstrumentMonitor) -> Tracker:
    return Tracker(
        state=monitor.state,
        since=monitor.since,
        candidate=monitor.candidate,
        candidate_since=monitor.candidate_since,
        last=monitor.last_sample_at,
    )


def _rewind(instrument_id: int, tracker: Tracker, dirty_from: dt.datetime, now: dt.datetime) -> Tracker:
    """Where to derive again from when samples arrived at or before what was already read."""
    if tracker.state and tracker.since <= dirty_from:
        return Tracker(state=tracker.state, since=tracker.since, last=tracker.since)
    current = StateInterval.objects.current().filter(instrument_id=instrument_id)
    anchor = current.filter(start__lte=dirty_from).order_by("-start").first()
    if anchor is None:
        current.update(superseded_at=now)
        return Tracker()
    current.filter(start__gte=anchor.start).update(superseded_at=now)
    return Tracker(state=anchor.state, since=anchor.start, last=anchor.start)


def _class_sql(profile: MonitoringProfile) -> tuple[str, list]:
    """The class of a sample row, as SQL: its reported state; else its signal (the profile's, falling back to the
    other) under ``on_threshold`` is off, and above the baseline by ``running_enter`` running, by ``running_exit``
    ``HYSTERESIS`` (exit <= enter is a constraint), less standby; "" when it shows nothing usable."""
    primary, other = ("power_w", "current_a")
    if profile.signal == MonitoringProfile.Signal.CURRENT:
        primary, other = other, primary
    value = f"COALESCE({primary}, {other})"
    sql = (
        f"CASE WHEN state <> '' THEN state WHEN {value} IS NULL THEN '' WHEN {value} < %s THEN '{OFF}' "
        f"WHEN {value} - %s >= %s THEN '{RUNNING}' WHEN {value} - %s >= %s THEN '{HYSTERESIS}' "
        f"ELSE '{STANDBY}' END"
    )
    baseline = profile.standby_baseline
    return sql, [profile.on_threshold, baseline, profile.running_enter, baseline, profile.running_exit]


def _seconds_since_previous_sql() -> str:
    if connection.vendor == "postgresql":
        return "EXTRACT(EPOCH FROM t - LAG(t) OVER w)"
    return "(julianday(t) - julianday(LAG(t) OVER w)) * 86400.0"


def _as_utc(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite hands raw datetimes back as text
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


def _runs(instrument_id: int, profile: MonitoringProfile, after: dt.datetime | None, inclusive: bool):
    """The instrument's samples after ``after`` as runs (first time, last time, class) of one class without a gap. A run breaks a second early on the gap, so rounding can only add a break (which is harmless:
    ``derive`` still checks every gap exactly)."""
    class_sql, params = _class_sql(profile)
    where, where_params = "instrument_id = %s", [instrument_id]
    if after is not None:
        where += " AND t >= %s" if inclusive else " AND t > %s"
        where_params.append(connection.ops.adapt_datetimefield_value(after))
    sql = f"""
        WITH classed AS (
            SELECT t, device_id, {class_sql} AS c FROM monitoring_sample WHERE {where}
        ), marked AS (
            SELECT t, device_id, c,
                   CASE WHEN LAG(c) OVER w IS NULL OR LAG(c) OVER w <> c
                             OR {_seconds_since_previous_sql()} > %s THEN 1 ELSE 0 END AS brk
            FROM classed WINDOW w AS (ORDER BY t, device_id)
        ), numbered AS (
            SELECT t, c, SUM(brk) OVER (ORDER BY t, device_id ROWS UNBOUNDED PRECEDING) AS run FROM marked
        )
        SELECT MIN(t), MAX(t), MIN(c) FROM numbered GROUP BY run ORDER BY run
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params, profile.gap_seconds - 1])
        for first, last, sample_class in cursor.fetchall():
            yield _as_utc(first), _as_utc(last), sample_class


def roll_up_instrument(instrument, dirty_from: dt.datetime | None, *, now: dt.datetime | None = None) -> None:
    """Bring one instrument's intervals, daily hours and verified usage hours up to its samples."""
    now = now or timezone.now()
    profile = getattr(instrument, "monitoring_profile", None) or DEFAULT_PROFILE
    period = dt.timedelta(seconds=profile.sample_period_seconds)
    with transaction.atomic():
        monitor, _ = InstrumentMonitor.objects.select_for_update().get_or_create(instrument=instrument)
        tracker = load_tracker(monitor)
        inclusive = False
        if tracker.last is None or (dirty_from is not None and dirty_from <= tracker.last):
            tracker = _rewind(instrument.pk, tracker, dirty_from or tracker.last or now, now)
            inclusive = tracker.last is not None
        changed_from = tracker.since or dirty_from
        closed = list(derive(_runs(instrument.pk, profile, tracker.last, inclusive), profile, tracker))
        StateInterval.objects.bulk_create(
            StateInterval(instrument_id=instrument.pk, state=state, start=start, end=end)
            for state, start, end in closed
            if end > start
        )
        monitor.state, monitor.since = tracker.state, tracker.since
        monitor.candidate, monitor.candidate_since = tracker.candidate, tracker.candidate_since
        monitor.last_sample_at, monitor.rolled_up_at = tracker.last, now
        monitor.save()
        if changed_from is None:
            return
        if closed:
            changed_from = min(changed_from, closed[0][1])
        open_interval = tracker.open_interval(period)
        spans = _spans(instrument.pk, local_day_start(changed_from), open_interval)
        write_daily_hours(instrument, spans, changed_from, tracker.last or changed_from)
        verify_usage(instrument.pk, changed_from, open_interval)


def _spans(instrument_id: int, since: dt.datetime, open_interval, until: dt.datetime | None = None) -> list:
    """(state, start, end) of the current intervals ending after ``since`` (and starting before ``until``), plus
    the open one."""
    rows = StateInterval.objects.current().filter(instrument_id=instrument_id, end__gt=since)
    if until is not None:
        rows = rows.filter(start__lt=until)
    spans = list(rows.order_by("start").values_list("state", "start", "end"))
    if open_interval and open_interval[2] > open_interval[1]:
        spans.append(open_interval)
    return spans


def local_day_start(moment: dt.datetime) -> dt.datetime:
    day = moment.astimezone(LOCAL).date()
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL)


def day_totals(spans, first_day: dt.date, last_day: dt.date) -> dict[dt.date, list[int]]:
    """Per local day: [running, standby, covered] seconds."""
    totals = {}
    day = first_day
    while day <= last_day:
        totals[day] = [0, 0, 0]
        day += dt.timedelta(days=1)
    for state, start, end in spans:
        cursor = max(start, dt.datetime.combine(first_day, dt.time.min, tzinfo=LOCAL))
        while cursor < end:
            day = cursor.astimezone(LOCAL).date()
            if day > last_day:
                break
            next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
            piece = (min(end, next_day) - cursor).total_seconds()
            row = totals[day]
            row[2] += piece
            if state == RUNNING:
                row[0] += piece
            elif state == STANDBY:
                row[1] += piece
            cursor = next_day
    return {day: [round(v) for v in row] for day, row in totals.items()}


def write_daily_hours(instrument, spans, since: dt.datetime, until: dt.datetime) -> None:
    first_day = since.astimezone(LOCAL).date()
    last_day = max(until, since).astimezone(LOCAL).date()
    totals = day_totals(spans, first_day, last_day)
    DailyHours.objects.bulk_create(
        [
            DailyHours(
                instrument_id=instrument.pk,
                unit_id=instrument.unit_id,
                day=day,
                running_seconds=running,
                standby_seconds=standby,
                covered_seconds=min(covered, 86400),
            )
            for day, (running, standby, covered) in totals.items()
        ],
        update_conflicts=True,
        unique_fields=["instrument", "day"],
        update_fields=["running_seconds", "standby_seconds", "covered_seconds", "updated_at"],
    )


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


def verify_usage(instrument_id: int, since: dt.datetime, open_interval) -> int:
    """Set ``verified_hours`` on the instrument's usage records ending after ``since``."""
    records = list(
        UsageRecord.objects.filter(instrument_id=instrument_id, ended_at__gt=since).only(
            "pk", "started_at", "ended_at", "verified_hours"
        )
    )
    if not records:
        return 0
    spans = _spans(instrument_id, min(r.started_at for r in records), open_interval)
    changed = []
    for record in records:
        running, covered = running_seconds_between(spans, record.started_at, record.ended_at)
        value = seconds_to_hours(running) if covered else None
        if value != record.verified_hours:
            record.verified_hours = value
            changed.append(record)
    UsageRecord.objects.bulk_update(changed, ["verified_hours"])
    return len(changed)


def verify_record(record: UsageRecord) -> None:
    """Fill one usage record's verified hours as it is written (telemetry that arrives later redoes it)."""
    if not Device.objects.filter(instrument_id=record.instrument_id).exists():
        return
    monitor = InstrumentMonitor.objects.filter(instrument_id=record.instrument_id).first()
    open_interval = None
    if monitor and monitor.state:
        profile = (
            MonitoringProfile.objects.filter(instrument_id=record.instrument_id).first() or DEFAULT_PROFILE
        )
        open_interval = load_tracker(monitor).open_interval(
            dt.timedelta(seconds=profile.sample_period_seconds)
        )
    spans = _spans(record.instrument_id, record.started_at, open_interval, until=record.ended_at)
    running, covered = running_seconds_between(spans, record.started_at, record.ended_at)
    value = seconds_to_hours(running) if covered else None
    if value != record.verified_hours:
        UsageRecord.objects.filter(pk=record.pk).update(verified_hours=value)
        record.verified_hours = value


# --- all dirty instruments --------------------------------------------------------------------------------------


def roll_up(*, now: dt.datetime | None = None, instrument_ids: Iterable[int] | None = None) -> int:
    """Roll up every instrument that has new samples; returns how many. Run every minute (``tasks``)."""
    now = now or timezone.now()
    devices = Device.objects.filter(dirty_from__isnull=False)
    if instrument_ids is not None:
        devices = devices.filter(instrument_id__in=list(instrument_ids))
    marks = list(devices.values_list("id", "instrument_id", "dirty_from", "last_seen"))
    by_instrument: dict[int, dt.datetime] = {}
    for _, instrument_id, dirty_from, _ in marks:
        by_instrument[instrument_id] = min(by_instrument.get(instrument_id, dirty_from), dirty_from)
    instruments = Instrument.objects.filter(pk__in=by_instrument).select_related("monitoring_profile")
    for instrument in instruments:
        roll_up_instrument(instrument, by_instrument[instrument.pk], now=now)
    # Clear a mark only if no sample arrived since it was read (a newer write moved last_seen on).
    for device_id, _, dirty_from, last_seen in marks:
        Device.objects.filter(pk=device_id, dirty_from=dirty_from, last_seen=last_seen).update(
            dirty_from=None
        )
    return len(by_instrument)


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
