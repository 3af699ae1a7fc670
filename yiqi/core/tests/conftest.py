"""A bookable instrument for the cross-app journeys."""

from decimal import Decimal

import pytest

from yiqi.booking.tests.factories import ServiceSettingsFactory, open_all_week
from yiqi.fees.tests.factories import FeeItemFactory


@pytest.fixture
def bookable(world):
    instrument = world.published_a
    instrument.offers_self_operation = True
    instrument.manager = world.users["manager_a"]
    instrument.save()
    ServiceSettingsFactory(
        instrument=instrument,
        slot_minutes=15,
        min_booking_minutes=15,
        lead_time_hours=0,
        requires_approval=True,
        requires_qualification=False,
    )
    open_all_week(instrument)
    FeeItemFactory(instrument=instrument, name="机时费", rate_external=Decimal("300.00"))
    return instrument
