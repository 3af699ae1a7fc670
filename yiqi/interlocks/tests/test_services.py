"""Interlocks enable only booked, qualified users within the booked time (plus grace), switch off after the grace,
follow cancellations, and let staff override with a reason; every step is audited and measured."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.booking import services as booking_services
from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory, QualificationFactory, local
from yiqi.core.models import AuditEvent
from yiqi.interlocks import services
from yiqi.interlocks.models import InterlockCommand, InterlockSession, InterlockState

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(instrument, customer):
    QualificationFactory(instrument=instrument, user=customer)
    return BookingFactory(
        instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2)
    )


@pytest.fixture
def customer(world):
    return world.users["external_user"]


def test_booked_qualified_user_enables_until_the_end_plus_grace(
    interlock, booking, customer, device, settings
):
    settings.YIQI_INTERLOCK_GRACE_MINUTES = 15
    interlock = services.enable(interlock, actor=customer)
    assert interlock.state == InterlockState.UNLOCKED
    assert interlock.enabled_until == booking.ends_at + dt.timedelta(minutes=15)
    assert device.calls == [("unlock", customer.username, interlock.enabled_until)]
    session = InterlockSession.objects.get()
    assert (session.user, session.booking, session.started_at) == (customer, booking, NOW)
    event = AuditEvent.objects.for_object(interlock).get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "enable",
        "unknown",
        "unlocked",
        customer,
    )
    assert InterlockCommand.objects.get().ok


def test_early_start_within_grace_only(interlock, booking, customer, device, clock, settings):
    settings.YIQI_INTERLOCK_GRACE_MINUTES = 15
    clock(NOW - dt.timedelta(minutes=20))
    with pytest.raises(ValidationError) as refused:
        services.enable(interlock, actor=customer)
    assert "user" in refused.value.message_dict and device.calls == []
    clock(NOW - dt.timedelta(minutes=10))
    assert services.enable(interlock, actor=customer).state == InterlockState.UNLOCKED


def test_no_enable_after_the_booked_end(interlock, booking, customer, device, clock):
    clock(booking.ends_at + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.enable(interlock, actor=customer)


@pytest.mark.parametrize("status", [BookingStatus.REQUESTED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
def test_unconfirmed_or_closed_booking_does_not_enable(interlock, instrument, customer, device, status):
    QualificationFactory(instrument=instrument, user=customer)
    BookingFactory(
        instrument=instrument, user=customer, status=status, starts_at=NOW, ends_at=NOW + dt.timedelta(1)
    )
    with pytest.raises(ValidationError):
        services.enable(interlock, actor=customer)
    assert device.calls == [] and InterlockSession.objects.count() == 0


def test_without_a_valid_qualification_no_enable(interlock, instrument, customer, device):
    BookingFactory(instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="上机资格"):
        services.enable(interlock, actor=customer)
    QualificationFactory(
        instrument=instrument,
        user=customer,
        expires_on=NOW.date() - dt.timedelta(days=1),
        trained_on=NOW.date() - dt.timedelta(days=100),
    )
    with pytest.raises(ValidationError, match="上机资格"):
        services.enable(interlock, actor=customer)


def test_someone_elses_booking_does_not_enable_and_strangers_cannot_enable_for_others(
    interlock, booking, world, device
):
    other = world.users["expert"]
    with pytest.raises(ValidationError):
        services.enable(interlock, actor=other)
    with pytest.raises(PermissionDenied):
        services.enable(interlock, actor=other, user=booking.user)
    staff = services.enable(interlock, actor=world.users["technician_a"], user=booking.user)
    assert staff.user == booking.user


def test_device_that_does_not_answer_leaves_the_instrument_locked(interlock, booking, customer, device):
    device.fail = True
    with pytest.raises(ValidationError, match="设备未执行"):
        services.enable(interlock, actor=customer)
    interlock.refresh_from_db()
    assert interlock.state == InterlockState.UNKNOWN
    command = InterlockCommand.objects.get()
    assert (command.ok, command.error) == (False, "timeout")
    assert not InterlockSession.objects.exists() and not AuditEvent.objects.for_object(interlock).exists()


def test_auto_off_after_the_grace_closes_the_session(interlock, booking, customer, device, clock, settings):
    settings.YIQI_INTERLOCK_GRACE_MINUTES = 10
    services.enable(interlock, actor=customer)
    clock(booking.ends_at + dt.timedelta(minutes=9))
    assert services.auto_off() == 0
    clock(booking.ends_at + dt.timedelta(minutes=10))
    assert services.auto_off() == 1
    interlock.refresh_from_db()
    assert (interlock.state, interlock.user, interlock.enabled_until) == (InterlockState.LOCKED, None, None)
    session = InterlockSession.objects.get()
    assert session.end_cause == InterlockSession.EndCause.AUTO_OFF
    assert session.ended_at == booking.ends_at + dt.timedelta(minutes=10)
    assert AuditEvent.objects.for_object(interlock).latest("id").action == "auto_off"


def test_auto_off_retries_a_silent_device(interlock, booking, customer, device, clock):
    services.enable(interlock, actor=customer)
    clock(booking.ends_at + dt.timedelta(hours=1))
    device.fail = True
    assert services.auto_off() == 0
    device.fail = False
    assert services.auto_off() == 1


def test_release_by_the_user_ends_the_session_now(interlock, booking, customer, device, clock, world):
    services.enable(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=45))
    with pytest.raises(PermissionDenied):
        services.release(interlock, actor=world.users["expert"])
    services.release(interlock, actor=customer)
    session = InterlockSession.objects.get()
    assert (session.ended_at, session.end_cause) == (NOW + dt.timedelta(minutes=45), "released")


def test_cancelled_booking_is_revoked_on_the_device(
    interlock, booking, customer, device, world, django_capture_on_commit_callbacks
):
    services.enable(interlock, actor=customer)
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.cancel(booking, actor=world.users["manager_a"], reason="仪器故障")
    interlock.refresh_from_db()
    assert interlock.state == InterlockState.LOCKED
    assert InterlockSession.objects.get().end_cause == InterlockSession.EndCause.REVOKED
    assert device.calls[-2][0] == "lock" and device.calls[-1] == ("allowlist", [])


def test_staff_override_needs_a_reason_and_is_audited(interlock, device, world, customer):
    manager = world.users["manager_a"]
    with pytest.raises(PermissionDenied):
        services.override(interlock, actor=customer, enable=True, reason="急用")
    with pytest.raises(ValidationError) as missing:
        services.override(interlock, actor=manager, enable=True, reason="  ")
    assert "comment" in missing.value.message_dict
    interlock = services.override(interlock, actor=manager, enable=True, reason="设备调试", hours=2)
    assert interlock.enabled_until == NOW + dt.timedelta(hours=2)
    session = InterlockSession.objects.get()
    assert (session.is_override, session.user, session.reason) == (True, manager, "设备调试")
    services.override(interlock, actor=manager, enable=False, reason="调试完成")
    events = list(AuditEvent.objects.for_object(interlock).order_by("id").values_list("action", "comment"))
    assert events == [("override_enable", "设备调试"), ("override_disable", "调试完成")]
    assert InterlockSession.objects.get().end_cause == InterlockSession.EndCause.STAFF


def test_allowlist_holds_upcoming_qualified_bookings_with_grace(
    interlock, instrument, booking, world, settings
):
    settings.YIQI_INTERLOCK_GRACE_MINUTES = 15
    unqualified = BookingFactory(
        instrument=instrument,
        user=world.users["expert"],
        starts_at=NOW + dt.timedelta(hours=3),
        ends_at=NOW + dt.timedelta(hours=4),
    )
    far = BookingFactory(
        instrument=instrument,
        user=booking.user,
        starts_at=local(2026, 12, 20, 9),
        ends_at=local(2026, 12, 20, 10),
    )
    entries = services.allowlist_for(interlock, NOW)
    assert [(e.booking, e.starts, e.ends) for e in entries] == [
        (booking.pk, NOW - dt.timedelta(minutes=15), booking.ends_at + dt.timedelta(minutes=15))
    ]
    assert unqualified.pk not in {e.booking for e in entries} and far.pk not in {e.booking for e in entries}


def test_visible_interlocks_follow_roles(interlock, booking, world, customer):
    from yiqi.accounts.access import access_for

    def sees(user):
        return services.visible_interlocks(access_for(user)).filter(pk=interlock.pk).exists()

    assert sees(customer)  # holds a current booking
    assert sees(world.users["technician_a"]) and sees(world.users["department_admin_a"])
    assert not sees(world.users["unit_admin_b"]) and not sees(world.users["department_admin_b"])
    assert not sees(world.users["expert"]) and not sees(None)
