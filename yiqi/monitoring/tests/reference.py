"""The roll-up's rules as the simplest program: one sample at a time, in time order, through a state machine.

The set-based roll-up (``derivation``) must give the same intervals; the property tests compare the two on random
sample streams.
"""

import datetime as dt
from zoneinfo import ZoneInfo

RUNNING, STANDBY, OFF, HYSTERESIS = "running", "standby", "off", "hysteresis"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sample_class(sample: dict, profile) -> str:
    if sample.get("state"):
        return sample["state"]
    value = sample.get("power_w")
    if value is None:
        return ""
    if value < profile.on_threshold:
        return OFF
    if value - profile.standby_baseline >= profile.running_enter:
        return RUNNING
    if value - profile.standby_baseline >= profile.running_exit:
        return HYSTERESIS
    return STANDBY


def intervals(rows, profile):
    """``rows``: (time, class) in time order. Returns the closed intervals (state, start, end) and the open one."""
    dwell = dt.timedelta(seconds=profile.min_dwell_seconds)
    period = dt.timedelta(seconds=profile.sample_period_seconds)
    gap = dt.timedelta(seconds=profile.gap_seconds)
    closed, state, since, candidate, candidate_since, last = [], "", None, "", None, None
    for t, cls in rows:
        if state and t - last > gap:
            closed.append((state, since, last + period))
            state, candidate = "", ""
        shown = (RUNNING if state == RUNNING else STANDBY) if cls == HYSTERESIS else cls
        if shown and not state:
            state, since, candidate = shown, t, ""
        elif shown and shown == state:
            candidate = ""
        elif shown:
            if shown != candidate:
                candidate, candidate_since = shown, t
            if t - candidate_since >= dwell:
                closed.append((state, since, candidate_since))
                state, since, candidate = shown, candidate_since, ""
        last = t
    open_interval = (state, since, last + period) if state else None
    return [i for i in closed if i[2] > i[1]], open_interval


def running_seconds_by_day(spans) -> dict:
    """Local day → seconds running."""
    totals: dict = {}
    for state, start, end in spans:
        cursor = start
        while cursor < end:
            day = cursor.astimezone(SHANGHAI).date()
            next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
            piece = (min(end, next_day) - cursor).total_seconds()
            if state == RUNNING:
                totals[day] = totals.get(day, 0) + piece
            cursor = next_day
    return {day: round(seconds) for day, seconds in totals.items() if seconds}
