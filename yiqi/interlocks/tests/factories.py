import hashlib

import factory

from yiqi.interlocks.models import Interlock
from yiqi.monitoring.models import Device


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    uid = factory.Sequence(lambda n: f"lock-{n:04d}")
    kind = Device.Kind.PC_AGENT
    unit = factory.LazyAttribute(lambda o: o.instrument.unit)
    secret_digest = factory.LazyAttribute(lambda o: hashlib.sha256(o.uid.encode()).hexdigest())


class InterlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interlock

    device = factory.SubFactory(DeviceFactory)
    instrument = factory.LazyAttribute(lambda o: o.device.instrument)
    unit = factory.LazyAttribute(lambda o: o.device.unit)
    driver = Interlock.Driver.MQTT
