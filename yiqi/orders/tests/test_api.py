"""The orders API: the whole path through the same rules as the pages, and bad input refused."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.orders.models import OrderResult, TestOrder
from yiqi.orders.models import OrderStatus as S
from yiqi.usage.models import UsageRecord

from .conftest import EXE, PDF, advance, upload

SHANGHAI = ZoneInfo("Asia/Shanghai")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_order(world, served, **fields):
    body = {
        "instrument": served.pk,
        "sample_name": "钛合金块",
        "sample_count": 2,
        "sample_description": "Ti-6Al-4V",
        "requirements": "形貌",
        **fields,
    }
    return api(world.users["external_user"]).post("/api/v1/orders/", body, format="json")


def test_request_to_accepted_results_through_the_api(world, served, questions):
    user, manager = api(world.users["external_user"]), api(world.users["manager_a"])
    response = new_order(world, served, answers={"coating": "喷金"}, return_samples=True)
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "submitted" and order["answers"] == {"coating": "喷金"}
    assert order["available_actions"] == ["cancel"]
    url = f"/api/v1/orders/{order['id']}/"

    def step(client, action, **fields):
        response = client.post(url + "transition/", {"action": action, **fields}, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    quoted = step(manager, "quote", hours="2.5", comment="约 2.5 小时")
    # 2.5 h × 300 + 2 samples × 50
    assert quoted["charge"] == {
        "status": "quoted",
        "user_category": "external",
        "quoted_total": "850.00",
        "total": "850.00",
    }
    step(user, "confirm")
    step(manager, "receive_samples")
    step(manager, "start_testing")
    response = manager.post(
        url + "results/", {"files": [upload("报告.pdf", PDF), upload("图.pdf", PDF)]}, format="multipart"
    )
    assert response.status_code == 201 and len(response.json()) == 2
    # A naive time means Beijing time; an explicit offset is honoured.
    start = timezone.localtime().replace(tzinfo=None, microsecond=0) - timedelta(hours=4)
    ready = step(
        manager,
        "publish_results",
        machine_hours="3",
        tested_from=start.isoformat(),
        tested_until=(start + timedelta(hours=3)).isoformat() + "+08:00",
    )
    assert ready["status"] == "results_ready"
    assert datetime.fromisoformat(ready["tested_from"]) == start.replace(tzinfo=SHANGHAI)

    detail = user.get(url).json()
    [first, second] = detail["results"]
    download = user.get(first["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    suffixed = user.get(first["download_url"].rstrip("/") + ".json")  # the route's format-suffix twin
    assert suffixed.status_code == 200 and b"".join(suffixed.streaming_content) == PDF
    assert user.get(url).json()["status"] == "results_ready"  # a download completes nothing
    assert step(user, "accept")["status"] == "completed"
    finished = user.get(url).json()
    assert finished["charge"]["status"] == "billed" and finished["charge"]["total"] == "1000.00"
    record = TestOrder.objects.get(pk=order["id"]).record
    assert UsageRecord.objects.get(record=record).machine_hours == Decimal("3.00")
    events = finished["events"]
    assert set(events[-1]) == {
        "id",
        "from_status",
        "to_status",
        "actor",
        "actor_name",
        "comment",
        "created_at",
    }
    assert [(e["from_status"], e["to_status"]) for e in events][:2] == [
        ("", "submitted"),
        ("submitted", "quoted"),
    ]
    assert (
        events[-1]["to_status"] == "completed"
        and events[-1]["actor_name"] == world.users["external_user"].get_full_name()
    )


def test_refusals_come_back_as_field_errors(world, served, questions):
    response = new_order(world, served, sample_count=-1, answers={"coating": "镀银"})
    assert response.status_code == 400
    assert set(response.json()) == {"sample_count", "coating"}
    assert new_order(world, served, sample_count="many").status_code == 400
    assert new_order(world, served, instrument=world.draft_b.pk).status_code == 400
    assert not TestOrder.objects.exists()


def test_wrong_steps_and_wrong_people(world, order):
    url = f"/api/v1/orders/{order.pk}/transition/"
    user, manager = api(world.users["external_user"]), api(world.users["manager_a"])
    assert user.post(url, {"action": "confirm"}, format="json").status_code == 400
    assert user.post(url, {"action": "quote", "hours": "1"}, format="json").status_code == 403
    assert manager.post(url, {"action": "quote"}, format="json").json() == {"hours": ["请填写机时。"]}
    assert manager.post(url, {"action": "fly"}, format="json").status_code == 400
    assert (
        api(world.users["unit_admin_b"])
        .post(url, {"action": "quote", "hours": "1"}, format="json")
        .status_code
        == 404
    )
    assert (
        api(world.users["platform_admin"])
        .post(url, {"action": "reject", "comment": "x"}, format="json")
        .status_code
        == 403
    )
    order.refresh_from_db()
    assert order.status == S.SUBMITTED and AuditEvent.objects.for_object(order).count() == 1


def test_malformed_times_are_refused(world, order):
    order = advance(world, order, "testing")
    manager = api(world.users["manager_a"])
    manager.post(f"/api/v1/orders/{order.pk}/results/", {"files": [upload("r.pdf", PDF)]}, format="multipart")
    response = manager.post(
        f"/api/v1/orders/{order.pk}/transition/",
        {"action": "publish_results", "machine_hours": "1", "tested_from": "yesterday"},
        format="json",
    )
    assert response.status_code == 400 and "tested_from" in response.json()
    order.refresh_from_db()
    assert order.status == S.TESTING


def test_a_wrong_file_through_the_api_saves_nothing(world, order, settings):
    order = advance(world, order, "testing")
    response = api(world.users["manager_a"]).post(
        f"/api/v1/orders/{order.pk}/results/",
        {"files": [upload("好.pdf", PDF), upload("坏.pdf", EXE)]},
        format="multipart",
    )
    assert response.status_code == 400 and "坏.pdf" in response.json()["files"][0]
    assert not OrderResult.objects.exists()
    settings.YIQI_RESULT_MAX_BYTES = 10
    response = api(world.users["manager_a"]).post(
        f"/api/v1/orders/{order.pk}/results/", {"files": [upload("好.pdf", PDF)]}, format="multipart"
    )
    assert response.status_code == 400 and "过大" in response.json()["files"][0]
    assert not OrderResult.objects.exists()


def test_a_results_file_can_be_asked_for_as_octet_stream(world, order):
    order = advance(world, order, "results_ready")
    result = OrderResult.objects.get(order=order)
    response = api(world.users["external_user"]).get(
        f"/api/v1/orders/{order.pk}/results/{result.pk}/", HTTP_ACCEPT="application/octet-stream"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_staff_assign_technicians_through_the_api(world, order):
    tech = world.users["technician_a"]
    response = api(world.users["unit_admin_a"]).post(
        f"/api/v1/orders/{order.pk}/staff/", {"staff": [tech.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json()["assigned_staff"] == [tech.pk]
    response = api(world.users["unit_admin_a"]).post(
        f"/api/v1/orders/{order.pk}/staff/", {"staff": [world.users["external_user"].pk]}, format="json"
    )
    assert response.status_code == 400 and "staff" in response.json()


def test_lists_filter_by_status(world, served, order):
    advance(world, order, "quoted")
    client = api(world.users["external_user"])
    assert [r["number"] for r in client.get("/api/v1/orders/?status=quoted").json()["results"]] == [
        order.number
    ]
    assert client.get("/api/v1/orders/?status=testing").json()["results"] == []


@pytest.mark.parametrize("amount", ["-1", "abc"])
def test_bad_quotes_through_the_api(world, order, amount):
    response = api(world.users["manager_a"]).post(
        f"/api/v1/orders/{order.pk}/transition/", {"action": "quote", "hours": amount}, format="json"
    )
    assert response.status_code == 400 and "hours" in response.json()
    assert not Charge.objects.filter(record=order.record).exists()


def make_orders(world, served, count: int) -> None:
    """``count`` orders in every stage of service, each with events, a results file and an assigned technician."""
    from .factories import TestOrderFactory

    stages = [S.SUBMITTED, S.QUOTED, S.TESTING, S.RESULTS_READY, S.COMPLETED]
    for index in range(count):
        order = TestOrderFactory(
            instrument=served,
            user=world.users["external_user"],
            user_organization=world.enterprise,
            status=stages[index % len(stages)],
        )
        order.assigned_staff.add(world.users["technician_a"])
        AuditEvent.record(order, "create", actor=world.users["manager_a"], to_state=order.status)
        OrderResult.objects.create(
            order=order, file=f"order-results/{order.pk}/r.pdf", original_name="r.pdf", size=1
        )


@pytest.mark.parametrize(
    "reader", ["external_user", "manager_a", "technician_a", "unit_admin_a", "platform_admin"]
)
def test_the_order_list_asks_the_same_number_of_queries_for_3n_orders(world, served, reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(world.users[reader])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/orders/").status_code == 200
        return len(captured)

    make_orders(world, served, 2)
    queries()  # the first request also fills per-process caches
    few = queries()
    make_orders(world, served, 4)
    assert len(client.get("/api/v1/orders/").json()["results"]) == 6
    assert queries() == few


def test_the_order_form_fields_list_asks_the_same_number_of_queries_for_3n_fields(world, served):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiqi.orders.models import OrderFormField

    def add_fields(start: int, count: int) -> None:
        for position in range(start, start + count):
            OrderFormField.objects.create(
                instrument=served, key=f"q{position}", label=f"问题{position}", position=position
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = APIClient().get(f"/api/v1/instruments/{served.pk}/order-fields/")
            assert response.status_code == 200
        return len(captured), len(response.json())

    add_fields(0, 2)
    few, shown = queries()
    add_fields(2, 4)
    assert queries() == (few, shown * 3)
