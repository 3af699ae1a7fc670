"""Calendar subscriptions: a user's own bookings behind a secret address, and an instrument's busy time for
anyone; both parse as iCalendar, carry UTC times, and never name another user."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import BookingStatus, CalendarFeed
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument, local

NOW = local(2026, 3, 2, 9)


@pytest.fixture
def instrument(world, clock):
    clock(NOW)
    instrument = bookable_instrument(world.published_a)
    instrument.building, instrument.room = "材料楼", "B201"
    instrument.save()
    return instrument


@pytest.fixture
def rival():
    return UserFactory(username="rival_lab", full_name="王竞争", email="rival@example.cn")


def events_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def feed_url(client):
    return client.get(reverse("booking:mine")).context["feed_url"]


def subscribe(client):
    """Ask for the address (the page only shows one the user has made) and read it off the page."""
    assert client.post(reverse("booking:feed_reset")).status_code == 302
    return feed_url(client)


def test_my_feed_lists_my_bookings_with_instrument_place_and_status_in_utc(
    client_for, instrument, customer, rival
):
    mine = BookingFactory(
        instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 10), ends_at=local(2026, 3, 4, 12)
    )
    BookingFactory(
        instrument=instrument,
        user=customer,
        status=BookingStatus.CANCELLED,
        starts_at=local(2026, 3, 5, 10),
        ends_at=local(2026, 3, 5, 12),
    )
    BookingFactory(instrument=instrument, user=rival, purpose="王的秘密实验", starts_at=local(2026, 3, 4, 14))
    client = client_for(customer)
    url = subscribe(client)
    assert url.startswith("http://testserver/booking/feeds/") and url.endswith(".ics")

    # A calendar app fetches it without a session.
    client.logout()
    response = client.get(url)
    events = events_of(response)
    assert [str(e["uid"]) for e in events] == [f"booking-{mine.pk}@yiqi", f"booking-{mine.pk + 1}@yiqi"]
    first, cancelled = events
    assert instrument.name in str(first["summary"]) and "已确认" in str(first["summary"])
    assert str(first["location"]) == "材料楼 B201"
    assert first["dtstart"].dt == dt.datetime(2026, 3, 4, 2, tzinfo=dt.UTC)
    assert first["dtstart"].to_ical() == b"20260304T020000Z"
    assert str(first["status"]) == "CONFIRMED" and str(cancelled["status"]) == "CANCELLED"
    text = response.content.decode()
    assert "rival" not in text and "王竞争" not in text and "王的秘密实验" not in text


def test_resetting_the_address_stops_the_old_one(client_for, instrument, customer):
    BookingFactory(instrument=instrument, user=customer, starts_at=local(2026, 3, 4, 10))
    client = client_for(customer)
    old = subscribe(client)
    assert feed_url(client) == old  # the page shows the same address until it is reset
    assert client.get(old).status_code == 200

    response = client.post(reverse("booking:feed_reset"))
    assert response.status_code == 302
    new = feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert len(events_of(client.get(new))) == 1


def test_the_address_is_made_on_request_never_by_looking(client_for, customer):
    client = client_for(customer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("booking:mine"))
    assert page.status_code == 200 and page.context["feed_url"] is None
    assert not [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert not CalendarFeed.objects.exists()
    assert reverse("booking:feed_reset") in page.content.decode()  # the button that makes one

    response = client.post(reverse("booking:feed_reset"), follow=True)
    feed = CalendarFeed.objects.get(user=customer)
    assert "已生成订阅地址。" in response.content.decode()
    assert (
        response.context["feed_url"] == f"http://testserver{reverse('booking:user_feed', args=[feed.token])}"
    )


def test_feed_reset_needs_login_and_a_post(client_for, customer):
    response = client_for(None).post(reverse("booking:feed_reset"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not CalendarFeed.objects.exists()
    assert client_for(customer).get(reverse("booking:feed_reset")).status_code == 405


def test_unknown_token_is_not_found(db, client):
    assert client.get(reverse("booking:user_feed", args=["no-such-token"])).status_code == 404


def test_instrument_feed_is_public_and_shows_busy_time_only(client_for, instrument, customer, rival):
    BookingFactory(instrument=instrument, user=rival, purpose="王的秘密实验", starts_at=local(2026, 3, 4, 14))
    BookingFactory(
        instrument=instrument,
        user=customer,
        status=BookingStatus.CANCELLED,
        starts_at=local(2026, 3, 5, 10),
    )
    url = reverse("booking:instrument_feed", args=[instrument.pk])
    for user in (None, customer):
        response = client_for(user).get(url)
        events = events_of(response)
        assert len(events) == 1
        (event,) = events
        assert str(event["summary"]) == "已占用"
        assert event["dtstart"].to_ical() == b"20260304T060000Z"
        text = response.content.decode()
        for secret in ("rival", "王竞争", "王的秘密实验", customer.username, "booking-"):
            assert secret not in text


def test_instrument_feed_of_an_unpublished_record_is_not_found(world, client_for):
    url = reverse("booking:instrument_feed", args=[world.draft_a.pk])
    assert client_for(None).get(url).status_code == 404
    assert client_for(world.users["external_user"]).get(url).status_code == 404
