"""The database itself refuses double booking on PostgreSQL: the exclusion constraint ``booking_no_overlap``
stops two slot-holding bookings of one instrument overlapping even when a writer skips the booking service."""

import pytest
from django.db import IntegrityError, transaction

from yiqi.booking.models import Booking, BookingStatus
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local, service_record_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def instrument(world):
    return bookable_instrument(world.published_a)


def overlapping(instrument, user, status=BookingStatus.CONFIRMED) -> Booking:
    """10:00–12:00 against the 09:00–11:00 booking each test starts with (with its own service record)."""
    booking = Booking(
        instrument=instrument,
        user=user,
        status=status,
        starts_at=local(2026, 3, 4, 10),
        ends_at=local(2026, 3, 4, 12),
        purpose="绕过服务层",
    )
    booking.record = service_record_for(booking)
    return booking


@pytest.fixture
def first(world, instrument):
    return BookingFactory(
        instrument=instrument, starts_at=local(2026, 3, 4, 9), ends_at=local(2026, 3, 4, 11)
    )


@pytest.mark.parametrize(
    "status", [BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.COMPLETED]
)
def test_an_overlapping_slot_holding_booking_is_refused_by_the_database(world, instrument, first, status):
    second = overlapping(instrument, world.users["external_user"], status)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.bulk_create([second])
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        second.save()
    assert Booking.objects.filter(instrument=instrument).count() == 1


def test_cancelled_bookings_may_overlap(world, instrument, first):
    first.status = BookingStatus.CANCELLED
    first.save()
    overlapping(instrument, world.users["external_user"]).save()
    Booking.objects.bulk_create(
        [overlapping(instrument, world.users["external_user"], BookingStatus.CANCELLED)]
    )
    assert Booking.objects.filter(instrument=instrument).count() == 3


def test_touching_bookings_and_other_instruments_do_not_clash(world, instrument, first):
    touching = Booking(
        instrument=instrument,
        user=world.users["external_user"],
        status=BookingStatus.CONFIRMED,
        starts_at=local(2026, 3, 4, 11),
        ends_at=local(2026, 3, 4, 12),
        purpose="紧接着上一位",
    )
    touching.record = service_record_for(touching)
    touching.save()
    other = bookable_instrument()
    Booking.objects.bulk_create([overlapping(other, world.users["external_user"])])
    assert Booking.objects.count() == 3
