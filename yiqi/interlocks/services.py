"""The rules of interlocks: who may switch an instrument on, for how long, and what happens when time is up.

An instrument is enabled only for a user with a confirmed (or checked-in) booking and, where the instrument asks
for one, a valid qualification, from the interlock's grace (default ``YIQI_INTERLOCK_GRACE_MINUTES``) before the
booked start until the booked end; it stays on until the end plus the same grace, when the schedule (``auto_off``)
switches it off unless the unit turned that off. Staff who serve the instrument may override either way with a
reason. The device is asked first; the platform's state follows only an acknowledged command, through
``INTERLOCK_MACHINE`` (one audit event per step). Every enable opens an ``InterlockSession`` and every disable
closes it: the measured self-operation time, which becomes the booking's usage record's hours (``measure_usage``).
"""

import contextlib
import datetime as dt
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.booking.availability import settings_or_defaults
from yiqi.booking.models import Booking, BookingStatus
from yiqi.booking.services import is_qualified
from yiqi.core.workflow import StateMachine, Transition
from yiqi.monitoring import reconciliation
from yiqi.registry.scoping import can_serve
from yiqi.usage import services as usage_services
from yiqi.usage.models import UsageRecord

from .drivers import Ack, AllowEntry, Driver
from .drivers.modbus import ModbusRelayDriver
from .drivers.mqtt import MqttDriver
from .models import Interlock, InterlockCommand, InterlockSession
from .models import InterlockState as S

ENABLING_STATES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
USER, STAFF, SCHEDULE = "user", "staff", "schedule"

INTERLOCK_MACHINE = StateMachine(
    Interlock,
    [
        Transition("enable", gettext_lazy("开放使用"), (S.LOCKED, S.UNKNOWN), S.UNLOCKED, who=USER),
        Transition("release", gettext_lazy("结束使用"), (S.UNLOCKED,), S.LOCKED, who=USER),
        Transition("auto_off", gettext_lazy("超时自动关闭"), (S.UNLOCKED, S.UNKNOWN), S.LOCKED, who=SCHEDULE),
        Transition("revoke", gettext_lazy("预约取消，收回使用权"), (S.UNLOCKED,), S.LOCKED, who=SCHEDULE),
        Transition(
            "override_enable",
            gettext_lazy("人工放行"),
            (S.LOCKED, S.UNKNOWN, S.UNLOCKED),
            S.UNLOCKED,
            who=STAFF,
            needs_comment=True,
        ),
        Transition(
            "override_disable",
            gettext_lazy("人工锁定"),
            (S.LOCKED, S.UNKNOWN, S.UNLOCKED),
            S.LOCKED,
            who=STAFF,
            needs_comment=True,
        ),
    ],
    comment_max_length=300,
    missing_comment=gettext_lazy("人工操作须填写原因。"),
    field="state",
    lock_related=("instrument", "device"),
    refusal_field="action",
)

END_CAUSE = {
    "release": InterlockSession.EndCause.RELEASED,
    "auto_off": InterlockSession.EndCause.AUTO_OFF,
    "revoke": InterlockSession.EndCause.REVOKED,
    "override_disable": InterlockSession.EndCause.STAFF,
    "override_enable": InterlockSession.EndCause.STAFF,  # an override for another user ends the current session
}


def grace(interlock: Interlock) -> dt.timedelta:
    """How early before a booking the instrument may be switched on, and how long after it stays on."""
    minutes = interlock.grace_minutes
    return dt.timedelta(minutes=settings.YIQI_INTERLOCK_GRACE_MINUTES if minutes is None else minutes)


def driver_for(interlock: Interlock) -> Driver:
    if interlock.driver == Interlock.Driver.MODBUS:
        return ModbusRelayDriver(
            host=interlock.modbus_host,
            port=interlock.modbus_port,
            device_id=interlock.modbus_device_id,
            coil=interlock.modbus_coil,
            timeout=settings.YIQI_INTERLOCK_ACK_SECONDS,
        )
    return MqttDriver(
        broker_url=settings.YIQI_MQTT_URL,
        unit_id=interlock.unit_id,
        device_uid=interlock.device.uid,
        timeout=settings.YIQI_INTERLOCK_ACK_SECONDS,
    )


# --- who sees what ---------------------------------------------------------------------------------------------


