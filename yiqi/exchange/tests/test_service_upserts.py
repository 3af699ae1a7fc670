"""A unit's own booking system pushes its bookings and orders: by its own ids, the people by its own references, the
states along the service record's steps, whole batch or nothing, a replay changes nothing, and the cost does not
grow with the batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiqi.core.models import AuditEvent
from yiqi.exchange.models import ExternalId, NationalRecord, UnitCode
from yiqi.exchange.services import outbox
from yiqi.fees.models import Charge
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord

from .test_unit_systems import _issue, _system

pytestmark = pytest.mark.django_db
SERVICES = "/api/v1/exchange/unit/services/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def _item(world, n, **changes):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=2, hours=3 * n)
    return {
        "id": f"BK-{n}",
        "instrument": world.published_a.asset_number,
        "kind": "self_operation",
        "status": "completed",
        "user_id": f"U{n % 2}",
        "user_name": "李四",
        "user_phone": "13800000000",
        "user_email": "lisi@example.cn",
        "user_organization": world.enterprise.credit_code,
        "reference": f"预约{n}",
        "content": "电镜观察",
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(hours=2)).isoformat(),
        "fee": "300.00",
    } | changes


def _push(system, items):
    return system.post(SERVICES, {"records": items}, content_type="application/json")


def test_a_booking_system_pushes_completed_services_and_the_same_batch_again_changes_nothing(
    world, client_for, client
):
    system = _system(client, _issue(client_for, world))
    first = _push(system, [_item(world, n) for n in range(3)])
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}, first.content

    record = ServiceRecord.objects.get(
        pk=ExternalId.objects.get(kind="service", external_id="BK-1").object_id
    )
    assert record.status == ServiceStatus.COMPLETED and record.unit == world.unit_a
    assert record.hours == 2 and not record.is_internal and record.user_organization == world.enterprise
    person = record.user
    assert person.full_name == "李四" and person.phone == "13800000000" and not person.is_active
    assert not person.has_usable_password()
    assert get_user_model().objects.filter(is_active=False, username__startswith="sys").count() == 2
    usage = record.usage_record
    assert usage.fee == Decimal("300.00") and usage.machine_hours == 2 and usage.is_external
    assert usage.source == UsageRecord.Source.BOOKING
    # The unit charged it already: no platform charge.
    assert not Charge.objects.filter(record=record).exists()
    created = AuditEvent.objects.for_object(record).get()
    assert (created.action, created.to_state) == ("create", "completed")

    audit_rows, users = AuditEvent.objects.count(), get_user_model().objects.count()
    again = _push(system, [_item(world, n) for n in range(3)])
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEvent.objects.count() == audit_rows and get_user_model().objects.count() == users
    assert ServiceRecord.objects.count() == 3 and UsageRecord.objects.count() == 3


def test_an_open_booking_moves_along_the_steps_and_a_finished_one_stays(world, client_for, client):
    system = _system(client, _issue(client_for, world))
    open_item = _item(world, 0, status="open", started_at=None, ended_at=None, user_email="old@example.cn")
    assert _push(system, [open_item]).json()["created"] == 1
    record = ServiceRecord.objects.get()
    assert record.status == ServiceStatus.OPEN and not UsageRecord.objects.exists()

    done = _item(world, 0, hours="1.50", user_email="new@example.cn")
    assert _push(system, [done]).json() == {"created": 0, "updated": 1, "unchanged": 0}
    record.refresh_from_db()
    assert record.status == ServiceStatus.COMPLETED and record.hours == Decimal("1.50")
    assert record.completed_at is not None and record.user.email == "new@example.cn"
    step = AuditEvent.objects.for_object(record).last()
    assert (step.action, step.from_state, step.to_state) == ("complete", "open", "completed")
    assert record.usage_record.machine_hours == Decimal("1.50")

    back = _push(system, [_item(world, 0, status="open")])
    assert back.status_code == 400
    assert [(e["index"], e["id"], e["field"]) for e in back.json()["errors"]] == [(0, "BK-0", "status")]
    changed = _push(system, [_item(world, 0, hours="1.00")])
    assert changed.status_code == 400 and changed.json()["errors"][0]["field"] == "status"
    record.refresh_from_db()
    assert record.hours == Decimal("1.50")

    closed = _push(system, [_item(world, 1, status="closed", started_at=None, ended_at=None)])
    assert closed.json()["created"] == 1
    assert (
        ServiceRecord.objects.get(pk=ExternalId.objects.get(external_id="BK-1").object_id).status == "closed"
    )


def test_one_bad_record_refuses_the_batch_with_every_problem_and_writes_nothing(world, client_for, client):
    system = _system(client, _issue(client_for, world))
    no_end = _item(world, 1, ended_at=None)
    too_long = _item(world, 2, hours="5")
    batch = [
        _item(world, 0),
        no_end,
        too_long,
        _item(world, 3, instrument=world.draft_b.asset_number),
        _item(world, 4, user_organization="91610000000000000X"),
        _item(world, 0),
    ]
    response = _push(system, batch)
    assert response.status_code == 400 and response.json()["code"] == "invalid_records"
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {
        (1, "ended_at"),
        (2, "hours"),
        (3, "instrument"),
        (4, "user_organization"),
        (5, "id"),
    }
    assert not ServiceRecord.objects.exists() and not ExternalId.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="sys").exists()

    garbage = _push(system, [{"id": "x", "kind": "teleport", "status": "done", "fee": "-1", "hours": "1e9"}])
    assert garbage.status_code == 400
    assert {e["field"] for e in garbage.json()["errors"]} >= {"kind", "status", "fee", "hours", "user_id"}


def test_pushing_services_needs_the_write_services_scope(world, client_for, client):
    system = _system(client, _issue(client_for, world, scopes=("read",)))
    refused = _push(system, [_item(world, 0)])
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert system.get(SERVICES).status_code == 200
    assert not ServiceRecord.objects.exists()


def test_a_pushed_completed_service_is_reported_to_the_national_platform(world, client_for, client):
    UnitCode.objects.create(unit=world.unit_a, code="a" * 32)
    system = _system(client, _issue(client_for, world))
    assert _push(system, [_item(world, 0)]).status_code == 200
    record = ServiceRecord.objects.get()
    outbox.rebuild_services([record.pk])  # what the commit of the push queues
    national = NationalRecord.objects.get(record_type=6, object_key=str(record.pk))
    assert national.payload["applicant"] == "李四" and national.payload["amounts"] == "300.00"
    assert national.payload["applicantUnit"] == world.enterprise.name


def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(world, client_for, client):
    system = _system(client, _issue(client_for, world))

    def queries(items):
        with CaptureQueriesContext(connection) as captured:
            response = _push(system, items)
        assert response.status_code == 200, response.content
        return len(captured)

    def batch(prefix, size, **changes):
        return [_item(world, n, id=f"{prefix}{n}", user_id=f"P{prefix}{n}", **changes) for n in range(size)]

    opened = {"status": "open", "started_at": None, "ended_at": None}
    queries(batch("W", 1))  # the key's first use is noted, content types are cached
    assert queries(batch("A", 2, **opened)) == queries(batch("B", 20, **opened))
    # Completing them: a step, an audit event, a usage record and a new phone number for each.
    assert queries(batch("A", 2, user_phone="139")) == queries(batch("B", 20, user_phone="139"))
