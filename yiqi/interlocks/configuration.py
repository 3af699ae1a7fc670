"""Setting up interlocks: the unit's device managers fit a monitoring device with a switch and say how it switches
(MQTT commands or a Modbus-TCP relay coil), how long the grace is and whether it switches off by itself.

Those who register the instrument's devices (``monitoring.services.manages``) configure its interlocks; every
creation and change is an audit event with what changed. How the switch is reached cannot change while the
instrument is on for someone: the switch-off must go where the switch-on went.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent
from yiqi.core.validators import check_all
from yiqi.monitoring.models import Device
from yiqi.monitoring.services import manageable_instruments, manages

from .models import Interlock, InterlockState

SETTINGS = (
    "driver",
    "modbus_host",
    "modbus_port",
    "modbus_device_id",
    "modbus_coil",
    "grace_minutes",
    "auto_off",
)
# How the device is reached: fixed while the instrument is on.
REACH = ("driver", "modbus_host", "modbus_port", "modbus_device_id", "modbus_coil")
LABELS = {"create": gettext_lazy("设置联锁"), "configure": gettext_lazy("修改联锁设置")}


def fittable_devices(access: Access) -> QuerySet[Device]:
    """Active devices on instruments the user manages that have no interlock yet."""
    return (
        Device.objects.filter(
            instrument__in=manageable_instruments(access), revoked_at__isnull=True, interlock__isnull=True
        )
        .select_related("instrument")
        .order_by("instrument__name", "uid")
    )


def can_fit_any(access: Access) -> bool:
    return manageable_instruments(access).exists()


def can_configure(access: Access, interlock: Interlock) -> bool:
    return manages(access, interlock.instrument)


def _shown(interlock: Interlock, field: str) -> str:
    value = getattr(interlock, field)
    if field == "driver":
        return str(interlock.get_driver_display())
    return "" if value is None else str(value)


def _apply(interlock: Interlock, values: dict) -> None:
    """Set the settings given in ``values`` and check them, every problem at once, by field."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    if interlock.state == InterlockState.UNLOCKED and any(
        field in values and values[field] != getattr(interlock, field) for field in REACH
    ):
        errors["driver"] = [_("仪器正在使用中，不能更改驱动或地址；请先结束使用。")]
    for field, value in values.items():
        setattr(interlock, field, value.strip() if isinstance(value, str) else value)
    if interlock.driver == Interlock.Driver.MODBUS and not interlock.modbus_host:
        errors.setdefault("modbus_host", []).append(_("Modbus 继电器须填写地址（主机名或 IP）。"))
    # The relay-address check above says it better than the database constraint's own message.
    check_all(interlock, errors, exclude=["device"], validate_constraints=False)


@transaction.atomic
def fit(access: Access, device: Device, *, actor, **values) -> Interlock:
    """Fit ``device`` with an interlock for its instrument; the switch's state is unknown until it first answers."""
    device = Device.objects.select_related("instrument").select_for_update(of=("self",)).get(pk=device.pk)
    if not manages(access, device.instrument):
        raise PermissionDenied(_("您无权为该仪器设置联锁。"))
    if device.revoked_at is not None:
        raise ValidationError({"device": [_("设备已停用。")]})
    if Interlock.objects.filter(device=device).exists():
        raise ValidationError({"device": [_("该设备已设置联锁。")]})
    interlock = Interlock(device=device, instrument_id=device.instrument_id, unit_id=device.unit_id)
    _apply(interlock, values)
    interlock.save()
    AuditEvent.record(
        interlock,
        "create",
        actor=actor,
        to_state=interlock.state,
        data={"device": device.uid, "settings": {f: _shown(interlock, f) for f in SETTINGS}},
    )
    return interlock


@transaction.atomic
def configure(access: Access, interlock: Interlock, *, actor, **values) -> Interlock:
    """Change an interlock's settings; only what changed is recorded, and nothing when nothing did."""
    interlock = (
        Interlock.objects.select_related("instrument", "device")
        .select_for_update(of=("self",))
        .get(pk=interlock.pk)
    )
    if not can_configure(access, interlock):
        raise PermissionDenied(_("您无权修改该联锁的设置。"))
    before = {f: _shown(interlock, f) for f in SETTINGS}
    _apply(interlock, values)
    after = {f: _shown(interlock, f) for f in SETTINGS}
    changes = {f: [before[f], after[f]] for f in SETTINGS if before[f] != after[f]}
    if changes:
        interlock.save(update_fields=[*SETTINGS, "updated_at"])
        AuditEvent.record(interlock, "configure", actor=actor, data={"changes": changes})
    return interlock
