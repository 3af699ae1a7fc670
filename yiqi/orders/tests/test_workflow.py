"""An order from request to accepted results, and every step that is not allowed."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from yiqi.core.models import AuditEvent, DailySequence
from yiqi.fees.models import Charge, ChargeLine
from yiqi.notifications.models import Notification
from yiqi.orders import services
from yiqi.orders.models import OrderResult, TestOrder
from yiqi.orders.models import OrderStatus as S
from yiqi.usage.models import UsageRecord

from .conftest import PDF, advance, submit, upload


def trail(order):
    return AuditEvent.objects.for_object(order)


def test_request_to_accepted_results_in_the_browser(world, served, client_for):
    user, manager, tech = world.users["external_user"], world.users["manager_a"], world.users["technician_a"]
    client = client_for(user)
    response = client.post(
        reverse("orders:create", args=[served.pk]),
        {
            "sample_name": "钛合金块",
            "sample_count": 3,
            "sample_description": "Ti-6Al-4V",
            "requirements": "表面形貌",
            "return_samples": "on",
        },
    )
    order = TestOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.pk])
    assert order.number == "WT" + timezone.localdate().strftime("%Y%m%d") + "0001"
    assert order.user_organization == world.enterprise and not order.is_internal

    staff = client_for(manager)
    detail = reverse("orders:detail", args=[order.pk])
    action = reverse("orders:action", args=[order.pk])
    staff.post(reverse("orders:assign", args=[order.pk]), {"staff": [tech.pk]})
    staff.post(action, {"action": "quote", "hours": "2", "comment": "约两小时"})
    order.refresh_from_db()
    assert order.status == S.QUOTED and order.estimated_hours == Decimal("2.00")
    # 2 h × 300 + 3 samples × 50, the enterprise rate.
    assert order.record.charge.quoted_total == Decimal("750.00")
    assert "750.00" in client_for(user).get(detail).content.decode()

    client_for(user).post(action, {"action": "confirm"})
    tech_client = client_for(tech)
    tech_client.post(action, {"action": "receive_samples"})
    tech_client.post(action, {"action": "start_testing"})
    tech_client.post(reverse("orders:upload_results", args=[order.pk]), {"files": [upload("报告.pdf", PDF)]})
    local = timezone.localtime()
    tech_client.post(
        action,
        {
            "action": "publish_results",
            "machine_hours": "1.5",
            "tested_from": (local - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "tested_until": (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    order.refresh_from_db()
    assert order.status == S.RESULTS_READY and order.machine_hours == Decimal("1.50")

    result = order.results.get()
    response = client_for(user).get(reverse("orders:download_result", args=[order.pk, result.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        "attachment" in response["Content-Disposition"]
        and "filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf" in (response["Content-Disposition"])
    )
    order.refresh_from_db()
    result = OrderResult.objects.get(pk=result.pk)  # downloaded_at comes from the read log
    assert order.status == S.RESULTS_READY and result.downloaded_at is not None
    client_for(user).post(action, {"action": "accept"})
    order.refresh_from_db()
    assert order.status == S.COMPLETED

    charge = Charge.objects.get(record=order.record)
    assert charge.status == Charge.Status.BILLED
    bill = {line.description: line.amount for line in charge.lines.filter(stage=ChargeLine.Stage.BILL)}
    assert bill == {"机时费": Decimal("450.00"), "制样费": Decimal("150.00")}
    assert charge.total == Decimal("600.00")
    record = UsageRecord.objects.get(record=order.record)
    assert record.machine_hours == Decimal("1.50") and record.sample_count == 3 and record.is_external
    assert record.fee == Decimal("600.00") and record.user_organization == world.enterprise

    assert [(e.from_state, e.to_state) for e in trail(order).exclude(from_state=F("to_state"))] == [
        ("", S.SUBMITTED),
        (S.SUBMITTED, S.QUOTED),
        (S.QUOTED, S.CONFIRMED),
        (S.CONFIRMED, S.SAMPLES_RECEIVED),
        (S.SAMPLES_RECEIVED, S.TESTING),
        (S.TESTING, S.RESULTS_READY),
        (S.RESULTS_READY, S.COMPLETED),
    ]
    assert Notification.objects.filter(recipient=user, url=f"/feedback/rate/{order.record_id}/").exists()
    # The page shows the bill and the way to rate, as the layers above present them.
    page = client_for(user).get(detail).content.decode()
    assert "600.00" in page and reverse("feedback:rate", args=[order.record_id]) in page


def test_every_transition_writes_who_did_what(world, order):
    order = advance(world, order, "quoted")
    event = trail(order).get(to_state=S.QUOTED)
    assert event.actor == world.users["manager_a"] and event.comment == "约两小时"
    assert event.from_state == S.SUBMITTED and event.action == "quote"


def test_each_side_hears_of_the_others_steps(world, order):
    manager, user = world.users["manager_a"], world.users["external_user"]
    assert Notification.objects.filter(recipient=manager, subject__contains=order.number).count() == 1
    order = services.quote(order, actor=manager, hours=1)
    assert Notification.objects.filter(recipient=user, subject__contains="已报价").exists()
    services.confirm(order, actor=user)
    assert Notification.objects.filter(recipient=manager, subject__contains="用户已确认").exists()


def test_without_a_manager_the_units_admins_hear_of_new_orders(world, served):
    served.manager = None
    served.save()
    order = submit(world, served)
    assert Notification.objects.filter(recipient=world.users["unit_admin_a"], subject__contains=order.number)


ILLEGAL = [
    # (stage reached, action, actor) — wrong state for the action.
    ("submitted", "confirm", "external_user"),
    ("submitted", "receive_samples", "manager_a"),
    ("submitted", "publish_results", "manager_a"),
    ("submitted", "accept", "external_user"),
    ("quoted", "start_testing", "manager_a"),
    ("quoted", "reject", "manager_a"),
    ("confirmed", "quote", "manager_a"),
    ("confirmed", "start_testing", "manager_a"),
    ("samples_received", "cancel", "external_user"),
    ("samples_received", "publish_results", "manager_a"),
    ("testing", "cancel", "external_user"),
    ("testing", "accept", "external_user"),
    ("results_ready", "quote", "manager_a"),
    ("results_ready", "cancel", "external_user"),
]


@pytest.mark.parametrize(("stage", "action", "actor"), ILLEGAL)
def test_steps_out_of_order_are_refused_and_change_nothing(world, order, stage, action, actor):
    if stage != "submitted":
        order = advance(world, order, stage)
    events = trail(order).count()
    with pytest.raises(ValidationError) as refused:
        services.transition(order, action, actor=world.users[actor], comment="x", hours=1, machine_hours=1)
    assert "action" in refused.value.message_dict
    order.refresh_from_db()
    assert order.status == stage and trail(order).count() == events


WRONG_SIDE = [
    ("submitted", "quote", "external_user"),
    ("submitted", "cancel", "manager_a"),
    ("quoted", "confirm", "manager_a"),
    ("quoted", "confirm", "technician_a"),  # not assigned
    ("confirmed", "receive_samples", "external_user"),
    ("confirmed", "receive_samples", "officer_a"),
    ("confirmed", "receive_samples", "unit_admin_b"),
    ("confirmed", "receive_samples", "platform_admin"),
    ("results_ready", "accept", "manager_a"),
    ("results_ready", "close", "external_user"),
]


@pytest.mark.parametrize(("stage", "action", "actor"), WRONG_SIDE)
def test_steps_by_the_wrong_person_are_forbidden(world, order, stage, action, actor):
    if stage != "submitted":
        order = advance(world, order, stage)
    with pytest.raises(PermissionDenied):
        services.transition(order, action, actor=world.users[actor], comment="x", hours=1)
    order.refresh_from_db()
    assert order.status == stage


def test_an_unknown_action_is_refused(world, order):
    with pytest.raises(ValidationError):
        services.transition(order, "teleport", actor=world.users["manager_a"])


def test_cancelling_twice_is_refused(world, order):
    order = advance(world, order, "confirmed")
    user = world.users["external_user"]
    order = services.cancel(order, actor=user, reason="项目取消")
    charge = Charge.objects.get(record=order.record)
    assert order.status == S.CANCELLED and charge.status == Charge.Status.VOID
    assert charge.total == Decimal("0.00")
    with pytest.raises(ValidationError):
        services.cancel(order, actor=user)
    assert trail(order).filter(to_state=S.CANCELLED).count() == 1


def test_the_unit_rejects_only_with_a_reason(world, order):
    manager = world.users["manager_a"]
    with pytest.raises(ValidationError) as refused:
        services.reject(order, actor=manager, comment="  ")
    assert "comment" in refused.value.message_dict
    order = services.reject(order, actor=manager, comment="本仪器无法检测磁性样品")
    assert order.status == S.REJECTED
    assert Notification.objects.filter(recipient=world.users["external_user"], body__contains="磁性").exists()


def test_a_quote_can_be_revised_until_the_user_confirms(world, order):
    manager = world.users["manager_a"]
    order = services.quote(order, actor=manager, hours=Decimal("2"))
    order = services.quote(order, actor=manager, hours=Decimal("4"))
    charge = Charge.objects.get(record=order.record)
    assert charge.quoted_total == Decimal("1350.00")
    assert charge.lines.filter(stage=ChargeLine.Stage.QUOTE).count() == 2


@pytest.mark.parametrize("hours", [None, "", "-1", "abc", "10001"])
def test_a_quote_needs_sensible_hours(world, order, hours):
    with pytest.raises(ValidationError) as refused:
        services.quote(order, actor=world.users["manager_a"], hours=hours)
    assert "hours" in refused.value.message_dict
    order.refresh_from_db()
    assert order.status == S.SUBMITTED and not Charge.objects.filter(record=order.record).exists()


def test_results_are_published_only_with_a_file_and_the_test_time(world, order):
    manager = world.users["manager_a"]
    order = advance(world, order, "testing")
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.publish_results(order, actor=manager, machine_hours=1)
    assert "files" in refused.value.message_dict
    services.add_results(order, [upload("r.pdf", PDF)], actor=manager)
    bad = [
        ({"machine_hours": None}, "machine_hours"),
        ({"machine_hours": -1}, "machine_hours"),
        ({"machine_hours": 1, "tested_from": now, "tested_until": now - timedelta(hours=1)}, "tested_until"),
        ({"machine_hours": 1, "tested_until": now + timedelta(days=1)}, "tested_until"),
        ({"machine_hours": 5, "tested_from": now - timedelta(hours=2), "tested_until": now}, "machine_hours"),
    ]
    for params, field in bad:
        with pytest.raises(ValidationError) as refused:
            services.publish_results(order, actor=manager, **params)
        assert field in refused.value.message_dict, params
    order.refresh_from_db()
    assert order.status == S.TESTING and order.machine_hours is None


def test_staff_close_an_order_whose_user_never_downloads(world, order):
    order = advance(world, order, "results_ready")
    with pytest.raises(ValidationError):
        services.close(order, actor=world.users["manager_a"], comment="")
    order = services.close(order, actor=world.users["manager_a"], comment="结果已当面交付")
    assert order.status == S.COMPLETED
    assert Charge.objects.get(record=order.record).status == Charge.Status.BILLED
    assert UsageRecord.objects.filter(record=order.record).exists()
    assert Notification.objects.filter(
        recipient=world.users["external_user"], url=f"/feedback/rate/{order.record_id}/"
    ).exists()


def test_the_user_accepts_results_on_the_page(world, order, client_for):
    order = advance(world, order, "results_ready")
    client_for(world.users["external_user"]).post(
        reverse("orders:action", args=[order.pk]), {"action": "accept"}
    )
    order.refresh_from_db()
    assert order.status == S.COMPLETED and UsageRecord.objects.filter(record=order.record).exists()
    assert trail(order).filter(action="accept", actor=world.users["external_user"]).exists()


def test_a_download_is_a_get_and_changes_nothing_but_the_download_time(world, order, client_for):
    """A link from another site must not complete the order or bill it: completion is an explicit POST."""
    order = advance(world, order, "results_ready")
    result = OrderResult.objects.get(order=order)
    url = reverse("orders:download_result", args=[order.pk, result.pk])
    for _ in range(2):
        response = client_for(world.users["external_user"]).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    order.refresh_from_db()
    result = OrderResult.objects.get(pk=result.pk)  # downloaded_at comes from the read log
    assert order.status == S.RESULTS_READY and result.downloaded_at is not None
    assert order.record.status == "open" and not trail(order).filter(to_state=S.COMPLETED).exists()
    charge = Charge.objects.get(record=order.record)
    assert charge.status == Charge.Status.QUOTED
    assert not charge.lines.filter(stage=ChargeLine.Stage.BILL).exists()
    assert not UsageRecord.objects.filter(record=order.record).exists()


def test_staff_downloads_do_not_complete_the_order(world, order, client_for):
    order = advance(world, order, "results_ready")
    result = OrderResult.objects.get(order=order)
    response = client_for(world.users["manager_a"]).get(
        reverse("orders:download_result", args=[order.pk, result.pk])
    )
    assert response.status_code == 200
    order.refresh_from_db()
    result = OrderResult.objects.get(pk=result.pk)  # downloaded_at comes from the read log
    assert order.status == S.RESULTS_READY and result.downloaded_at is None


def test_only_the_units_technicians_can_be_assigned(world, order):
    manager = world.users["manager_a"]
    with pytest.raises(ValidationError) as refused:
        services.assign_staff(order, [world.users["unit_admin_b"]], actor=manager)
    assert "staff" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.assign_staff(order, [world.users["technician_a"]], actor=world.users["officer_a"])
    services.assign_staff(order, [world.users["technician_a"]], actor=manager)
    assert list(order.assigned_staff.all()) == [world.users["technician_a"]]
    assert Notification.objects.filter(
        recipient=world.users["technician_a"], subject__contains="指派"
    ).exists()


def test_order_numbers_count_up_within_the_day(world, served):
    first, second = submit(world, served), submit(world, served)
    prefix = "WT" + timezone.localdate().strftime("%Y%m%d")
    assert (first.number, second.number) == (prefix + "0001", prefix + "0002")


def test_numbering_continues_after_orders_loaded_by_other_means(world, served):
    first = submit(world, served)
    TestOrder.objects.filter(pk=first.pk).update(number=first.number[:-4] + "0041")
    DailySequence.objects.all().delete()  # e.g. rows written straight to the table
    assert submit(world, served).number == first.number[:-4] + "0042"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_orders_get_distinct_numbers(world, served):
    clients = 8
    barrier = threading.Barrier(clients)
    numbers, errors = [], []

    def place():
        try:
            barrier.wait()
            numbers.append(submit(world, served).number)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    prefix = "WT" + timezone.localdate().strftime("%Y%m%d")
    assert errors == []
    assert sorted(numbers) == [f"{prefix}{n:04d}" for n in range(1, clients + 1)]


BUTTONS = {
    # stage: (the user's actions, the manager's actions)
    "submitted": (["cancel"], ["quote", "reject"]),
    "quoted": (["confirm", "cancel"], ["quote"]),
    "confirmed": (["cancel"], ["receive_samples"]),
    "samples_received": ([], ["start_testing"]),
    "testing": ([], ["publish_results"]),
    "results_ready": (["accept"], ["close"]),
}


@pytest.mark.parametrize("stage", list(BUTTONS))
def test_the_order_page_offers_each_side_its_next_steps(world, order, client_for, stage):
    if stage != "submitted":
        order = advance(world, order, stage)
    url = reverse("orders:detail", args=[order.pk])
    for who, expected in zip(("external_user", "manager_a"), BUTTONS[stage], strict=True):
        response = client_for(world.users[who]).get(url)
        assert response.status_code == 200
        assert [step.action for step in response.context["actions"]] == expected
        page = response.content.decode()
        assert all(f'name="action" value="{action}"' in page for action in expected)
    manager_page = client_for(world.users["manager_a"]).get(url)
    assert ("upload_form" in manager_page.context) == (stage == "testing")
    assert "assign_form" in manager_page.context


def test_naive_test_times_are_beijing_time(world, order):
    order = advance(world, order, "testing")
    manager = world.users["manager_a"]
    services.add_results(order, [upload("r.pdf", PDF)], actor=manager)
    start = (timezone.localtime() - timedelta(hours=5)).replace(tzinfo=None, microsecond=0)
    order = services.publish_results(
        order, actor=manager, machine_hours=1, tested_from=start, tested_until=start + timedelta(hours=2)
    )
    assert timezone.localtime(order.tested_from).replace(tzinfo=None) == start
    assert order.tested_from.utcoffset() is not None
