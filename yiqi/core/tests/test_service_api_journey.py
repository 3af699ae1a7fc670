"""The booking journey through the API alone: the same rules as the pages, with tokens instead of forms."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.booking.models import BookingStatus
from yiqi.fees.models import Charge
from yiqi.usage.models import UsageRecord


@pytest.mark.django_db
def test_the_same_journey_through_the_api(world, bookable):
    """Book, approve, check in, complete, pay and rate with API tokens only; the API applies the same rules."""

    def client(key):
        api = APIClient()
        api.force_authenticate(world.users[key])
        return api

    company, manager, unit_admin = client("external_user"), client("manager_a"), client("unit_admin_a")
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=30)
    start -= dt.timedelta(minutes=start.minute % 15)
    request = {
        "instrument": bookable.pk,
        "starts_at": timezone.localtime(start).isoformat(),
        "ends_at": timezone.localtime(start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "涂层截面形貌观察",
    }

    created = company.post("/api/v1/bookings/", request, format="json")
    assert created.status_code == 201, created.content
    booking_id = created.json()["bookings"][0]["id"]
    taken = client("unit_admin_b").post("/api/v1/bookings/", request, format="json")
    assert taken.status_code == 400  # the same hour is held for the company
    assert company.post(f"/api/v1/bookings/{booking_id}/approve/", {}, format="json").status_code == 403

    for step in ("approve", "check_in"):
        response = manager.post(f"/api/v1/bookings/{booking_id}/{step}/", {}, format="json")
        assert response.status_code == 200, response.content
    time.sleep(1)
    completed = manager.post(f"/api/v1/bookings/{booking_id}/complete/", {}, format="json")
    assert completed.status_code == 200, completed.content
    assert completed.json()["status"] == BookingStatus.COMPLETED

    charge = Charge.objects.get(record__booking=booking_id)
    paid = unit_admin.post(
        f"/api/v1/charges/{charge.pk}/record-payment/",
        {"reference": "DZ-API-1", "paid_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert paid.status_code == 200, paid.content
    assert company.get(f"/api/v1/charges/{charge.pk}/").json()["status"] == Charge.Status.PAID

    scores = {"overall": 4, "timeliness": 4, "attitude": 5, "result_quality": 4, "comment": "数据清晰"}
    rated = company.post("/api/v1/ratings/", {"booking": booking_id, **scores}, format="json")
    assert rated.status_code == 201, rated.content
    again = company.post("/api/v1/ratings/", {"booking": booking_id, **scores}, format="json")
    assert again.status_code == 400
    assert UsageRecord.objects.get(record__booking=booking_id).is_external
