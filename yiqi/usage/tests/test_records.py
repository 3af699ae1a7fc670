"""Records written for completed bookings and orders, and who sees which records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory
from yiqi.orders.models import OrderStatus
from yiqi.orders.tests.factories import TestOrderFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage import services
from yiqi.usage.models import UsageRecord, UsageRecordEvent
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def completed_booking(world, user, organization, **times):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - 5 * HOUR
    return BookingFactory(
        instrument=world.published_a,
        user=user,
        user_organization=organization,
        status=BookingStatus.COMPLETED,
        starts_at=start,
        ends_at=start + 2 * HOUR,
        **times,
    )


def test_an_outside_users_booking_is_external_service_on_its_actual_time(world):
    booking = completed_booking(world, world.users["external_user"], world.enterprise)
    booking.actual_start = booking.starts_at + dt.timedelta(minutes=15)
    booking.actual_end = booking.ends_at + dt.timedelta(minutes=30)
    booking.save()
    record = services.record_for_booking(booking, actor=world.users["technician_a"])
    assert record.source == UsageRecord.Source.BOOKING
    assert (record.is_external, record.purpose) == (True, UsageRecord.Purpose.SERVICE)
    assert record.machine_hours == Decimal("2.25")
    assert (record.started_at, record.ended_at) == (booking.actual_start, booking.actual_end)
    assert (record.unit, record.user_organization) == (world.unit_a, world.enterprise)
    assert record.events.get().action == UsageRecordEvent.Action.CREATE


def test_an_inside_users_booking_is_internal_on_the_booked_time(world):
    booking = completed_booking(world, world.users["technician_a"], world.unit_a)
    assert booking.is_internal
    record = services.record_for_booking(booking)
    assert (record.is_external, record.purpose, record.machine_hours) == (
        False,
        UsageRecord.Purpose.RESEARCH,
        Decimal("2.00"),
    )
    # Recording again updates the one record of the booking.
    assert services.record_for_booking(booking).pk == record.pk
    assert UsageRecord.objects.count() == 1


@pytest.mark.parametrize("internal", [False, True])
def test_an_order_is_recorded_on_the_hours_the_staff_entered(world, internal):
    tested_from = timezone.now() - 6 * HOUR
    order = TestOrderFactory(
        instrument=world.published_a,
        user=world.users["external_user"],
        user_organization=world.unit_a if internal else world.enterprise,
        is_internal=internal,
        status=OrderStatus.COMPLETED,
        machine_hours=Decimal("1.75"),
        tested_from=tested_from,
        tested_until=tested_from + 3 * HOUR,
    )
    record = services.record_for_order(order, actor=world.users["technician_a"])
    assert record.source == UsageRecord.Source.ORDER
    assert (record.is_external, record.machine_hours, record.sample_count) == (
        not internal,
        Decimal("1.75"),
        3,
    )
    assert (record.started_at, record.ended_at) == (order.tested_from, order.tested_until)
    assert record.service_content.startswith("钛合金块")


@pytest.fixture
def records(world):
    other_b = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    return {
        "a_external": UsageRecordFactory(
            instrument=world.published_a,
            user=world.users["external_user"],
            user_organization=world.enterprise,
            is_external=True,
        ),
        "a_manual": UsageRecordFactory(instrument=world.draft_a),
        "b_manual": UsageRecordFactory(instrument=other_b),
    }


VISIBLE = {
    "anonymous": set(),
    "external_user": {"a_external"},
    "expert": set(),
    "technician_a": {"a_external", "a_manual"},
    "officer_a": {"a_external", "a_manual"},
    "unit_admin_a": {"a_external", "a_manual"},
    "unit_admin_b": {"b_manual"},
    "department_admin_a": {"a_external", "a_manual"},
    "department_admin_b": {"b_manual"},
    "platform_admin": {"a_external", "a_manual", "b_manual"},
    "evaluator": {"a_external", "a_manual", "b_manual"},
}


@pytest.mark.parametrize("role", VISIBLE)
def test_who_sees_which_records(world, records, role):
    names = {record.pk: name for name, record in records.items()}
    visible = services.visible_usage(access_for(world.users[role]))
    assert {names[pk] for pk in visible.values_list("pk", flat=True)} == VISIBLE[role]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("technician_a", True),
        ("officer_a", True),
        ("department_admin_a", True),
        ("platform_admin", True),
        ("evaluator", False),
        ("external_user", False),
        ("unit_admin_b", False),
        ("department_admin_b", False),
    ],
)
def test_who_may_download_evidence(world, records, role, allowed):
    assert services.can_download_evidence(access_for(world.users[role]), records["a_manual"]) is allowed
