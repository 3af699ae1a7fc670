"""Rating and complaint lists cost the same number of queries for 3 rows as for 9."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqi.accounts.tests.factories import UserFactory
from yiqi.feedback import services
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .conftest import completed_booking
from .test_api import GOOD, api

pytestmark = pytest.mark.django_db

N = 3


def queries(user, url, *, rows: int) -> int:
    """How many queries the list took for a fresh copy of ``user`` (as each request loads it), having checked
    that it lists ``rows`` rows."""
    client = api(type(user).objects.get(pk=user.pk) if user else None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows
    return len(captured)


def add_feedback(world, count: int) -> None:
    """``count`` rated, replied and complained-about services of unit A, each on an instrument and by a user of
    its own."""
    for _ in range(count):
        instrument = InstrumentFactory(
            unit=world.unit_a,
            registration_status=RegistrationStatus.PUBLISHED,
            manager=world.users["manager_a"],
        )
        user = UserFactory()
        booking = completed_booking(instrument, user)
        rating = services.rate(user=user, record=booking, **GOOD, comment="好")
        services.reply(rating, actor=world.users["manager_a"], text="谢谢")
        complaint = services.file_complaint(user=user, record=booking, subject="迟到", description="……")
        services.transition(complaint, "accept", actor=world.users["unit_admin_a"])


@pytest.mark.parametrize("viewer", ["anonymous", "manager_a", "unit_admin_a"])
def test_the_rating_list_costs_the_same_for_more_ratings(world, viewer):
    user = world.users[viewer]
    add_feedback(world, N)
    few = queries(user, "/api/v1/ratings/", rows=N)
    add_feedback(world, 2 * N)
    assert queries(user, "/api/v1/ratings/", rows=3 * N) == few


@pytest.mark.parametrize("viewer", ["manager_a", "unit_admin_a", "department_admin_a", "platform_admin"])
def test_the_complaint_list_costs_the_same_for_more_complaints(world, viewer):
    user = world.users[viewer]
    add_feedback(world, N)
    few = queries(user, "/api/v1/complaints/", rows=N)
    add_feedback(world, 2 * N)
    assert queries(user, "/api/v1/complaints/", rows=3 * N) == few
