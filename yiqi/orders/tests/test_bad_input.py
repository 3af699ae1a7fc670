"""Test times out of range on publishing results: a 400 on the field, the order stays where it was."""

import pytest
from rest_framework.test import APIClient

from yiqi.orders.models import OrderStatus as S

from .conftest import PDF, advance, upload


@pytest.mark.parametrize(
    "field, value",
    [
        ("tested_from", "0001-01-01T09:00:00+08:00"),
        ("tested_from", "1900-01-01T09:00:00+08:00"),
        ("tested_from", "2026-01-01T09:00:00+20:00"),
        ("tested_until", "2026-01-01T09:00:00-23:00"),
    ],
)
def test_test_times_out_of_range_are_refused(world, order, field, value):
    order = advance(world, order, "testing")
    manager = APIClient()
    manager.force_authenticate(world.users["manager_a"])
    manager.post(f"/api/v1/orders/{order.pk}/results/", {"files": [upload("r.pdf", PDF)]}, format="multipart")
    response = manager.post(
        f"/api/v1/orders/{order.pk}/transition/",
        {"action": "publish_results", "machine_hours": "1", field: value},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    order.refresh_from_db()
    assert order.status == S.TESTING
