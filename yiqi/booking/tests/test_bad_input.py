"""Malformed input to the booking routes: a 400 with a field message in Chinese, never a 500, nothing saved."""

import pytest
from rest_framework.test import APIClient

from yiqi.booking.models import Booking
from yiqi.booking.tests.factories import bookable_instrument, local

NOW = local(2026, 3, 2)
BOOKINGS = "/api/v1/bookings/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    return bookable_instrument(world.published_a)


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    return " ".join(body[field])


# --- availability (anonymous) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, field",
    [
        ("2026-02-30", "2026-03-09", "start"),  # well formed, not a day: ValueError before
        ("2026-03-02", "2026-02-31", "end"),
        ("2026-13-01", "2026-03-09", "start"),
        ("0001-01-01", "0001-01-08", "start"),  # the day before the first day overflows
        ("9999-12-24", "9999-12-31", "start"),  # the day after the last day overflows
        ("0001-01-01T00:00:00%2B08:00", "0001-01-02T00:00:00%2B08:00", "start"),
    ],
)
def test_impossible_dates_in_an_availability_query_are_a_400(instrument, start, end, field):
    url = f"/api/v1/instruments/{instrument.pk}/availability/?start={start}&end={end}"
    message = refused(api().get(url), field)
    assert message and "Traceback" not in message


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_far_day_on_the_availability_pages_shows_today(instrument, client, day):
    for page in ("", "day/"):
        response = client.get(f"/booking/instruments/{instrument.pk}/{page}?date={day}")
        assert response.status_code == 200, (page, day, response.status_code)
        assert response.context["day"] == NOW.date()


# --- the bookings list and booking requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field",
    [
        (
            "?from=2026-03-03T10:00:00%2B20:00",
            "from",
        ),  # PostgreSQL keeps offsets up to ±15:59: DataError before
        ("?to=2026-03-03T10:00:00-23:59", "to"),
        ("?from=0001-01-01T00:00:00%2B08:00", "from"),
        ("?from=2026-02-30T10:00:00", "from"),
    ],
)
def test_an_impossible_time_in_a_bookings_filter_is_a_400(world, instrument, query, field):
    message = refused(api(world.users["platform_admin"]).get(BOOKINGS + query), field)
    assert message


@pytest.mark.parametrize(
    "starts_at, ends_at, field",
    [
        ("9999-12-31T09:00:00+08:00", "9999-12-31T11:00:00+08:00", "starts_at"),
        ("0001-01-01T09:00:00+08:00", "0001-01-01T11:00:00+08:00", "starts_at"),
        ("2026-03-03T09:00:00+20:00", "2026-03-03T11:00:00+08:00", "starts_at"),
    ],
)
def test_an_impossible_booking_time_is_a_400_and_books_nothing(world, instrument, starts_at, ends_at, field):
    body = {"instrument": instrument.pk, "starts_at": starts_at, "ends_at": ends_at, "purpose": "形貌观察"}
    response = api(world.users["external_user"]).post(BOOKINGS, body, format="json")
    refused(response, field)
    assert not Booking.objects.exists()