def visible_interlocks(access: Access, queryset: QuerySet[Interlock] | None = None) -> QuerySet[Interlock]:
    """All for the platform admin and evaluators; their units' for unit staff, supervised units' for departments;
    for anyone else the interlocks of instruments they hold a booking on that is current or starts within the
    allow-list window."""
    queryset = Interlock.objects.all() if queryset is None else queryset
    if access.is_platform_admin or access.is_evaluator:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    now = timezone.now()
    scope = Q(
        instrument__bookings__user_id=access.user_id,
        instrument__bookings__status__in=ENABLING_STATES,
        instrument__bookings__ends_at__gt=now,
        instrument__bookings__starts_at__lt=now + dt.timedelta(hours=settings.YIQI_INTERLOCK_ALLOWLIST_HOURS),
    )
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope).distinct()


def visible_sessions(access: Access) -> QuerySet[InterlockSession]:
    """Sessions on visible interlocks; a user who is not staff sees only their own."""
    sessions = InterlockSession.objects.all()
    if access.is_platform_admin or access.is_evaluator:
        return sessions
    if not access.is_authenticated:
        return sessions.none()
    scope = Q(user_id=access.user_id)
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return sessions.filter(scope)


def can_override(access: Access, interlock: Interlock) -> bool:
    return can_serve(access, interlock.instrument)


# --- the rule ----------------------------------------------------------------------------------------------------


