"""Looking is free: the pages, feeds and API reads of bookings write nothing, and every list costs the same
number of queries however many rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking import services
from yiqi.booking.models import ServiceSettings
from yiqi.booking.tests.factories import (
    BlackoutFactory,
    BookingFactory,
    QualificationFactory,
    WaitlistEntryFactory,
    local,
    open_all_week,
)
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

NOW = local(2026, 3, 2, 9)
WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_during(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def unsettled(world, clock):
    """Unit A's published instrument offering self-operation, whose manager has never saved its settings."""
    clock(NOW)
    instrument = world.published_a
    instrument.offers_self_operation = True
    instrument.save()
    open_all_week(instrument, 8 * 60, 18 * 60)
    ServiceSettings.objects.filter(instrument=instrument).delete()
    return instrument


@pytest.fixture
def unit_admin(client, world):
    client.force_login(world.users["unit_admin_a"])
    return client


@pytest.mark.parametrize(
    "url",
    [
        lambda i: reverse("registry:instrument_detail", args=[i.pk]),
        lambda i: reverse("booking:availability", args=[i.pk]),
        lambda i: reverse("booking:day_list", args=[i.pk]) + "?date=2026-03-04",
        lambda i: reverse("booking:instrument_feed", args=[i.pk]),
        lambda i: reverse("booking:settings", args=[i.pk]),
        lambda i: f"/api/v1/instruments/{i.pk}/availability/?start=2026-03-02&end=2026-03-09",
        lambda i: f"/api/v1/instruments/{i.pk}/service-settings/",
    ],
    ids=[
        "instrument page",
        "availability",
        "day list",
        "ical feed",
        "settings page",
        "api availability",
        "api settings",
    ],
)
def test_a_unit_admin_looking_at_an_instrument_writes_nothing(unsettled, unit_admin, url):
    assert writes_during(unit_admin, url(unsettled)) == []
    assert not ServiceSettings.objects.filter(instrument=unsettled).exists()


def test_a_booking_of_an_instrument_never_configured_keeps_to_the_defaults(world, unsettled):
    """No settings row is needed to book: the booking path takes no row lock for plain bookings (PostgreSQL's
    exclusion constraint keeps held time apart), so it writes none either."""
    customer = world.users["external_user"]
    QualificationFactory(instrument=unsettled, user=customer)
    [booking] = services.request_booking(
        user=customer,
        instrument=unsettled,
        starts_at=local(2026, 3, 4, 10),
        ends_at=local(2026, 3, 4, 12),
        purpose="形貌观察",
    )
    assert not ServiceSettings.objects.filter(instrument=unsettled).exists()
    # The defaults need approval: the booking waits for it, as before.
    assert booking.status == "requested"


@pytest.mark.parametrize("who", ["unit_admin_a", "external_user"])
def test_looking_at_a_booking_writes_nothing(world, client, clock, who):
    """Its page gathers the charge and rating parts from the layers above; none of them writes."""
    clock(NOW)
    booking = BookingFactory(instrument=world.published_a, user=world.users["external_user"])
    client.force_login(world.users[who])
    assert writes_during(client, reverse("booking:detail", args=[booking.pk])) == []


# --- lists cost the same whatever their length ---------------------------------------------------------------------


def queries_for(user, url) -> int:
    client = APIClient()
    client.force_authenticate(user)
    client.get(url)  # warm the per-process caches (deployment settings and the like)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def unit_a_instrument(world, *, settled: bool):
    instrument = InstrumentFactory(
        unit=world.published_a.unit, registration_status=RegistrationStatus.PUBLISHED
    )
    if settled:
        ServiceSettings.objects.create(instrument=instrument)
    return instrument


def add_bookings(world, count: int) -> None:
    """Bookings of one customer on different instruments of unit A, half of them never configured."""
    for n in range(count):
        BookingFactory(
            instrument=unit_a_instrument(world, settled=n % 2 == 0),
            user=world.users["external_user"],
            starts_at=local(2026, 3, 4 + n % 3, 9),
            ends_at=local(2026, 3, 4 + n % 3, 10),
        )


def test_the_bookings_list_costs_the_same_for_3n_rows(world, clock):
    clock(NOW)
    staff, customer = world.users["unit_admin_a"], world.users["external_user"]
    add_bookings(world, 3)
    few = [queries_for(who, "/api/v1/bookings/") for who in (staff, customer)]
    add_bookings(world, 6)
    assert [queries_for(who, "/api/v1/bookings/") for who in (staff, customer)] == few


def test_the_waitlist_list_costs_the_same_for_3n_rows(world, clock):
    clock(NOW)
    user = UserFactory()

    def add(count):
        for _n in range(count):
            WaitlistEntryFactory(user=user, instrument=unit_a_instrument(world, settled=False))

    add(3)
    few = queries_for(user, "/api/v1/waitlist/")
    add(6)
    assert queries_for(user, "/api/v1/waitlist/") == few


def test_the_qualification_and_blackout_lists_cost_the_same_for_3n_rows(world, clock):
    clock(NOW)
    instrument = world.published_a
    manager = world.users["unit_admin_a"]
    qualifications = f"/api/v1/instruments/{instrument.pk}/qualifications/"
    blackouts = f"/api/v1/instruments/{instrument.pk}/blackouts/"

    def add(count):
        for _n in range(count):
            QualificationFactory(instrument=instrument, granted_by=manager)
            BlackoutFactory(instrument=instrument, created_by=manager)

    add(3)
    few = (queries_for(manager, qualifications), queries_for(manager, blackouts))
    add(6)
    assert (queries_for(manager, qualifications), queries_for(manager, blackouts)) == few
