"""Plain data for the monitoring pages and API: the live board's rows and counts, one instrument's timeline."""

import datetime as dt

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.registry.models import Instrument

from . import services
from .models import DailyHours, InstrumentMonitor, MachineState, StateInterval
from .rollup import DEFAULT_PROFILE, LOCAL, load_tracker

BOARD_STATUSES = ("running", "idle", "offline")


def instrument_states(access: Access, *, unit_id=None, department_id=None) -> QuerySet[Instrument]:
    """Monitored instruments the user may watch, each with ``last_seen`` (latest of its devices) and its monitor."""
    rows = services.monitored_instruments(access)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if department_id:
        rows = rows.filter(unit__supervising_department_id=department_id)
    return (
        rows.annotate(
            last_seen=Max("monitoring_devices__last_seen", filter=Q(monitoring_devices__revoked_at=None))
        )
        .select_related("unit", "monitor")
        .order_by("unit_id", "name", "pk")
    )


def state_row(instrument: Instrument, now: dt.datetime) -> dict:
    monitor = getattr(instrument, "monitor", None)
    online = services.is_online(instrument.last_seen, now)
    state = monitor.state if monitor and online else ""
    return {
        "instrument": instrument.pk,
        "instrument_name": instrument.name,
        "unit": instrument.unit_id,
        "unit_name": instrument.unit.name,
        "state": state,
        "since": monitor.since if monitor and state else None,
        "last_seen": instrument.last_seen,
        "online": online,
        "board_status": "offline" if not online else ("running" if state == MachineState.RUNNING else "idle"),
    }


def board(access: Access, *, unit_id=None, department_id=None, status: str = "") -> dict:
    """Counts (online, running, idle, offline) and the rows, optionally only those of one status."""
    now = timezone.now()
    rows = [
        state_row(i, now) for i in instrument_states(access, unit_id=unit_id, department_id=department_id)
    ]
    counts = {key: sum(1 for r in rows if r["board_status"] == key) for key in BOARD_STATUSES}
    counts["online"] = counts["running"] + counts["idle"]
    counts["total"] = len(rows)
    if status in BOARD_STATUSES:
        rows = [r for r in rows if r["board_status"] == status]
    return {"counts": counts, "rows": rows, "at": now}


def timeline(instrument: Instrument, day_from: dt.date, day_to: dt.date) -> dict:
    """States by local day for an ECharts custom series: [day index, start hour, end hour, state]; hours per day."""
    start = dt.datetime.combine(day_from, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    spans = list(
        StateInterval.objects.current()
        .filter(instrument=instrument, end__gt=start, start__lt=end)
        .order_by("start")
        .values_list("state", "start", "end")
    )
    monitor = InstrumentMonitor.objects.filter(instrument=instrument).first()
    if monitor and monitor.state:
        profile = getattr(instrument, "monitoring_profile", None) or DEFAULT_PROFILE
        spans.append(load_tracker(monitor).open_interval(dt.timedelta(seconds=profile.sample_period_seconds)))
    days = [day_from + dt.timedelta(days=n) for n in range((day_to - day_from).days + 1)]
    bars = []
    for state, span_start, span_end in spans:
        cursor = max(span_start, start)
        while cursor < min(span_end, end):
            local = cursor.astimezone(LOCAL)
            next_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
            piece_end = min(span_end, end, next_day)
            begin_h = local.hour + local.minute / 60 + local.second / 3600
            end_h = 24.0 if piece_end == next_day else begin_h + (piece_end - cursor).total_seconds() / 3600
            bars.append([(local.date() - day_from).days, round(begin_h, 4), round(end_h, 4), state])
            cursor = piece_end
    hours = {
        row.day: row
        for row in DailyHours.objects.filter(instrument=instrument, day__gte=day_from, day__lte=day_to)
    }
    return {
        "days": [d.isoformat() for d in days],
        "bars": bars,
        "hours": [
            {
                "day": d.isoformat(),
                "running_hours": str(hours[d].running_hours) if d in hours else "0.00",
                "standby_hours": str(hours[d].standby_hours) if d in hours else "0.00",
                "coverage": str(hours[d].coverage) if d in hours else "0.000",
            }
            for d in days
        ],
        "state_labels": dict(MachineState.choices),
        "timezone": settings.TIME_ZONE,
    }