def enabling_booking(interlock: Interlock, user, now: dt.datetime) -> Booking:
    """The booking that lets ``user`` work now, or a ValidationError saying why none does."""
    bookings = Booking.objects.filter(
        instrument_id=interlock.instrument_id,
        user=user,
        status__in=ENABLING_STATES,
        starts_at__lte=now + grace(interlock),
        ends_at__gt=now,
    ).order_by("starts_at")
    booking = bookings.first()
    if booking is None:
        raise ValidationError(
            {
                "user": _("该用户当前没有已确认的预约（可提前 %(minutes)d 分钟开机）。")
                % {"minutes": int(grace(interlock).total_seconds() // 60)}
            }
        )
    conf = settings_or_defaults(interlock.instrument)
    if conf.requires_qualification and not is_qualified(user, interlock.instrument, timezone.localdate(now)):
        raise ValidationError({"user": _("该用户没有有效的上机资格。")})
    return booking


# --- talking to the device -------------------------------------------------------------------------------------


def _send(interlock: Interlock, action: str, call, *, actor=None, user=None, booking=None, reason="") -> Ack:
    """Send one command and keep what the device answered (whatever it was)."""
    sent = timezone.now()
    began = time.monotonic()
    ack = call(driver_for(interlock))
    InterlockCommand.objects.create(
        interlock=interlock,
        action=action,
        for_user=user,
        booking=booking,
        reason=reason[:300],
        requested_by=actor,
        sent_at=sent,
        latency_ms=round((time.monotonic() - began) * 1000),
        ok=ack.ok,
        state=ack.state if ack.state in S.values else "",
        error=ack.error[:300],
        command_id=ack.command_id,
    )
    return ack


def _refused(ack: Ack) -> ValidationError:
    return ValidationError({"action": _("设备未执行指令：%(error)s") % {"error": ack.error or _("设备拒绝")}})


def _step(interlock, action, *, actor, comment="", prepare=None, data=None) -> Interlock:
    """Move the platform's record of the switch (after the device acknowledged) and keep the session in step."""
    now = timezone.now()

    def change(locked: Interlock, step: Transition) -> None:
        open_session = InterlockSession.objects.filter(interlock=locked, ended_at__isnull=True).first()
        if open_session is not None and action in END_CAUSE:
            open_session.ended_at, open_session.end_cause = (
                max(now, open_session.started_at),
                END_CAUSE[action],
            )
            open_session.save(update_fields=["ended_at", "end_cause"])
            _session_ended(open_session)
        if prepare is not None:
            prepare(locked, step)
        if step.target_for(locked) == S.LOCKED:
            locked.user, locked.booking, locked.enabled_until = None, None, None

    return INTERLOCK_MACHINE.run(interlock, action, actor=actor, comment=comment, prepare=change, data=data)


def _start_session(locked: Interlock, *, user, booking, until, is_override=False, reason="") -> None:
    locked.user, locked.booking, locked.enabled_until = user, booking, until
    InterlockSession.objects.create(
        interlock=locked,
        instrument_id=locked.instrument_id,
        unit_id=locked.unit_id,
        user=user,
        booking=booking,
        is_override=is_override,
        reason=reason,
        started_at=timezone.now(),
    )


# --- what people do --------------------------------------------------------------------------------------------


def enable(interlock: Interlock, *, actor, user=None) -> Interlock:
    """Switch the instrument on for ``user`` (default: the actor) on the strength of their booking, until the
    booked end plus the grace. The user does it themself, or the instrument's service staff for them."""
    user = user or actor
    access = access_for(actor)
    if actor is None or not access.is_authenticated:
        raise PermissionDenied(_("请先登录。"))
    if user.pk != actor.pk and not can_serve(access, interlock.instrument):
        raise PermissionDenied(_("只有该仪器的服务人员可以为他人开机。"))
    now = timezone.now()
    booking = enabling_booking(interlock, user, now)
    if interlock.state == S.UNLOCKED and interlock.user_id not in (None, user.pk):
        raise ValidationError({"action": _("仪器正由其他用户使用，请先结束其使用。")})
    until = booking.ends_at + grace(interlock)
    if interlock.state == S.UNLOCKED:
        return interlock  # already on for this user
    ack = _send(
        interlock,
        InterlockCommand.Action.UNLOCK,
        lambda d: d.unlock(user=user.get_username(), until=until),
        actor=actor,
        user=user,
        booking=booking,
    )
    if not ack.ok:
        raise _refused(ack)
    return _step(
        interlock,
        "enable",
        actor=actor,
        prepare=lambda locked, step: _start_session(locked, user=user, booking=booking, until=until),
        data={"user": user.pk, "booking": booking.pk, "until": until.isoformat()},
    )


def release(interlock: Interlock, *, actor) -> Interlock:
    """The user (or service staff) is done: switch off now."""
    interlock = Interlock.objects.select_related("instrument", "device").get(pk=interlock.pk)
    access = access_for(actor)
    if interlock.user_id != access.user_id and not can_serve(access, interlock.instrument):
        raise PermissionDenied(_("只能结束自己的使用。"))
    return _switch_off(interlock, "release", actor=actor)


def override(
    interlock: Interlock, *, actor, enable: bool, reason: str, user=None, hours: float = 1
) -> Interlock:
    """Staff switch the instrument on (for ``user``, default themself, for ``hours``) or off whatever the
    bookings say; the reason is required and audited."""
    if not can_override(access_for(actor), interlock):
        raise PermissionDenied(_("只有该仪器的服务人员可以人工操作联锁。"))
    reason = (reason or "").strip()
    INTERLOCK_MACHINE.clean_comment(INTERLOCK_MACHINE.step("override_enable"), reason)
    if not enable:
        return _switch_off(interlock, "override_disable", actor=actor, reason=reason)
    if not 0 < hours <= 24:
        raise ValidationError({"hours": _("放行时长须在 0 到 24 小时之间。")})
    user = user or actor
    until = timezone.now() + dt.timedelta(hours=hours)
    ack = _send(
        interlock,
        InterlockCommand.Action.UNLOCK,
        lambda d: d.unlock(user=user.get_username(), until=until, reason=reason),
        actor=actor,
        user=user,
        reason=reason,
    )
    if not ack.ok:
        raise _refused(ack)
    return _step(
        interlock,
        "override_enable",
        actor=actor,
        comment=reason,
        prepare=lambda locked, step: _start_session(
            locked, user=user, booking=None, until=until, is_override=True, reason=reason
        ),
        data={"user": user.pk, "until": until.isoformat()},
    )


def _switch_off(interlock: Interlock, action: str, *, actor=None, reason: str = "") -> Interlock:
    INTERLOCK_MACHINE.check(interlock, INTERLOCK_MACHINE.step(action))  # e.g. nothing to release: no command
    ack = _send(
        interlock, InterlockCommand.Action.LOCK, lambda d: d.lock(reason=reason), actor=actor, reason=reason
    )
    if not ack.ok:
        raise _refused(ack)
    return _step(interlock, action, actor=actor, comment=reason)


# --- what the schedule does ------------------------------------------------------------------------------------


def auto_off(now: dt.datetime | None = None) -> int:
    """Switch off every instrument whose time (booked end + grace, or the override's end) is up, unless its unit
    turned auto-off off (then a booked session lasts until it is ended). A device that does not answer stays on
    the list and is tried again next time. Returns how many were switched off."""
    now = now or timezone.now()
    done = 0
    due = (
        Interlock.objects.filter(state=S.UNLOCKED, enabled_until__lte=now)
        .filter(Q(auto_off=True) | Q(booking__isnull=True))
        .select_related("device", "instrument")
    )
    for interlock in due:
        try:
            _switch_off(interlock, "auto_off", reason=_("预约时间已过"))
        except ValidationError:
            continue
        done += 1
    return done


def allowlist_for(interlock: Interlock, now: dt.datetime) -> list[AllowEntry]:
    """The bookings the device may honour on its own: current or starting within the window, each from the
    start minus the grace to the end plus the grace; users without a needed valid qualification are left out."""
    conf = settings_or_defaults(interlock.instrument)
    margin = grace(interlock)
    bookings = Booking.objects.filter(
        instrument_id=interlock.instrument_id,
        status__in=ENABLING_STATES,
        ends_at__gt=now - margin,
        starts_at__lt=now + dt.timedelta(hours=settings.YIQI_INTERLOCK_ALLOWLIST_HOURS),
    ).select_related("user")
    entries = []
    for booking in bookings:
        if conf.requires_qualification and not is_qualified(
            booking.user, interlock.instrument, booking.starts_at.date()
        ):
            continue
        entries.append(
            AllowEntry(
                booking.user.get_username(),
                booking.starts_at - margin,
                booking.ends_at + margin,
                booking.pk,
            )
        )
    return entries


def push_allowlist(interlock: Interlock, now: dt.datetime | None = None) -> Ack:
    now = now or timezone.now()
    entries = allowlist_for(interlock, now)
    ack = _send(interlock, InterlockCommand.Action.ALLOWLIST, lambda d: d.push_allowlist(entries))
    if ack.ok:
        Interlock.objects.filter(pk=interlock.pk).update(allowlist_pushed_at=now)
    return ack


def push_allowlists(now: dt.datetime | None = None) -> int:
    """Every device that keeps an allow-list gets the current one. Returns how many acknowledged it."""
    interlocks = Interlock.objects.filter(driver=Interlock.Driver.MQTT, device__revoked_at__isnull=True)
    return sum(
        push_allowlist(interlock, now).ok for interlock in interlocks.select_related("device", "instrument")
    )


def booking_closed(booking_id: int) -> None:
    """A booking was cancelled (or rejected, or missed): take the instrument back if it is on for that booking, and
    give the devices of that instrument an allow-list without it."""
    interlocks = Interlock.objects.filter(instrument__bookings__pk=booking_id).select_related(
        "device", "instrument"
    )
    for interlock in interlocks:
        if interlock.state == S.UNLOCKED and interlock.booking_id == booking_id:
            # A device that does not answer is switched off by the schedule's auto-off at the booked end.
            with contextlib.suppress(ValidationError):
                _switch_off(interlock, "revoke", reason=_("预约已取消"))
        if driver_for(interlock).supports_allowlist:
            push_allowlist(interlock)


def after_service_closed(record) -> None:
    """A service record closed (inside its transaction): for a booking, tell the devices once it has committed."""
    booking_id = Booking.objects.filter(record=record).values_list("pk", flat=True).first()
    if booking_id is None:
        return
    from .tasks import revoke_closed_booking

    transaction.on_commit(lambda: revoke_closed_booking(booking_id))


# --- measured use ------------------------------------------------------------------------------------------------


def _session_ended(session: InterlockSession) -> None:
    """A session closed: it is the measured use of its booking's usage record (once billing has written it; else
    ``measure_usage`` takes it then). A session no booking stands behind is for the unit to explain."""
    if session.booking_id is None:
        reconciliation.record_unbooked_use(
            session.instrument_id, session.started_at, session.ended_at, unit_id=session.unit_id
        )
        return
    usage = UsageRecord.objects.filter(record__booking=session.booking_id).first()
    if usage is not None:
        measure_usage(usage)


def measure_usage(usage: UsageRecord) -> None:
    """A self-operation booking's usage record takes the times and hours its closed interlock sessions measured."""
    if usage.source != UsageRecord.Source.BOOKING:
        return
    spans = list(
        InterlockSession.objects.filter(
            booking__record_id=usage.record_id, ended_at__isnull=False
        ).values_list("started_at", "ended_at")
    )
    if spans:
        usage_services.record_measured_use(usage, spans)
