"""Demo monitoring: simulated devices, monitoring profiles and interlocks for a few instruments of the first unit,
with two weeks of measured history, so that the board, the timelines and the reconciliation lists have something to
show as soon as ``make run`` starts (which then keeps the devices reporting live through ``simulate_devices
--http``; the simulator gives the devices new secrets, nobody else needs them).

The history is the simulator's own patterns (working days, breakdowns, long idleness, planted faked records and
unrecorded runs) sent through the same validation and batch writer as every sample, then rolled up and reconciled by
the same services the scheduled jobs run: measured intervals, daily hours and reconciliation items, not typed rows.
"""

import datetime as dt

from django.utils import timezone

from yiqi.interlocks.models import Interlock
from yiqi.monitoring import reconciliation, rollup, simulation
from yiqi.monitoring.models import Device
from yiqi.monitoring.simulator import SHANGHAI, Scenario
from yiqi.registry.models import Instrument, RegistrationStatus

DEMO_MONITORED = 20  # instruments with a simulated device
DEMO_INTERLOCKED = 5  # of them, those whose device also takes interlock commands
DEMO_DAYS = 14  # of measured history before the build
DEMO_PERIOD = 300  # seconds between one device's samples in that history


def build_monitoring(count: int = DEMO_MONITORED, *, days: int = DEMO_DAYS, seed: int = 2026) -> dict:
    instruments = list(
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).order_by("unit_id", "pk")[
            :count
        ]
    )
    now = timezone.now()
    start = dt.datetime.combine(
        now.astimezone(SHANGHAI).date() - dt.timedelta(days=days), dt.time(), SHANGHAI
    )
    scenario = Scenario(len(instruments), start, now, period=DEMO_PERIOD, seed=seed)
    simulated = simulation.provision(scenario, instruments)
    records = simulation.write_records(scenario, simulated)
    fed = simulation.feed(scenario, simulated, now=now)
    rollup.roll_up(now=now)
    items = reconciliation.reconcile(
        start,
        now,
        instruments=Instrument.objects.filter(pk__in=[d.instrument_id for d in simulated]),
        now=now,
    )
    devices = Device.objects.filter(uid__in=[d.uid for d in simulated]).order_by("pk")[:DEMO_INTERLOCKED]
    Interlock.objects.bulk_create(
        Interlock(device=device, instrument_id=device.instrument_id, unit_id=device.unit_id)
        for device in devices
    )
    return {
        "monitoring_devices": len(simulated),
        "interlocks": len(devices),
        "telemetry_samples": fed["accepted"],
        "telemetry_usage_records": records,
        "reconciliation_items": items,
    }
