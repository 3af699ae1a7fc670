"""Malformed input to the booking routes: a 400 with a field message in Chinese, never a 500, nothing saved."""

import pytest
from rest_framework.test import APIClient

from yiqi.booking.models import Blackout, Booking, OpenHours, Qualification
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


# --- open hours: a bounded week ----------------------------------------------------------------------------------


def settings_url(instrument, suffix="service-settings/"):
    return f"/api/v1/instruments/{instrument.pk}/{suffix}"


def test_three_thousand_one_minute_periods_are_refused(world, instrument):
    before = list(OpenHours.objects.filter(instrument=instrument).values_list("weekday", "start_minute"))
    periods = [
        {"weekday": n % 7, "start_minute": n // 7 * 2, "end_minute": n // 7 * 2 + 1} for n in range(3000)
    ]
    response = api(world.users["unit_admin_a"]).put(
        settings_url(instrument), {"open_hours": periods}, format="json"
    )
    message = refused(response, "open_hours")
    assert "30 分钟" in message or "6 个" in message
    after = list(OpenHours.objects.filter(instrument=instrument).values_list("weekday", "start_minute"))
    assert after == before


def test_at_most_six_periods_a_day(world, instrument):
    seven = [{"weekday": 0, "start_minute": 60 * h, "end_minute": 60 * h + 30} for h in range(7)]
    response = api(world.users["unit_admin_a"]).put(
        settings_url(instrument), {"open_hours": seven}, format="json"
    )
    assert refused(response, "open_hours") == "每天最多 6 个开放时段。"
    six = seven[:6]
    response = api(world.users["unit_admin_a"]).put(
        settings_url(instrument), {"open_hours": six}, format="json"
    )
    assert response.status_code == 200, response.content
    assert OpenHours.objects.filter(instrument=instrument).count() == 6


def test_a_period_shorter_than_the_slot_is_refused(world, instrument):
    short = [{"weekday": 1, "start_minute": 480, "end_minute": 500}]  # 20 minutes, slot 30
    response = api(world.users["unit_admin_a"]).put(
        settings_url(instrument), {"open_hours": short}, format="json"
    )
    assert "30 分钟" in refused(response, "open_hours")
    # In the same request, a finer slot makes it valid: the settings are saved first.
    response = api(world.users["unit_admin_a"]).put(
        settings_url(instrument), {"slot_minutes": 15, "open_hours": short}, format="json"
    )
    assert response.status_code == 200, response.content


def test_the_settings_page_refuses_a_too_short_period(world, instrument, client):
    client.force_login(world.users["unit_admin_a"])
    data = {
        "section": "hours",
        **{f"rows-{day}": "1" for day in range(7)},
        "d0-0-start": "08:00",
        "d0-0-end": "08:10",
    }
    response = client.post(f"/booking/instruments/{instrument.pk}/settings/", data)
    assert response.status_code == 200
    assert "30 分钟" in response.content.decode()
    assert OpenHours.objects.filter(instrument=instrument, weekday=0).get().end_minute == 18 * 60


# --- qualifications: dates in range -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trained_on, expires_on, field",
    [
        ("0001-01-01", "2026-12-31", "trained_on"),
        ("2026-03-03", "2026-12-31", "trained_on"),  # training has not happened yet
        ("2026-01-05", "9999-12-31", "expires_on"),
        ("2026-01-05", "2025-12-31", "expires_on"),
    ],
)
def test_qualification_dates_out_of_range_are_refused(world, instrument, trained_on, expires_on, field):
    body = {"user": world.users["external_user"].pk, "trained_on": trained_on, "expires_on": expires_on}
    response = api(world.users["unit_admin_a"]).post(
        settings_url(instrument, "qualifications/"), body, format="json"
    )
    refused(response, field)
    assert not Qualification.objects.exists()


# --- the admin checks what the services check ---------------------------------------------------------------------


@pytest.fixture
def held(world, instrument):
    response = api(world.users["external_user"]).post(
        BOOKINGS,
        {
            "instrument": instrument.pk,
            "starts_at": "2026-03-03T09:00:00+08:00",
            "ends_at": "2026-03-03T11:00:00+08:00",
            "purpose": "形貌观察",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Booking.objects.get()


def test_the_admin_cannot_black_out_a_held_booking(admin_client, admin_user, instrument, held):
    response = admin_client.post(
        "/admin/booking/blackout/add/",
        {
            "instrument": instrument.pk,
            "kind": "maintenance",
            "starts_at_0": "2026-03-03",
            "starts_at_1": "10:00:00",
            "ends_at_0": "2026-03-03",
            "ends_at_1": "12:00:00",
            "reason": "保养",
            "created_by": admin_user.pk,
        },
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert not Blackout.objects.exists()
    response = admin_client.post(
        "/admin/booking/blackout/add/",
        {
            "instrument": instrument.pk,
            "kind": "maintenance",
            "starts_at_0": "2026-03-03",
            "starts_at_1": "12:00:00",
            "ends_at_0": "2026-03-03",
            "ends_at_1": "13:00:00",
            "reason": "保养",
            "created_by": admin_user.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Blackout.objects.count() == 1


@pytest.mark.parametrize(
    "weekday, start, end, words",
    [
        (0, 600, 700, "重叠"),  # inside Monday's 08:00–18:00
        (5, 600, 610, "30 分钟"),  # shorter than the slot
    ],
)
def test_the_admin_cannot_save_an_invalid_week_of_open_hours(
    admin_client, instrument, weekday, start, end, words
):
    before = OpenHours.objects.count()
    response = admin_client.post(
        "/admin/booking/openhours/add/",
        {"instrument": instrument.pk, "weekday": weekday, "start_minute": start, "end_minute": end},
    )
    assert response.status_code == 200
    assert words in " ".join(response.context["adminform"].form.non_field_errors())
    assert OpenHours.objects.count() == before


def test_the_admin_cannot_add_a_seventh_period_to_a_day(admin_client, instrument):
    OpenHours.objects.filter(instrument=instrument, weekday=6).delete()
    for hour in range(6):
        OpenHours.objects.create(
            instrument=instrument, weekday=6, start_minute=60 * hour, end_minute=60 * hour + 30
        )
    response = admin_client.post(
        "/admin/booking/openhours/add/",
        {"instrument": instrument.pk, "weekday": 6, "start_minute": 600, "end_minute": 700},
    )
    assert response.status_code == 200
    assert OpenHours.objects.filter(instrument=instrument, weekday=6).count() == 6
