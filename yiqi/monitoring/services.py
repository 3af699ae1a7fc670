"""Monitoring devices and what each role may see of the monitoring; alerts; keeping raw samples to their period.

Who may do what:
- unit administrators, information officers and the instrument's manager register, rotate and revoke the devices
  of their unit's instruments, and explain reconciliation items;
- a unit's staff, its supervising department and the platform see its devices, states, hours and items;
- the authority (platform administrator; a department administrator for the units it supervises) reviews items.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role, RoleAssignment
from yiqi.core.models import AuditEvent
from yiqi.notifications.services import Phrase, notify
from yiqi.registry.models import Instrument

from .ingest import secret_digest
from .models import Device, InstrumentMonitor, ReconciliationItem, Sample, StateInterval

MANAGING_ROLES = (Role.UNIT_ADMIN, Role.INFORMATION_OFFICER)


# --- scope -------------------------------------------------------------------------------------------------------


def sees_everything(access: Access) -> bool:
    return access.is_platform_admin or access.is_evaluator


def unit_scope(access: Access, field: str = "unit") -> Q | None:
    """The rows of the units the user may watch (None: all of them)."""
    if sees_everything(access):
        return None
    scope = Q(**{f"{field}_id__in": access.staff_unit_ids})
    if access.department_ids:
        scope |= Q(**{f"{field}__supervising_department_id__in": access.department_ids})
    return scope


def scoped(access: Access, queryset: QuerySet, field: str = "unit") -> QuerySet:
    if not access.is_authenticated:
        return queryset.none()
    scope = unit_scope(access, field)
    return queryset if scope is None else queryset.filter(scope)


def can_watch(access: Access) -> bool:
    return access.is_authenticated and (
        sees_everything(access) or bool(access.staff_unit_ids) or bool(access.department_ids)
    )


def visible_devices(access: Access) -> QuerySet[Device]:
    return scoped(access, Device.objects.select_related("instrument", "unit"))


def monitored_instruments(access: Access) -> QuerySet[Instrument]:
    """Instruments with at least one device, that the user may watch."""
    return scoped(access, Instrument.objects.filter(monitoring_devices__isnull=False).distinct())


def manages(access: Access, instrument: Instrument) -> bool:
    """Registers devices and explains items for this instrument."""
    return access.is_platform_admin or (
        instrument.unit_id in access.organizations_with(*MANAGING_ROLES)
        or (instrument.manager_id == access.user_id and instrument.unit_id in access.staff_unit_ids)
    )


def manageable_instruments(access: Access) -> QuerySet[Instrument]:
    if access.is_platform_admin:
        return Instrument.objects.all()
    if not access.is_authenticated:
        return Instrument.objects.none()
    return Instrument.objects.filter(
        Q(unit_id__in=access.organizations_with(*MANAGING_ROLES))
        | Q(manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    )


def reviews(access: Access, unit) -> bool:
    """The authority over this unit's monitoring: the platform, or the unit's supervising department."""
    return access.is_platform_admin or (
        unit.supervising_department_id is not None and unit.supervising_department_id in access.department_ids
    )


# --- devices -----------------------------------------------------------------------------------------------------


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 32 random bytes


def register_device(
    access: Access, *, instrument: Instrument, uid: str, kind: str, name: str = "", actor
) -> tuple[Device, str]:
    """A new device for ``instrument``; returns it with its secret, which is shown this once and stored hashed."""
    if not manages(access, instrument):
        raise PermissionDenied(_("您无权为该仪器登记监测设备。"))
    secret = new_secret()
    device = Device(
        uid=uid,
        instrument=instrument,
        unit_id=instrument.unit_id,
        kind=kind,
        name=name,
        secret_digest=secret_digest(secret),
        created_by=actor,
    )
    device.full_clean(exclude=["secret_digest"])
    try:
        with transaction.atomic():
            device.save()
            AuditEvent.record(device, "create", actor=actor, to_state="active")
    except IntegrityError:
        raise ValidationError({"uid": [_("设备编号已被使用。")]}) from None
    return device, secret


def _change_device(access: Access, device: Device, action: str, actor) -> Device:
    if not manages(access, device.instrument):
        raise PermissionDenied(_("您无权管理该监测设备。"))
    if device.revoked_at is not None:
        raise ValidationError({"action": [_("设备已停用。")]})
    return device


def rotate_secret(access: Access, device: Device, *, actor) -> tuple[Device, str]:
    """A new secret; the old one stops working at once over HTTP and within seconds in the MQTT workers."""
    _change_device(access, device, "rotate", actor)
    secret = new_secret()
    with transaction.atomic():
        device.secret_digest = secret_digest(secret)
        device.rotated_at = timezone.now()
        device.save(update_fields=["secret_digest", "rotated_at"])
        AuditEvent.record(device, "rotate", actor=actor, from_state="active", to_state="active")
    return device, secret


def revoke_device(access: Access, device: Device, *, actor, comment: str = "") -> Device:
    """The device is refused from now on (its samples so far stay)."""
    _change_device(access, device, "revoke", actor)
    with transaction.atomic():
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        AuditEvent.record(
            device, "revoke", actor=actor, from_state="active", to_state="revoked", comment=comment[:1000]
        )
    return device


def is_online(last_seen: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """A device is online when it reported within ``YIQI_MONITORING_ONLINE_SECONDS``."""
    return last_seen is not None and (now or timezone.now()) - last_seen <= dt.timedelta(
        seconds=settings.YIQI_MONITORING_ONLINE_SECONDS
    )


# --- alerts ------------------------------------------------------------------------------------------------------


def _unit_managers(unit_ids) -> dict[int, list]:
    managers: dict[int, list] = {}
    for assignment in RoleAssignment.objects.filter(
        organization_id__in=unit_ids, role__in=MANAGING_ROLES
    ).select_related("user"):
        managers.setdefault(assignment.organization_id, []).append(assignment.user)
    return managers


def alert_offline_devices(*, now: dt.datetime | None = None) -> int:
    """Tell the unit once about each device silent for ``YIQI_MONITORING_OFFLINE_HOURS``."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.YIQI_MONITORING_OFFLINE_HOURS)
    silent = list(
        Device.objects.filter(revoked_at__isnull=True, last_seen__lt=cutoff)
        .filter(Q(offline_alerted_at__isnull=True) | Q(offline_alerted_at__lt=F("last_seen")))
        .select_related("instrument")
    )
    managers = _unit_managers({d.unit_id for d in silent})
    for device in silent:
        notify(
            managers.get(device.unit_id, []),
            Phrase(
                gettext_lazy("监测设备 %(uid)s 已离线超过 %(hours)s 小时"),
                uid=device.uid,
                hours=settings.YIQI_MONITORING_OFFLINE_HOURS,
            ),
            Phrase(
                gettext_lazy("仪器：%(instrument)s。请检查设备供电与网络。"),
                instrument=device.instrument.name,
            ),
            reverse("monitoring:timeline", args=[device.instrument_id]),
            kind="monitoring_offline",
            context={"device": device, "last_seen": _shown(device.last_seen)},
        )
    Device.objects.filter(pk__in=[d.pk for d in silent]).update(offline_alerted_at=now)
    return len(silent)


