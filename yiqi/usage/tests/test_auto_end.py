"""Self-operation nobody checked out of ends by itself at the booked end once the grace has passed, and the unit
sees check-outs that are overdue or were ended by the system."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, freeze_now, local
from yiqi.core.models import AuditEvent
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage import services, tasks
from yiqi.usage.models import UsageRecord

NOW = local(2026, 3, 2, 15)


@pytest.fixture
def instrument(world, monkeypatch):
    freeze_now(monkeypatch, NOW)
    instrument = bookable_instrument(world.published_a)
    FeeItemFactory(instrument=instrument)
    return instrument


@pytest.fixture
def customer(world):
    return world.users["external_user"]


def in_use(instrument, user, ended_ago: dt.timedelta):
    end = NOW - ended_ago
    return BookingFactory(
        instrument=instrument,
        user=user,
        status=BookingStatus.CHECKED_IN,
        starts_at=end - dt.timedelta(hours=2),
        ends_at=end,
        actual_start=end - dt.timedelta(hours=2, minutes=-5),
    )


def test_usage_left_checked_in_ends_at_the_booked_end_after_the_grace(instrument, customer):
    forgotten = in_use(instrument, customer, dt.timedelta(hours=3))
    overrunning = in_use(instrument, customer, dt.timedelta(minutes=30))
    assert tasks.end_overdue_usage.call_local() == 1
    forgotten.refresh_from_db()
    assert forgotten.status == BookingStatus.COMPLETED and forgotten.ended_automatically
    assert forgotten.actual_end == forgotten.ends_at
    event = AuditEvent.objects.for_object(forgotten).get(action="complete")
    assert event.actor is None and "自动结束" in event.comment
    usage = UsageRecord.objects.get(record=forgotten.record)
    assert usage.ended_at == forgotten.ends_at and usage.machine_hours == Decimal("1.92")  # 10:05 to 12:00
    overrunning.refresh_from_db()
    assert overrunning.status == BookingStatus.CHECKED_IN
    assert services.end_overdue_usage() == 0


def test_the_unit_sees_overdue_and_automatically_ended_check_outs(world, client_for, instrument, customer):
    overdue = in_use(instrument, customer, dt.timedelta(minutes=20))
    ended = in_use(instrument, customer, dt.timedelta(hours=3))
    services.end_overdue_usage()
    page = client_for(world.users["technician_a"]).get("/usage/overdue-checkouts/").content.decode()
    assert f"/booking/{overdue.pk}/" in page and f"/booking/{ended.pk}/" in page
    other_unit = client_for(world.users["unit_admin_b"]).get("/usage/overdue-checkouts/").content.decode()
    assert f"/booking/{overdue.pk}/" not in other_unit
    assert client_for(world.users["external_user"]).get("/usage/overdue-checkouts/").status_code == 403
    workspace = client_for(world.users["technician_a"]).get("/workspace/").content.decode()
    assert "/usage/overdue-checkouts/" in workspace and "1 次上机已超过预约结束时间" in workspace


def test_the_overdue_list_costs_the_same_queries_however_long(world, client_for, instrument, customer):
    client = client_for(world.users["unit_admin_a"])

    def add(n):
        for _ in range(n):  # one instrument each: one instrument's bookings never overlap
            other = bookable_instrument(
                InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED)
            )
            in_use(other, customer, dt.timedelta(minutes=10))

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/usage/overdue-checkouts/")
    add(4)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/usage/overdue-checkouts/").content.decode().count("/booking/") >= 6
    assert len(more) == len(few)
