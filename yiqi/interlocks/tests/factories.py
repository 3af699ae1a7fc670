import factory

from yiqi.interlocks.models import Interlock
from yiqi.monitoring.models import Device
from yiqi.monitoring.tests import factories as monitoring


class DeviceFactory(monitoring.DeviceFactory):
    """A logon agent on the instrument's PC: the device an interlock switches."""

    uid = factory.Sequence(lambda n: f"lock-{n:04d}")
    kind = Device.Kind.PC_AGENT


class InterlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interlock

    device = factory.SubFactory(DeviceFactory)
    instrument = factory.LazyAttribute(lambda o: o.device.instrument)
    unit = factory.LazyAttribute(lambda o: o.device.unit)
    driver = Interlock.Driver.MQTT
