"""Booking on the open-hours grid: slots count from the start of each open period (08:30 with 60-minute slots
gives 08:30, 09:30 …), the day list and the calendar offer only bookable starts, refusals name valid times, and one
user's self-operation bookings may not overlap across instruments unless the deployment allows it."""

import re

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from yiqi.booking import services
from yiqi.booking.models import Booking
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.organizations.models import Deployment
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

# Monday 2 March 2026, 09:00 in Shanghai.
NOW = local(2026, 3, 2, 9)
HALF_PAST_EIGHT, HALF_PAST_FIVE = 8 * 60 + 30, 17 * 60 + 30


@pytest.fixture
def instrument(world, clock):
    """Open 08:30–17:30 on weekdays, booked in 60-minute slots, at most 8 hours, 2 hours ahead."""
    clock(NOW)
    return bookable_instrument(world.published_a, hours=(HALF_PAST_EIGHT, HALF_PAST_FIVE), slot_minutes=60)


def book(user, instrument, start, end):
    return services.request_booking(
        user=user, instrument=instrument, starts_at=start, ends_at=end, purpose="形貌观察"
    )


def refusal(user, instrument, start, end) -> dict:
    with pytest.raises(ValidationError) as caught:
        book(user, instrument, start, end)
    return caught.value.message_dict


def test_the_first_hour_of_an_half_past_eight_opening_can_be_booked(instrument, customer):
    [booking] = book(customer, instrument, local(2026, 3, 4, 8, 30), local(2026, 3, 4, 9, 30))
    assert booking.status == "confirmed"
    [later] = book(customer, instrument, local(2026, 3, 4, 14, 30), local(2026, 3, 4, 16, 30))
    assert later.pk


def test_times_off_the_grid_are_refused_with_examples_from_the_grid(instrument, customer):
    start_off = refusal(customer, instrument, local(2026, 3, 4, 9), local(2026, 3, 4, 10))
    assert start_off == {
        "starts_at": ["开始时间须从开放时段 08:30 起每 60 分钟一档选择，如 08:30、09:30、10:30。"]
    }
    end_off = refusal(customer, instrument, local(2026, 3, 4, 8, 30), local(2026, 3, 4, 10))
    assert end_off == {
        "ends_at": ["结束时间须从开放时段 08:30 起每 60 分钟一档选择，如 09:30、10:30、11:30。"]
    }
    assert not Booking.objects.exists()


def test_a_period_that_ends_between_slots_may_be_booked_to_its_end(world, customer, clock):
    clock(NOW)
    instrument = bookable_instrument(
        InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED),
        hours=(HALF_PAST_EIGHT, 17 * 60 + 45),
        slot_minutes=60,
    )
    [booking] = book(customer, instrument, local(2026, 3, 4, 16, 30), local(2026, 3, 4, 17, 45))
    assert booking.pk


def test_the_day_list_offers_only_bookable_starts(client_for, instrument, customer):
    page = client_for(customer).get(f"/booking/instruments/{instrument.pk}/?date=2026-03-04").content.decode()
    assert re.findall(r"<strong>([\d:–]+)</strong> ([^<\n]+)", page) == [("08:30–17:30", "可预约，08:30 起")]
    # “Choose” fills in the first slot and the longest booking the grid allows (8 hours).
    assert 'data-fill-start="2026-03-04T08:30" data-fill-end="2026-03-04T16:30"' in page
    # The time inputs step in half hours, so the browser's own picker lands on 08:30 as well as on the hours.
    assert page.count('step="1800"') == 2


def test_today_the_day_list_starts_at_the_first_slot_after_the_lead_time(client_for, instrument, customer):
    page = client_for(customer).get(f"/booking/instruments/{instrument.pk}/?date=2026-03-02").content.decode()
    # 09:00 now, two hours' lead: 11:00 is the earliest moment, 11:30 the first slot start on the grid.
    assert re.findall(r"<strong>([\d:–]+)</strong> ([^<\n]+)", page) == [("08:30–17:30", "可预约，11:30 起")]


def test_a_stretch_shorter_than_a_slot_is_shown_but_not_offered(client_for, instrument, customer):
    BookingFactory(instrument=instrument, starts_at=local(2026, 3, 4, 8, 30), ends_at=local(2026, 3, 4, 17))
    page = client_for(customer).get(f"/booking/instruments/{instrument.pk}/?date=2026-03-04").content.decode()
    assert "17:00–17:30" in page and "空闲，但不足一个可预约时段" in page
    assert "data-fill-start" not in page


def test_the_calendar_gets_the_grid_and_snaps_to_it(client_for, instrument, customer):
    data = (
        APIClient()
        .get(f"/api/v1/instruments/{instrument.pk}/availability/?start=2026-03-04&end=2026-03-05")
        .json()
    )
    assert data["slot_minutes"] == 60
    assert {"start": "2026-03-04T08:30:00+08:00", "end": "2026-03-04T17:30:00+08:00"} in data["periods"]
    assert data["earliest_start"] == "2026-03-02T11:00:00+08:00"
    page = client_for(customer).get(f"/booking/instruments/{instrument.pk}/").content.decode()
    assert 'data-slot="60" data-step="30"' in page and 'data-from="08:30:00"' in page


@pytest.fixture
def other_instrument(world):
    other = bookable_instrument(
        InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    )
    FeeItemFactory(instrument=other)
    return other


def test_one_user_cannot_hold_overlapping_bookings_on_two_instruments(instrument, other_instrument, customer):
    book(customer, instrument, local(2026, 3, 4, 10, 30), local(2026, 3, 4, 11, 30))
    refused = refusal(customer, other_instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 12))
    assert refused == {
        "starts_at": ["您在 2026-03-04 10:30–11:30 已预约“公开的电镜”，同一时段不能再预约其他仪器。"]
    }
    # Back to back is fine, and so is another user at the same time.
    assert book(customer, other_instrument, local(2026, 3, 4, 11, 30), local(2026, 3, 4, 12, 30))


def test_a_deployment_may_allow_overlapping_bookings_across_instruments(
    instrument, other_instrument, customer
):
    Deployment.objects.update_or_create(pk=1, defaults={"refuse_overlapping_bookings": False})
    book(customer, instrument, local(2026, 3, 4, 10, 30), local(2026, 3, 4, 11, 30))
    assert book(customer, other_instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 12))


def test_a_cancelled_booking_elsewhere_does_not_block(instrument, other_instrument, customer):
    BookingFactory(
        instrument=instrument,
        user=customer,
        status="cancelled",
        starts_at=local(2026, 3, 4, 10, 30),
        ends_at=local(2026, 3, 4, 11, 30),
    )
    assert book(customer, other_instrument, local(2026, 3, 4, 11), local(2026, 3, 4, 12))


def test_a_booking_request_costs_no_more_queries_than_before_the_credit_checks(
    world, instrument, customer, django_assert_max_num_queries
):
    """Standing (deployment and suspension) and the cross-instrument check cost no extra query: the settings are
    read once, under the lock, and the user's other bookings come with the instrument's in one query."""
    FeeItemFactory(instrument=instrument)
    client = APIClient()
    client.force_authenticate(customer)
    data = {
        "instrument": instrument.pk,
        "starts_at": "2026-03-04T08:30:00+08:00",
        "ends_at": "2026-03-04T10:30:00+08:00",
        "purpose": "形貌观察",
    }
    with django_assert_max_num_queries(36):
        assert client.post("/api/v1/bookings/", data, format="json").status_code == 201
