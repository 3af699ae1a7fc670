"""The user's samples and results are seen only by them and the people serving the order — on every path."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.accounts.access import access_for
from yiqi.orders import services
from yiqi.orders.models import OrderResult

from .conftest import advance

ROLES = [
    "anonymous", "platform_admin", "department_admin_a", "department_admin_b", "unit_admin_a", "officer_a",
    "manager_a", "technician_a", "unit_admin_b", "external_user", "expert", "evaluator",
]  # fmt: skip
SECRET = "机密配方：Ti-6Al-4V 新工艺"

# Who sees everything about the order (technician_a only once assigned to it).
CONFIDENTIAL = {"unit_admin_a", "manager_a", "external_user"}
# Who opens an order's page without its samples and results.
OVERSIGHT = {"platform_admin"}
# Who finds the order in a list: the unit's service staff see it in the queue.
LISTED = CONFIDENTIAL | OVERSIGHT | {"technician_a"}


@pytest.fixture(params=[False, True], ids=["unassigned", "assigned"])
def published(request, world, order):
    """An order with published results; in the "assigned" variant technician_a handles it."""
    order = advance(world, order, "results_ready")
    if request.param:
        services.assign_staff(order, [world.users["technician_a"]], actor=world.users["manager_a"])
    return order, request.param


def confidential_roles(assigned: bool) -> set[str]:
    return CONFIDENTIAL | ({"technician_a"} if assigned else set())


def api(world, role) -> APIClient:
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(world.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_order_page_shows_samples_only_to_those_serving_or_ordering(world, client_for, published, role):
    order, assigned = published
    response = client_for(world.users[role]).get(reverse("orders:detail", args=[order.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("accounts:login") in response.url
    elif role in confidential_roles(assigned):
        assert response.status_code == 200
        assert SECRET in response.content.decode() and "报告.pdf" in response.content.decode()
    elif role in OVERSIGHT:
        assert response.status_code == 200
        page = response.content.decode()
        assert (
            order.number in page and SECRET not in page and "报告.pdf" not in page and "约两小时" not in page
        )
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_results_download_only_for_those_serving_or_ordering(world, client_for, published, role):
    order, assigned = published
    result = OrderResult.objects.get(order=order)
    response = client_for(world.users[role]).get(
        reverse("orders:download_result", args=[order.pk, result.pk])
    )
    if role == "anonymous":
        assert response.status_code == 302
    elif role in confidential_roles(assigned):
        assert response.status_code == 200
    elif role in OVERSIGHT:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_api_detail_and_download_follow_the_same_rules(world, published, role):
    order, assigned = published
    client = api(world, role)
    detail = client.get(f"/api/v1/orders/{order.pk}/")
    result = OrderResult.objects.get(order=order)
    download = client.get(f"/api/v1/orders/{order.pk}/results/{result.pk}/")
    if role == "anonymous":
        assert detail.status_code in (401, 403) and download.status_code in (401, 403)
    elif role in confidential_roles(assigned):
        assert detail.status_code == 200 and download.status_code == 200
        body = detail.json()
        assert body["sample_description"] == SECRET and len(body["results"]) == 1
    elif role in OVERSIGHT:
        assert detail.status_code == 200 and download.status_code == 403
        body = detail.json()
        assert body["sample_count"] == 3 and body["machine_hours"] == "1.50" and body["charge"]["total"]
        assert body["sample_description"] is None and body["results"] is None and body["events"] is None
        assert SECRET not in detail.content.decode()
    else:
        assert detail.status_code == download.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_unassigned_staff_the_number_instrument_status_and_dates_only(world, published, role):
    order, assigned = published
    response = api(world, role).get("/api/v1/orders/")
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    rows = {row["id"]: row for row in response.json()["results"]}
    assert (order.pk in rows) == (role in LISTED)
    if order.pk not in rows:
        return
    row = rows[order.pk]
    assert row["number"] == order.number and row["status"] == "results_ready" and row["instrument"]
    assert (row["sample_description"] == SECRET) == (role in confidential_roles(assigned))
    if role not in confidential_roles(assigned):
        assert SECRET not in response.content.decode()
        hidden = {key for key, value in row.items() if value is None}
        assert {"sample_name", "requirements", "answers", "results", "events", "user"} <= hidden
    if role == "technician_a" and not assigned:
        assert row["sample_count"] is None and row["charge"] is None


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_links_only_orders_the_reader_may_open(world, client_for, published, role):
    order, assigned = published
    response = client_for(world.users[role]).get(reverse("orders:queue"))
    staff = {"unit_admin_a", "officer_a", "manager_a", "technician_a", "unit_admin_b"}
    if role == "anonymous":
        assert response.status_code == 302
        return
    if role not in staff:
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert (order.number in page) == (role in LISTED)
    assert (reverse("orders:detail", args=[order.pk]) in page) == (role in confidential_roles(assigned))
    assert SECRET not in page


def test_a_technician_leaving_the_unit_loses_the_order(world, published):
    order, assigned = published
    tech = world.users["technician_a"]
    tech.role_assignments.all().delete()
    tech = type(tech).objects.get(pk=tech.pk)  # a fresh Access
    assert not services.can_see_confidential(access_for(tech), order)