def alert_idle_instruments(*, now: dt.datetime | None = None) -> int:
    """Tell the unit once about each monitored instrument that has not run for ``YIQI_MONITORING_IDLE_DAYS``."""
    now = now or timezone.now()
    days = settings.YIQI_MONITORING_IDLE_DAYS
    cutoff = now - dt.timedelta(days=days)
    idle = []
    for monitor in (
        InstrumentMonitor.objects.filter(idle_alerted_at__isnull=True, since__lt=cutoff)
        .exclude(state="running")
        .select_related("instrument")
    ):
        ran = StateInterval.objects.current().filter(
            instrument_id=monitor.instrument_id, state="running", end__gt=cutoff
        )
        if not ran.exists():
            idle.append(monitor)
    managers = _unit_managers({m.instrument.unit_id for m in idle})
    for monitor in idle:
        notify(
            managers.get(monitor.instrument.unit_id, []),
            Phrase(
                gettext_lazy("仪器 %(instrument)s 已连续 %(days)s 天未运行"),
                instrument=monitor.instrument.name,
                days=days,
            ),
            gettext_lazy("按规定，长期闲置的仪器须说明原因。"),
            reverse("monitoring:timeline", args=[monitor.instrument_id]),
            kind="monitoring_idle",
            context={"instrument": monitor.instrument, "days": days},
        )
    InstrumentMonitor.objects.filter(pk__in=[m.pk for m in idle]).update(idle_alerted_at=now)
    return len(idle)


