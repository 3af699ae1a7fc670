"""Random sample streams from two devices — gaps, blips, hysteresis, reported states, repeats, late and shuffled
delivery, roll-ups at random moments — give the intervals, open state and daily hours of the one-sample-at-a-time
reference, and a roll-up with nothing new changes nothing."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from yiqi.monitoring.models import DailyHours, InstrumentMonitor, StateInterval
from yiqi.monitoring.rollup import roll_up

from . import reference
from .factories import DeviceFactory, ProfileFactory
from .test_rollup import send

pytestmark = pytest.mark.django_db

# Steps between samples (seconds) around the profile's 5 s period, 60 s dwell and 300 s gap; readings around its
# 5 W "on", 20 W baseline, 60/100 W exit/enter thresholds; a reported state.
STEPS = [0, 5, 5, 5, 5, 10, 30, 55, 60, 65, 120, 300, 301, 900]
READINGS = [0.0, 4.9, 5.0, 25.0, 79.9, 80.0, 95.0, 119.9, 120.0, 150.0, "running", "standby", "off"]

streams = st.lists(
    st.tuples(st.sampled_from(STEPS), st.sampled_from(READINGS), st.integers(0, 1)), min_size=1, max_size=60
)


def sample(t: dt.datetime, reading) -> dict:
    if isinstance(reading, str):
        return {"t": t.isoformat(), "state": reading}
    return {"t": t.isoformat(), "power_w": reading}


# Derandomized: CI runs the same examples every time (other seeds are explored by hand: --hypothesis-seed=N).
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(stream=streams, cuts=st.lists(st.integers(0, 60), max_size=3), seed=st.integers(0, 2**16))
# Two devices read standby and running at one moment, then running lasts the dwell: running from that moment
# (the order of equal-time changes was left to the database; found with --hypothesis-seed=3).
@example(stream=[(0, 5.0, 0), (0, 120.0, 1), (60, 120.0, 0)], cuts=[], seed=0)
def test_set_based_roll_up_matches_the_reference(stream, cuts, seed):
    profile = ProfileFactory()
    devices = [DeviceFactory(instrument=profile.instrument) for _ in range(2)]
    t = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    samples, seen = [], set()
    for step, reading, d in stream:
        t += dt.timedelta(seconds=step)
        if (d, t) not in seen:  # a device reports one reading per moment
            seen.add((d, t))
            samples.append((t, devices[d], reading))
    rows = sorted(((t, device.pk), reference.sample_class(sample(t, r), profile)) for t, device, r in samples)
    closed, open_interval = reference.intervals([(t, c) for (t, _), c in rows], profile)

    # Deliver in a shuffled order, in chunks with a roll-up after each, some samples twice.
    rng = random.Random(seed)
    delivery = samples + rng.sample(samples, len(samples) // 4)
    rng.shuffle(delivery)
    for chunk in _chunks(delivery, cuts):
        for device in devices:
            mine = [sample(t, r) for t, d, r in chunk if d == device]
            if mine:
                send(device, mine)
        roll_up()

    current = StateInterval.objects.current().filter(instrument=profile.instrument).order_by("start")
    assert [(i.state, i.start, i.end) for i in current] == closed
    monitor = InstrumentMonitor.objects.get(instrument=profile.instrument)
    assert (monitor.state, monitor.since) == (
        (open_interval[0], open_interval[1]) if open_interval else ("", None)
    )
    assert monitor.last_sample_at == samples[-1][0]
    running = {
        row.day: row.running_seconds
        for row in DailyHours.objects.filter(instrument=profile.instrument)
        if row.running_seconds
    }
    assert running == reference.running_seconds_by_day(closed + ([open_interval] if open_interval else []))

    before = list(
        StateInterval.objects.filter(instrument=profile.instrument).values_list("pk", "superseded_at")
    )
    assert roll_up() == 0
    assert (
        list(StateInterval.objects.filter(instrument=profile.instrument).values_list("pk", "superseded_at"))
        == before
    )


def _chunks(items, cuts):
    bounds = sorted({min(c, len(items)) for c in cuts} | {0, len(items)})
    return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
