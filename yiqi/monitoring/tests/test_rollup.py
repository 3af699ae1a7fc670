"""From known sample patterns to intervals and hours: thresholds, hysteresis, dwell, gaps, late samples."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.monitoring.ingest import DeviceDirectory, RateLimiter, check_message, write_batch
from yiqi.monitoring.models import DailyHours, Device, StateInterval
from yiqi.monitoring.rollup import roll_up, verify_records
from yiqi.usage.tests.factories import UsageRecordFactory

from .factories import SECRET, DeviceFactory, ProfileFactory, body, pattern

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def send(device: Device, samples) -> None:
    limiter = RateLimiter(per_minute=10**6, burst=10**6)
    for start in range(0, len(samples), 1000):
        checked = check_message(
            device.uid,
            body(samples[start : start + 1000], key=SECRET),
            directory=DeviceDirectory(0),
            limiter=limiter,
        )
        assert not checked.rejected, checked.rejected
        write_batch([checked])


def intervals(instrument) -> list[tuple[str, int]]:
    """(state, seconds) of the current closed intervals, in order."""
    return [
        (i.state, int((i.end - i.start).total_seconds()))
        for i in StateInterval.objects.current().filter(instrument=instrument).order_by("start")
    ]


@pytest.fixture
def device():
    profile = ProfileFactory()
    return DeviceFactory(instrument=profile.instrument)


def today_at(hour: int) -> dt.datetime:
    """An hour of yesterday (local), so a pattern of a few hours stays inside one local day and in the past."""
    day = timezone.localdate() - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def test_running_standby_and_off_from_power_with_baseline(device):
    # 20 W standby draw is the baseline: 110 W is 90 W above it (under 100: standby); 150 W runs.
    start = today_at(8)
    send(device, pattern(start, [(600, 0), (1800, 110), (3600, 150), (1200, 25), (600, 0), (600, 150)]))
    roll_up()
    assert intervals(device.instrument) == [
        ("off", 600),
        ("standby", 1800),
        ("running", 3600),
        ("standby", 1200),
        ("off", 600),
    ]
    hours = DailyHours.objects.get(instrument=device.instrument, day=start.date())
    # The last 10 minutes are still open (running), and count: 3600 + 600 s.
    assert hours.running_seconds == 3600 + 600
    assert hours.running_hours == Decimal("1.17")
    assert hours.standby_seconds == 1800 + 1200


def test_hysteresis_keeps_running_between_exit_and_enter(device):
    # Running from 150 W; 95 W (75 above baseline) is under enter (100) but over exit (60): still running.
    start = today_at(9)
    send(device, pattern(start, [(600, 0), (600, 150), (1200, 95), (600, 70), (600, 0), (60, 0)]))
    roll_up()
    assert intervals(device.instrument) == [("off", 600), ("running", 1800), ("standby", 600)]


def test_blips_shorter_than_the_dwell_do_not_change_the_state(device):
    start = today_at(10)
    # 30 s spikes (< 60 s dwell) while off, and a 45 s dip while running.
    send(
        device,
        pattern(start, [(600, 0), (30, 150), (600, 0), (1200, 150), (45, 0), (1200, 150), (600, 0), (60, 0)]),
    )
    roll_up()
    assert intervals(device.instrument) == [("off", 1230), ("running", 2445)]


def test_a_silent_device_ends_the_interval_one_period_after_its_last_sample(device):
    start = today_at(11)
    send(device, pattern(start, [(1800, 150)]))
    later = start + dt.timedelta(hours=2)
    send(device, pattern(later, [(600, 0)]))
    roll_up()
    assert intervals(device.instrument) == [("running", 1800)]
    hours = DailyHours.objects.get(instrument=device.instrument, day=start.date())
    assert hours.running_seconds == 1800
    assert hours.covered_seconds == 1800 + 600


def test_late_and_out_of_order_samples_give_the_same_hours_as_in_order(device):
    start = today_at(8)
    samples = pattern(start, [(900, 0), (3600, 150), (900, 25), (1800, 150), (600, 0), (60, 0)])
    in_order = ProfileFactory()
    twin = DeviceFactory(instrument=in_order.instrument)
    send(twin, samples)
    # The other device sends the second half first, rolls up, then the first half arrives late, shuffled.
    half = len(samples) // 2
    send(device, samples[half:])
    roll_up()
    late = samples[:half]
    send(device, late[1::2])
    send(device, late[::2])
    roll_up()
    assert intervals(device.instrument) == intervals(twin.instrument)
    assert intervals(device.instrument) == [
        ("off", 900),
        ("running", 3600),
        ("standby", 900),
        ("running", 1800),
    ]
    assert StateInterval.objects.filter(instrument=device.instrument, superseded_at__isnull=False).exists()


def test_verified_hours_on_usage_records_follow_the_telemetry(device):
    start = today_at(13)
    record = UsageRecordFactory(
        instrument=device.instrument, started_at=start, ended_at=start + dt.timedelta(hours=2)
    )
    unmonitored = UsageRecordFactory(
        instrument=device.instrument,
        started_at=start - dt.timedelta(hours=5),
        ended_at=start - dt.timedelta(hours=4),
    )
    send(device, pattern(start, [(1800, 0), (4500, 150), (900, 0), (60, 0)]))
    roll_up()
    record.refresh_from_db()
    unmonitored.refresh_from_db()
    assert record.verified_hours == Decimal("1.25")
    assert unmonitored.verified_hours is None


def test_records_written_after_the_telemetry_are_verified_at_once_including_the_running_span(device):
    start = today_at(13)
    send(device, pattern(start, [(1800, 0), (4500, 150)]))  # still running at the last sample
    roll_up()
    at = lambda minutes: start + dt.timedelta(minutes=minutes)  # noqa: E731
    off_then_running = UsageRecordFactory(instrument=device.instrument, started_at=at(0), ended_at=at(60))
    while_running = UsageRecordFactory(instrument=device.instrument, started_at=at(60), ended_at=at(105))
    before_telemetry = UsageRecordFactory(
        instrument=device.instrument, started_at=at(-300), ended_at=at(-240)
    )
    verify_records([off_then_running, while_running, before_telemetry])
    for record in (off_then_running, while_running, before_telemetry):
        record.refresh_from_db()
    assert off_then_running.verified_hours == Decimal("0.50")
    assert while_running.verified_hours == Decimal("0.75")  # the open interval the monitor holds
    assert before_telemetry.verified_hours is None


def test_verifying_many_records_costs_the_same_queries_as_a_few(device):
    start = today_at(9)
    other = DeviceFactory(instrument=ProfileFactory().instrument)
    for each in (device, other):
        send(each, pattern(start, [(1800, 150), (600, 0), (1800, 150)]))
    roll_up()

    def queries(count: int) -> int:
        records = [
            UsageRecordFactory(
                instrument=(device, other)[n % 2].instrument,
                started_at=start + dt.timedelta(minutes=2 * n),
                ended_at=start + dt.timedelta(minutes=2 * n + 30),
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            verify_records(records)
        assert all(record.verified_hours is not None for record in records)
        return len(captured)

    assert queries(20) == queries(2) == 5  # devices, monitors, profiles, intervals, one update


def test_a_reported_state_is_taken_as_it_is(device):
    start = today_at(14)
    samples = [
        {
            "t": (start + dt.timedelta(seconds=5 * i)).isoformat(),
            "state": "running" if 12 <= i < 132 else "standby",
        }
        for i in range(200)
    ]
    send(device, samples)
    roll_up()
    assert intervals(device.instrument) == [("standby", 60), ("running", 600)]
