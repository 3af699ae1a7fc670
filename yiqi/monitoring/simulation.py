"""Running a simulator ``Scenario`` against the platform, and scoring the platform against its ground truth.

``provision`` gives each simulated instrument a device (with a fresh secret the simulator keeps) and the monitoring
profile a unit would set; ``write_records`` stores the scenario's usage records (the planted faked ones among them);
``feed`` pushes the samples through the one validation and batch writer in process (tests, benchmarks), and
``post`` sends them over HTTP like a device. ``score`` compares intervals, daily hours and reconciliation items
with the truth. Used by ``manage.py simulate_devices``, the accuracy tests and ``bench/monitoring_accuracy.py``.
"""

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yiqi.core.money import hours_between
from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord

from . import services
from .ingest import DeviceDirectory, RateLimiter, check_message, secret_digest, write_batch
from .models import DailyHours, Device, MonitoringProfile, ReconciliationItem, StateInterval
from .simulator import GATEWAY, RUNNING, SHANGHAI, SUSPECT, UNRECORDED, Scenario

BATCH = 1000  # samples per message: the contract's maximum


@dataclass(frozen=True)
class SimulatedDevice:
    index: int
    instrument_id: int
    unit_id: int
    uid: str
    secret: str


def device_uid(instrument: Instrument) -> str:
    return f"sim-{instrument.pk}"


@transaction.atomic
def provision(scenario: Scenario, instruments: list[Instrument]) -> list[SimulatedDevice]:
    """One simulated device per instrument (created, or given a new secret: only the simulator knows it), and the
    instrument's monitoring profile set from the scenario."""
    devices = []
    for index, instrument in enumerate(instruments[: scenario.instruments]):
        profile = scenario.profiles[index]
        secret = services.new_secret()
        kind = Device.Kind.GATEWAY if profile.device_kind == GATEWAY else Device.Kind.POWER
        Device.objects.update_or_create(
            uid=device_uid(instrument),
            defaults={
                "instrument": instrument,
                "unit_id": instrument.unit_id,
                "kind": kind,
                "name": "simulated",
                "secret_digest": secret_digest(secret),
                "revoked_at": None,
            },
        )
        MonitoringProfile.objects.update_or_create(
            instrument=instrument, defaults=profile.monitoring_profile(scenario.period)
        )
        devices.append(
            SimulatedDevice(index, instrument.pk, instrument.unit_id, device_uid(instrument), secret)
        )
    return devices


def write_records(scenario: Scenario, devices: list[SimulatedDevice]) -> int:
    """The scenario's usage records (unit-recorded, as offline use is) for the simulated instruments."""
    by_index = {device.index: device for device in devices}
    rows = [
        UsageRecord(
            instrument_id=by_index[record.instrument].instrument_id,
            unit_id=by_index[record.instrument].unit_id,
            source=UsageRecord.Source.MANUAL,
            user_name="模拟用户",
            purpose=UsageRecord.Purpose.RESEARCH,
            started_at=record.start,
            ended_at=record.end,
            machine_hours=hours_between(record.start, record.end),
            service_content="simulated",
        )
        for record in scenario.records
        if record.instrument in by_index and record.end <= timezone.now()
    ]
    UsageRecord.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def messages(scenario: Scenario, device: SimulatedDevice, until: dt.datetime | None = None):
    """The device's samples up to ``until`` as request bodies of at most ``BATCH`` samples."""
    batch = []
    for sample in scenario.samples(device.index):
        if until is not None and sample["t"] >= until.timestamp():
            break
        batch.append(sample)
        if len(batch) == BATCH:
            yield json.dumps({"samples": batch}).encode()
            batch = []
    if batch:
        yield json.dumps({"samples": batch}).encode()


def deliver(device: SimulatedDevice, body: bytes, *, now: dt.datetime | None = None) -> dict:
    """One message through the validation and the batch writer, in this process."""
    limiter = RateLimiter(per_minute=10**9, burst=10**9)
    checked = check_message(
        device.uid, body, directory=DeviceDirectory(), limiter=limiter, secret=device.secret, now=now
    )
    result = write_batch([checked], now=now)
    return {"accepted": result.inserted, "duplicates": result.duplicates, "rejected": dict(checked.rejected)}


def feed(scenario: Scenario, devices: list[SimulatedDevice], *, now: dt.datetime | None = None) -> dict:
    """Every sample so far through the validation and the batch writer, as the HTTP door and the worker do."""
    now = now or timezone.now()
    directory, limiter = DeviceDirectory(), RateLimiter(per_minute=10**9, burst=10**9)
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
    for device in devices:
        pending = []
        for body in messages(scenario, device, until=now):
            checked = check_message(
                device.uid, body, directory=directory, limiter=limiter, secret=device.secret, now=now
            )
            totals["rejected"] += sum(checked.rejected.values())
            pending.append(checked)
            if len(pending) == 10:
                _write(pending, now, totals)
                pending = []
        _write(pending, now, totals)
    return totals


