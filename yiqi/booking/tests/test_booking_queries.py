"""The booking path reads each thing once and writes in bulk: at most 10 queries per booking request (issue 12) —
the user's roles, the instrument with its settings, the one read of every fact the rules check (``services.reading``,
which also brings the alliance member price category fees charge at), the fee schedule, and the inserts — however
many staff hear of it and whatever the schedule holds."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from yiqi.booking.models import Booking
from yiqi.booking.tests.factories import BookingFactory, QualificationFactory, local
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.notifications.models import Notification

NOW = local(2026, 3, 2, 9)
MAX_QUERIES = 10
# A page request also reads its session and its user (the API test authenticates without them).
WEB_MAX_QUERIES = MAX_QUERIES + 2


def statements(captured) -> list[str]:
    """What a production request sends: the test's own transaction makes every ``atomic`` a savepoint, which a
    request outside a transaction does not run; content types are cached after a worker's first request."""
    return [
        q["sql"]
        for q in captured
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
    ]


@pytest.fixture
def busy_instrument(world, instrument, customer):
    """Two fee items, staff to tell, other bookings in the week, a qualification: nothing here may add a query."""
    instrument.service_settings.requires_qualification = True
    instrument.service_settings.save()
    FeeItemFactory(instrument=instrument)
    FeeItemFactory(instrument=instrument, name="耗材费")
    for _ in range(3):
        RoleAssignmentFactory(user=UserFactory(), role=Role.TECHNICIAN, organization=instrument.unit)
    for day in (3, 5):
        BookingFactory(
            instrument=instrument, starts_at=local(2026, 3, day, 9), ends_at=local(2026, 3, day, 10)
        )
    QualificationFactory(instrument=instrument, user=customer)
    for model in (Booking, Charge):
        ContentType.objects.get_for_model(model)
    return instrument


def book_free_time(customer, instrument):
    """The customer books free time on Wednesday morning through the API; the response."""
    client = APIClient()
    client.force_authenticate(customer)
    data = {
        "instrument": instrument.pk,
        "starts_at": "2026-03-04T08:30:00+08:00",
        "ends_at": "2026-03-04T10:30:00+08:00",
        "purpose": "形貌观察",
    }
    return client.post("/api/v1/bookings/", data, format="json")


def test_an_api_booking_runs_at_most_ten_queries(busy_instrument, customer):
    with CaptureQueriesContext(connection) as captured:
        response = book_free_time(customer, busy_instrument)
    assert response.status_code == 201, response.content
    sent = statements(captured)
    assert len(sent) <= MAX_QUERIES, "\n".join(sent)
    [booking] = response.json()["bookings"]
    assert booking["fee"] == str(Charge.objects.get(record__booking__pk=booking["id"]).total)
    assert booking["user_organization_name"]
    assert Notification.objects.filter(url=f"/booking/{booking['id']}/").count() >= 4  # staff and the user
    assert AuditEvent.objects.filter(object_id=booking["id"], action="create").exists()


def test_a_refused_api_booking_reads_once_and_writes_nothing(busy_instrument, customer):
    client = APIClient()
    client.force_authenticate(customer)
    data = {
        "instrument": busy_instrument.pk,
        "starts_at": "2026-03-03T09:00:00+08:00",
        "ends_at": "2026-03-03T10:00:00+08:00",
        "purpose": "形貌观察",
    }
    before = Booking.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/bookings/", data, format="json")
    assert response.status_code == 400 and "starts_at" in response.json()
    assert len(statements(captured)) <= 4  # roles, the instrument, its settings, the facts
    assert Booking.objects.count() == before


def test_a_web_booking_runs_few_queries(client, busy_instrument, customer):
    client.force_login(customer)
    url = reverse("booking:availability", args=[busy_instrument.pk])
    data = {
        "starts_at": "2026-03-04T08:30",
        "ends_at": "2026-03-04T10:30",
        "purpose": "形貌观察",
        "sample_count": 0,
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sent = statements(captured)
    assert len(sent) <= WEB_MAX_QUERIES, "\n".join(sent)


@pytest.mark.parametrize(("quota", "held_read"), [(None, 0), (8, 2)])
def test_the_weeks_bookings_are_read_only_when_a_weekly_rule_adds_them_up(
    busy_instrument, customer, monkeypatch, quota, held_read
):
    """A week can hold hundreds of bookings; without a weekly quota or reserve only those that could clash with
    the requested time are read (here none), with one the whole week's (the two on other days)."""
    from yiqi.booking.services import lifecycle, reading

    busy_instrument.service_settings.weekly_quota_hours = quota
    busy_instrument.service_settings.save()
    seen = []

    def read_and_keep(*args, **kwargs):
        facts = reading.read_facts(*args, **kwargs)
        seen.append(len(facts.held))  # as read: the rules add the new booking to the list
        return facts

    monkeypatch.setattr(lifecycle, "read_facts", read_and_keep)
    assert book_free_time(customer, busy_instrument).status_code == 201
    assert seen == [held_read]
