"""Users are in Shanghai; servers and API clients may not be. Whatever offset a time arrives with, it lands on
the right instant and is checked against Shanghai open hours — across American daylight-saving changes too."""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.booking import services
from yiqi.booking.models import Booking
from yiqi.booking.tests.factories import bookable_instrument, freeze_now, local

NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC


@pytest.fixture
def instrument(world):
    # Open 08:00–18:00 Shanghai, every day, holidays included: only the hours matter here.
    return bookable_instrument(
        world.published_a, weekdays=range(7), closed_on_holidays=False, horizon_days=120
    )


def post(user, instrument, start: str, end: str):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/bookings/",
        {"instrument": instrument.pk, "starts_at": start, "ends_at": end, "purpose": "测试"},
        format="json",
    )


@pytest.mark.parametrize(
    "start, end, utc_start",
    [
        ("2026-03-03T09:00:00+08:00", "2026-03-03T11:00:00+08:00", dt.datetime(2026, 3, 3, 1, tzinfo=UTC)),
        ("2026-03-03T01:00:00Z", "2026-03-03T03:00:00Z", dt.datetime(2026, 3, 3, 1, tzinfo=UTC)),
        ("2026-03-02T20:00:00-05:00", "2026-03-02T22:00:00-05:00", dt.datetime(2026, 3, 3, 1, tzinfo=UTC)),
        ("2026-03-03T06:30:00+05:30", "2026-03-03T08:30:00+05:30", dt.datetime(2026, 3, 3, 1, tzinfo=UTC)),
        (
            "2026-03-03T09:00:00",
            "2026-03-03T11:00:00",
            dt.datetime(2026, 3, 3, 1, tzinfo=UTC),
        ),  # naive: Beijing
    ],
    ids=["beijing", "zulu", "new-york-winter", "india", "naive"],
)
def test_any_offset_lands_on_the_same_instant(world, instrument, monkeypatch, start, end, utc_start):
    freeze_now(monkeypatch, local(2026, 3, 2))
    response = post(world.users["external_user"], instrument, start, end)
    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert booking.starts_at == utc_start and booking.ends_at == utc_start + dt.timedelta(hours=2)
    assert response.json()["bookings"][0]["starts_at"] == "2026-03-03T09:00:00+08:00"


@pytest.mark.parametrize(
    "start, end",
    [
        ("2026-03-02T07:00:00-05:00", "2026-03-02T09:00:00-05:00"),  # 20:00–22:00 in Shanghai
        ("2026-03-02T23:00:00Z", "2026-03-03T01:00:00Z"),  # 07:00–09:00 in Shanghai
        ("2026-03-03T17:00:00", "2026-03-03T19:00:00"),  # naive, so Beijing: past closing
    ],
)
def test_an_offset_time_outside_shanghai_hours_is_refused(world, instrument, monkeypatch, start, end):
    freeze_now(monkeypatch, local(2026, 3, 2))
    response = post(world.users["external_user"], instrument, start, end)
    assert response.status_code == 400
    assert "不在开放时间内" in response.json()["starts_at"][0]


class TestNewYorkDaylightSaving:
    """A client in New York books by its own wall clock; the offset changes with the season."""

    def iso(self, *wall):
        return dt.datetime(*wall, tzinfo=NEW_YORK).isoformat()

    def test_the_day_clocks_spring_forward(self, world, instrument, monkeypatch):
        freeze_now(monkeypatch, local(2026, 3, 1))
        # 8 March 2026 20:00 in New York is already EDT (-04:00): 9 March 08:00–10:00 in Shanghai.
        start, end = self.iso(2026, 3, 8, 20), self.iso(2026, 3, 8, 22)
        assert start.endswith("-04:00")
        response = post(world.users["external_user"], instrument, start, end)
        assert response.status_code == 201, response.content
        assert Booking.objects.get().starts_at == dt.datetime(2026, 3, 9, 0, tzinfo=UTC)
        # 8 March 01:00 New York was still EST (-05:00): 14:00–16:00 Shanghai, open.
        early = post(
            world.users["external_user"], instrument, self.iso(2026, 3, 8, 1), self.iso(2026, 3, 8, 3)
        )
        assert early.status_code == 201, early.content
        # 19:00 EDT is 07:00 in Shanghai, before opening.
        late = post(
            world.users["technician_a"], instrument, self.iso(2026, 3, 8, 19), self.iso(2026, 3, 8, 21)
        )
        assert late.status_code == 400 and "不在开放时间内" in late.json()["starts_at"][0]

    def test_the_day_clocks_fall_back(self, world, instrument, monkeypatch):
        freeze_now(monkeypatch, local(2026, 10, 25))
        # 1 November 2026 20:00 in New York is EST again (-05:00): 2 November 09:00–11:00 in Shanghai.
        start, end = self.iso(2026, 11, 1, 20), self.iso(2026, 11, 1, 22)
        assert start.endswith("-05:00")
        response = post(world.users["external_user"], instrument, start, end)
        assert response.status_code == 201, response.content
        assert Booking.objects.get().starts_at == dt.datetime(2026, 11, 2, 1, tzinfo=UTC)
        assert response.json()["bookings"][0]["starts_at"] == "2026-11-02T09:00:00+08:00"
        # The day before, 20:00 EDT (-04:00) is 08:00 in Shanghai: open as well, an hour earlier in UTC.
        before = post(
            world.users["technician_a"], instrument, self.iso(2026, 10, 31, 20), self.iso(2026, 10, 31, 22)
        )
        assert before.status_code == 201, before.content
        assert Booking.objects.get(user=world.users["technician_a"]).starts_at == dt.datetime(
            2026, 11, 1, 0, tzinfo=UTC
        )


@pytest.fixture
def server_in_new_york():
    """The process's own time zone set to New York, as on a server configured elsewhere."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_a_server_in_another_time_zone_still_checks_shanghai_hours(
    world, instrument, monkeypatch, server_in_new_york
):
    assert time.strftime("%Z") in ("EST", "EDT")
    freeze_now(monkeypatch, local(2026, 3, 2))
    customer = world.users["external_user"]
    [booking] = services.request_booking(
        user=customer,
        instrument=instrument,
        starts_at=local(2026, 3, 3, 8),
        ends_at=local(2026, 3, 3, 10),
        purpose="测试",
    )
    assert booking.starts_at == dt.datetime(2026, 3, 3, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="不在开放时间内"):
        services.request_booking(
            user=customer,
            instrument=instrument,
            starts_at=local(2026, 3, 3, 17, 30),
            ends_at=local(2026, 3, 3, 18, 30),
            purpose="测试",
        )
    # Availability too is in Shanghai days: 8 March opens at 08:00 Shanghai, 00:00 UTC.
    result = services.availability(
        instrument, local(2026, 3, 8), local(2026, 3, 9), access=access_for(customer)
    )
    assert result.open == [(dt.datetime(2026, 3, 8, 0, tzinfo=UTC), dt.datetime(2026, 3, 8, 10, tzinfo=UTC))]
