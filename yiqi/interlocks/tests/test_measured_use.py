"""An interlock session is the measured use of its booking: the usage record written for the completed booking
takes the times and hours the instrument was switched on (marked as measured, audited), whichever comes first —
the switch-off or the usage record; a session no booking stands behind is an item for the unit to explain."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yiqi.booking import services as booking_services
from yiqi.booking.tests.factories import BookingFactory, QualificationFactory
from yiqi.core.models import AuditEvent
from yiqi.interlocks import services
from yiqi.monitoring.models import ReconciliationItem
from yiqi.usage.models import UsageRecord

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(world):
    return world.users["external_user"]


@pytest.fixture
def booking(instrument, customer):
    QualificationFactory(instrument=instrument, user=customer)
    return BookingFactory(
        instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2)
    )


def test_usage_record_takes_the_hours_the_interlock_measured(
    client, interlock, booking, customer, device, clock, world, django_capture_on_commit_callbacks
):
    technician = world.users["technician_a"]
    booking_services.check_in(booking, actor=technician)
    clock(NOW + dt.timedelta(minutes=5))
    services.enable(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=50))
    services.release(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=60))
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.complete(booking, actor=technician)

    usage = UsageRecord.objects.get(record=booking.record)
    # Checked in at 9:00 and out at 10:00, but switched on only from 9:05 to 9:50.
    assert usage.measured
    assert (usage.started_at, usage.ended_at) == (
        NOW + dt.timedelta(minutes=5),
        NOW + dt.timedelta(minutes=50),
    )
    assert usage.machine_hours == Decimal("0.75")
    event = AuditEvent.objects.for_object(usage).latest("id")
    assert event.action == "measure" and event.actor is None
    assert event.data["changes"]["machine_hours"] == ["1.00", "0.75"]
    client.force_login(customer)
    page = client.get(reverse("usage:record_detail", args=[usage.pk]))
    assert "联锁实测" in page.content.decode()


def test_switch_off_after_the_record_was_written_measures_it_then(
    interlock, booking, customer, device, clock, settings, django_capture_on_commit_callbacks
):
    settings.YIQI_INTERLOCK_GRACE_MINUTES = 15
    clock(NOW - dt.timedelta(minutes=10))  # within the grace before the start
    services.enable(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=70))
    services.release(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=80))
    services.enable(interlock, actor=customer)
    # Nobody checked out: the booking ends by itself while the instrument is still on.
    clock(booking.ends_at + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.end_unattended(booking)
    usage = UsageRecord.objects.get(record=booking.record)
    # The closed session counts at once, the open one when it closes.
    assert usage.measured and usage.machine_hours == Decimal("1.33")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.auto_off() == 1

    usage.refresh_from_db()
    assert usage.measured
    assert usage.started_at == NOW - dt.timedelta(minutes=10)
    assert usage.ended_at == booking.ends_at + dt.timedelta(hours=1)
    # 80 minutes, then from 10:20 to 12:00: 100 minutes more.
    assert usage.machine_hours == Decimal("3.00")
    assert AuditEvent.objects.for_object(usage).filter(action="measure").count() == 2


def test_override_without_booking_is_an_item_to_explain(interlock, device, clock, world):
    technician = world.users["technician_a"]
    services.override(interlock, actor=technician, enable=True, reason="校准后试运行", hours=2)
    clock(NOW + dt.timedelta(minutes=90))
    services.override(interlock, actor=technician, enable=False, reason="试运行结束")

    item = ReconciliationItem.objects.get()
    assert item.kind == ReconciliationItem.Kind.UNBOOKED_SESSION
    assert item.status == ReconciliationItem.Status.OPEN
    assert (item.started_at, item.ended_at) == (NOW, NOW + dt.timedelta(minutes=90))
    assert item.telemetry_hours == Decimal("1.50") and item.unit_id == interlock.unit_id
    assert not UsageRecord.objects.exists()


def test_booked_session_is_no_item(interlock, booking, customer, device, clock):
    services.enable(interlock, actor=customer)
    clock(NOW + dt.timedelta(minutes=30))
    services.release(interlock, actor=customer)
    assert not ReconciliationItem.objects.exists()


def _telemetry_runs(instrument, start, end):
    """The instrument's power sensor saw it running from ``start`` to ``end``."""
    from yiqi.monitoring.models import StateInterval
    from yiqi.monitoring.tests.factories import DeviceFactory

    DeviceFactory(instrument=instrument)
    StateInterval.objects.create(instrument=instrument, state="running", start=start, end=end)


def _reconcile(instrument):
    from yiqi.monitoring import reconciliation
    from yiqi.registry.models import Instrument

    window = (NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=3))
    reconciliation.reconcile(*window, instruments=Instrument.objects.filter(pk=instrument.pk), now=window[1])


@pytest.mark.parametrize("reconciled_first", [False, True])
def test_an_override_that_telemetry_also_saw_is_one_item(
    interlock, instrument, device, clock, world, reconciled_first
):
    # The sensor saw the 90 minutes of running the override switched on: one fact, one item to explain, whether
    # the daily reconciliation ran before the switch-off or after.
    _telemetry_runs(instrument, NOW, NOW + dt.timedelta(minutes=90))
    technician = world.users["technician_a"]
    services.override(interlock, actor=technician, enable=True, reason="校准后试运行", hours=2)
    clock(NOW + dt.timedelta(minutes=90))
    if reconciled_first:
        _reconcile(instrument)
        assert ReconciliationItem.objects.get().kind == ReconciliationItem.Kind.UNRECORDED_USE
    services.override(interlock, actor=technician, enable=False, reason="试运行结束")
    _reconcile(instrument)

    item = ReconciliationItem.objects.get()
    assert item.kind == ReconciliationItem.Kind.UNBOOKED_SESSION
    assert (item.started_at, item.ended_at) == (NOW, NOW + dt.timedelta(minutes=90))