def _write(pending, now, totals) -> None:
    if pending:
        result = write_batch(pending, now=now)
        totals["accepted"] += result.inserted
        totals["duplicates"] += result.duplicates


def post(url: str, device: SimulatedDevice, body: bytes, timeout: float = 10) -> dict:
    """One request to ``POST /api/v1/telemetry/`` as the device; the answer's counts (or the error)."""
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/telemetry/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Device {device.uid}:{device.secret}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (our own server)
            return json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return {"error": error.code}
    except (urllib.error.URLError, OSError) as error:
        return {"error": str(error)}


# --- scoring ------------------------------------------------------------------------------------------------------


def _overlap(a, b) -> float:
    return (min(a[1], b[1]) - max(a[0], b[0])).total_seconds()


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def score(scenario: Scenario, devices: list[SimulatedDevice]) -> dict:
    """How well the platform found what the scenario did, over the scenario's full days before ``end``.

    - boundaries: running intervals matched one to one; the share whose start and end are both within one sample
      period of the truth, and the worst error in seconds;
    - daily hours: the share of (instrument, day) whose telemetry hours are within 1 % of the truth (days with no
      running in either count when both are zero), and the largest relative error;
    - items: precision and recall of suspect records and unrecorded use against the planted ones.
    """
    period = dt.timedelta(seconds=scenario.period)
    boundary_total = boundary_ok = 0
    worst_boundary = 0.0
    day_total = day_ok = 0
    worst_day = 0.0
    first_day = scenario.days[0] + dt.timedelta(days=1)  # the first day may start mid-day
    last_day = scenario.end.astimezone(SHANGHAI).date() - dt.timedelta(days=1)
    for device in devices:
        truth = scenario.running_intervals(device.index)
        found = list(
            StateInterval.objects.current()
            .filter(instrument_id=device.instrument_id, state=RUNNING)
            .order_by("start")
            .values_list("start", "end")
        )
        for span in truth:
            if span[1] >= scenario.end - period:
                continue  # still running at the end: its interval is open
            best = max(found, key=lambda f: _overlap(span, f), default=None)
            boundary_total += 1
            if best is None or _overlap(span, best) <= 0:
                worst_boundary = max(worst_boundary, (span[1] - span[0]).total_seconds())
                continue
            error = max(abs((best[0] - span[0]).total_seconds()), abs((best[1] - span[1]).total_seconds()))
            worst_boundary = max(worst_boundary, error)
            boundary_ok += error <= scenario.period
        measured = dict(
            DailyHours.objects.filter(
                instrument_id=device.instrument_id, day__gte=first_day, day__lte=last_day
            ).values_list("day", "running_seconds")
        )
        expected = scenario.daily_hours(device.index)
        day = first_day
        while day <= last_day:
            want, got = expected.get(day, 0.0) * 3600, measured.get(day, 0)
            relative = abs(got - want) / want if want else (0.0 if got == 0 else 1.0)
            worst_day = max(worst_day, relative)
            day_total += 1
            day_ok += relative <= 0.01
            day += dt.timedelta(days=1)
    by_index = {device.instrument_id: device.index for device in devices}
    items = ReconciliationItem.objects.filter(
        instrument_id__in=by_index, kind__in=(SUSPECT, UNRECORDED)
    ).values_list("instrument_id", "kind", "started_at", "ended_at")
    found_items = [(by_index[i], kind, start, end) for i, kind, start, end in items]
    planted = [
        (p["instrument"], p["kind"], p["start"], p["end"])
        for p in scenario.planted_items()
        if p["instrument"] in by_index.values()
    ]
    result = {
        "intervals": boundary_total,
        "boundaries_within_one_period": _ratio(boundary_ok, boundary_total),
        "worst_boundary_error_s": round(worst_boundary, 1),
        "instrument_days": day_total,
        "days_within_1_percent": _ratio(day_ok, day_total),
        "worst_day_error": round(worst_day, 4),
    }
    for kind in (SUSPECT, UNRECORDED):
        found_kind = [f for f in found_items if f[1] == kind]
        planted_kind = [p for p in planted if p[1] == kind]
        hits = sum(
            any(f[0] == p[0] and _overlap((p[2], p[3]), (f[2], f[3])) > 0 for f in found_kind)
            for p in planted_kind
        )
        correct = sum(
            any(f[0] == p[0] and _overlap((p[2], p[3]), (f[2], f[3])) > 0 for p in planted_kind)
            for f in found_kind
        )
        result[kind] = {
            "planted": len(planted_kind),
            "found": len(found_kind),
            "precision": _ratio(correct, len(found_kind)),
            "recall": _ratio(hits, len(planted_kind)),
        }
    return result
