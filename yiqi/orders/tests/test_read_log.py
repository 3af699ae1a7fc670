"""Downloading a results file is a sensitive read: every download, by anyone, leaves a row the unit's admins and the
platform authority see (another unit's admin does not). "用户已下载" comes from the ordering user's first such row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.core.models import AuditEvent
from yiqi.orders.models import OrderResult

from .conftest import advance, submit


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def published(world, order):
    return advance(world, order, "results_ready")


def download(client, order, result):
    response = client.get(reverse("orders:download_result", args=[order.pk, result.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_a_staff_download_is_logged_for_the_unit_admin_and_the_authority_only(world, client_for, published):
    result = OrderResult.objects.get(order=published)
    download(client_for(world.users["manager_a"]), published, result)

    event = AuditEvent.objects.get(action="download")
    assert (event.target, event.actor, event.data["unit"]) == (
        result,
        world.users["manager_a"],
        world.unit_a.pk,
    )
    assert published.number in event.data["what"] and "报告.pdf" in event.data["what"]

    for reader in ("unit_admin_a", "platform_admin"):
        listed = api(world.users[reader]).get("/api/v1/read-log/").json()["results"]
        assert [(r["action"], r["actor_username"], r["unit_name"]) for r in listed] == [
            ("download", "manager_a", world.unit_a.name)
        ]
        page = APIClient()
        page.force_login(world.users[reader])
        assert "报告.pdf" in page.get(reverse("portal:read_log")).content.decode()
    assert api(world.users["unit_admin_b"]).get("/api/v1/read-log/").json()["results"] == []
    other = APIClient()
    other.force_login(world.users["unit_admin_b"])
    assert "报告.pdf" not in other.get(reverse("portal:read_log")).content.decode()


def test_only_the_ordering_users_first_download_marks_the_results_as_had(world, client_for, published):
    result = OrderResult.objects.get(order=published)
    download(client_for(world.users["manager_a"]), published, result)
    assert OrderResult.objects.get(pk=result.pk).downloaded_at is None
    staff_page = client_for(world.users["manager_a"]).get(reverse("orders:detail", args=[published.pk]))
    assert "用户已下载" not in staff_page.content.decode()

    user = world.users["external_user"]
    download(client_for(user), published, result)
    first = AuditEvent.objects.get(action="download", actor=user).created_at
    download(client_for(user), published, result)
    assert AuditEvent.objects.filter(action="download").count() == 3
    assert OrderResult.objects.get(pk=result.pk).downloaded_at == first

    staff_page = client_for(world.users["manager_a"]).get(reverse("orders:detail", args=[published.pk]))
    assert "用户已下载" in staff_page.content.decode()
    (listed,) = api(world.users["manager_a"]).get(f"/api/v1/orders/{published.pk}/").json()["results"]
    assert listed["downloaded_at"] is not None


def test_the_api_download_is_logged_too(world, published):
    result = OrderResult.objects.get(order=published)
    response = api(world.users["external_user"]).get(
        f"/api/v1/orders/{published.pk}/results/{result.pk}/", HTTP_ACCEPT="application/octet-stream"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="download").actor == world.users["external_user"]


def test_a_refused_download_logs_nothing(world, client_for, published):
    result = OrderResult.objects.get(order=published)
    url = reverse("orders:download_result", args=[published.pk, result.pk])
    assert client_for(world.users["unit_admin_b"]).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_first_download_times_cost_one_query_for_any_number_of_orders(world, served, client_for):
    user = world.users["external_user"]
    client = api(user)

    def make(count):
        for _ in range(count):
            order = advance(world, submit(world, served), "results_ready")
            result = OrderResult.objects.get(order=order)
            download(client_for(user), order, result)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            listed = client.get("/api/v1/orders/").json()["results"]
        assert all(r["downloaded_at"] for o in listed for r in o["results"])
        return len(captured), len(listed)

    make(1)
    queries()  # fills per-process caches
    few, shown = queries()
    make(2)
    assert queries() == (few, shown * 3)
