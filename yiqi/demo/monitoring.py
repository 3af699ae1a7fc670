"""Demo monitoring: simulated devices, monitoring profiles and interlocks for a few instruments of the first unit,
so that ``make run`` (which starts ``simulate_devices --http``) shows a live board. The devices' secrets are
replaced by the simulator when it starts; nobody else needs them."""

from yiqi.interlocks.models import Interlock
from yiqi.monitoring import services
from yiqi.monitoring.ingest import secret_digest
from yiqi.monitoring.models import Device, MonitoringProfile
from yiqi.monitoring.simulation import device_uid
from yiqi.registry.models import Instrument, RegistrationStatus

DEMO_MONITORED = 20  # instruments with a simulated device
DEMO_INTERLOCKED = 5  # of them, those whose device also takes interlock commands


def build_monitoring(count: int = DEMO_MONITORED) -> dict:
    instruments = list(
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).order_by("unit_id", "pk")[
            :count
        ]
    )
    devices = Device.objects.bulk_create(
        Device(
            uid=device_uid(instrument),
            instrument=instrument,
            unit_id=instrument.unit_id,
            kind=Device.Kind.GATEWAY if n % 2 == 0 else Device.Kind.POWER,
            name="模拟设备",
            secret_digest=secret_digest(services.new_secret()),
        )
        for n, instrument in enumerate(instruments)
    )
    MonitoringProfile.objects.bulk_create(
        MonitoringProfile(instrument=instrument, sample_period_seconds=5) for instrument in instruments
    )
    Interlock.objects.bulk_create(
        Interlock(device=device, instrument_id=device.instrument_id, unit_id=device.unit_id)
        for device in devices[:DEMO_INTERLOCKED]
    )
    return {"monitoring_devices": len(devices), "interlocks": min(len(devices), DEMO_INTERLOCKED)}
