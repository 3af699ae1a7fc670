import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone, translation

from yiqi.booking.models import BookingStatus
from yiqi.booking.tests.factories import BookingFactory
from yiqi.orders.models import OrderStatus
from yiqi.orders.tests.factories import TestOrderFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Messages are asserted in Chinese; a request in English leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def completed_booking(instrument, user, *, days_ago=1, **fields):
    """The service record of a finished booking in the past; distinct days keep bookings of one instrument from
    overlapping."""
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    booking = BookingFactory(
        instrument=instrument,
        user=user,
        status=BookingStatus.COMPLETED,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        **fields,
    )
    return booking.record


def completed_order(instrument, user, **fields):
    """The service record of a completed commissioned-testing order."""
    return TestOrderFactory(instrument=instrument, user=user, status=OrderStatus.COMPLETED, **fields).record


@contextmanager
def local_time(year, month, day, hour=10):
    """Run as if it were this moment in Beijing (services read ``timezone.now``)."""
    moment = dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@pytest.fixture
def served(world):
    """A published instrument of unit A managed by manager_a, with the service records of one completed booking
    and one completed order of the enterprise's user."""
    instrument = InstrumentFactory(
        unit=world.unit_a,
        name="场发射扫描电镜",
        registration_status=RegistrationStatus.PUBLISHED,
        manager=world.users["manager_a"],
    )
    user = world.users["external_user"]
    return {
        "instrument": instrument,
        "booking": completed_booking(instrument, user, user_organization=world.enterprise),
        "order": completed_order(instrument, user, user_organization=world.enterprise),
    }