def alert_suspect_records(items) -> int:
    """Tell the unit about newly found suspect records (each item is found, and so told, once)."""
    items = [item for item in items if item.kind == ReconciliationItem.Kind.SUSPECT_RECORD]
    managers = _unit_managers({item.unit_id for item in items})
    for item in items:
        notify(
            managers.get(item.unit_id, []),
            Phrase(gettext_lazy("可疑使用记录：%(instrument)s"), instrument=item.instrument.name),
            Phrase(
                gettext_lazy("%(start)s 至 %(end)s 登记了使用，但监测显示仪器未运行。"),
                start=_shown(item.started_at),
                end=_shown(item.ended_at),
            ),
            reverse("monitoring:item_detail", args=[item.pk]),
            kind="monitoring_suspect",
            context={"item": item, "started_at": _shown(item.started_at), "ended_at": _shown(item.ended_at)},
        )
    return len(items)


def _shown(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- raw sample retention ----------------------------------------------------------------------------------------

PARTITION_PREFIX = "monitoring_sample_p"


def _partition_name(day: dt.date) -> str:
    return f"{PARTITION_PREFIX}{day:%Y%m%d}"


def maintain_samples(*, today: dt.date | None = None) -> dict:
    """Keep raw samples for the retention period: on PostgreSQL create the next week's day partitions (moving any
    rows the default partition caught into their day) and drop whole days past retention; elsewhere delete old rows."""
    today = today or timezone.now().astimezone(dt.UTC).date()
    keep_from = today - dt.timedelta(days=settings.YIQI_TELEMETRY_RETENTION_DAYS)
    if connection.vendor != "postgresql":
        cutoff = dt.datetime.combine(keep_from, dt.time.min, tzinfo=dt.UTC)
        deleted, _ = Sample.objects.filter(t__lt=cutoff).delete()
        return {"created": 0, "dropped": 0, "deleted": deleted}
    created = dropped = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'monitoring_sample'::regclass"
        )
        existing = {row[0] for row in cursor.fetchall()}
        for offset in range(-1, 8):
            day = today + dt.timedelta(days=offset)
            name = _partition_name(day)
            if name in existing:
                continue
            start, end = f"{day} 00:00:00+00", f"{day + dt.timedelta(days=1)} 00:00:00+00"
            with transaction.atomic():
                # Rows the default partition caught for this day move into it (else the CREATE would fail).
                cursor.execute(
                    "CREATE TEMPORARY TABLE monitoring_sample_moving ON COMMIT DROP AS "
                    "WITH moved AS (DELETE FROM monitoring_sample_default WHERE t >= %s AND t < %s RETURNING *) "
                    "SELECT * FROM moved",
                    [start, end],
                )
                cursor.execute(
                    f'CREATE TABLE "{name}" PARTITION OF monitoring_sample FOR VALUES FROM (%s) TO (%s)',
                    [start, end],
                )
                cursor.execute("INSERT INTO monitoring_sample SELECT * FROM monitoring_sample_moving")
            created += 1
        for name in sorted(existing):
            if name.startswith(PARTITION_PREFIX) and name[len(PARTITION_PREFIX) :] < f"{keep_from:%Y%m%d}":
                cursor.execute(f'DROP TABLE "{name}"')
                dropped += 1
        cutoff = dt.datetime.combine(keep_from, dt.time.min, tzinfo=dt.UTC)
        cursor.execute("DELETE FROM monitoring_sample_default WHERE t < %s", [cutoff])
        deleted = cursor.rowcount
    return {"created": created, "dropped": dropped, "deleted": deleted}
