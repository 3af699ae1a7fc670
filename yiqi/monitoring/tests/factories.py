import datetime as dt
import json

import factory
from django.utils import timezone

from yiqi.monitoring.ingest import secret_digest
from yiqi.monitoring.models import Device, MonitoringProfile
from yiqi.registry.tests.factories import InstrumentFactory

SECRET = "s3cret-for-tests-only-0123456789abcdefghijk"


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    uid = factory.Sequence(lambda n: f"dev-{n:05d}")
    instrument = factory.SubFactory(InstrumentFactory)
    unit = factory.LazyAttribute(lambda o: o.instrument.unit)
    kind = Device.Kind.POWER
    secret_digest = secret_digest(SECRET)


class ProfileFactory(factory.django.DjangoModelFactory):
    """Power in watts: off below 5, running from 100 above a 20 W baseline, until below 60; 60 s dwell, 5 s period."""

    class Meta:
        model = MonitoringProfile

    instrument = factory.SubFactory(InstrumentFactory)
    standby_baseline = 20
    on_threshold = 5
    running_enter = 100
    running_exit = 60
    min_dwell_seconds = 60
    sample_period_seconds = 5
    gap_seconds = 300


def body(samples, key=None) -> bytes:
    payload = {"samples": samples}
    if key is not None:
        payload["key"] = key
    return json.dumps(payload).encode()


def pattern(start: dt.datetime, steps, period=5):
    """Samples every ``period`` seconds from ``start``: ``steps`` is [(seconds, power_w), ...] held in turn."""
    samples, t = [], start
    for seconds, power in steps:
        for _ in range(seconds // period):
            samples.append({"t": t.isoformat(), "power_w": power})
            t += dt.timedelta(seconds=period)
    return samples


def recent(hours=3) -> dt.datetime:
    return (timezone.now() - dt.timedelta(hours=hours)).replace(microsecond=0)
