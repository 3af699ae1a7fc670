"""Opening, completing and closing a service record tells the layers above, inside the same transaction; each step is
in the record's own audit trail."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqi.core.models import AuditEvent
from yiqi.servicerecords import services, signals
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.servicerecords.presenters import ServicePanel, panels_for


@pytest.fixture
def heard():
    seen = []

    def listen(signal):
        def receiver(sender, record, **kwargs):
            seen.append((signal, record.pk, record.status))

        return receiver

    def opened(sender, records, **kwargs):
        seen.extend(("quoted", record.pk, record.status) for record in records)

    receivers = {name: listen(name) for name in ("quoted", "completed", "closed")}
    signals.services_opened.connect(opened)
    signals.service_quoted.connect(receivers["quoted"])
    signals.service_completed.connect(receivers["completed"])
    signals.service_closed.connect(receivers["closed"])
    yield seen
    signals.services_opened.disconnect(opened)
    signals.service_quoted.disconnect(receivers["quoted"])
    signals.service_completed.disconnect(receivers["completed"])
    signals.service_closed.disconnect(receivers["closed"])


def test_a_record_is_priced_when_opened_and_when_requoted(world, heard):
    user = world.users["external_user"]
    record = services.open_record(
        ServiceKind.COMMISSIONED_TESTING,
        instrument=world.published_a,
        user=user,
        user_organization=world.enterprise,
        reference="WT2026120100001",
        content="土壤样品：重金属",
        sample_count=3,
    )
    assert record.unit_id == world.published_a.unit_id and record.status == ServiceStatus.OPEN
    services.requote(record, planned_hours=Decimal("1.50"))
    record.refresh_from_db()
    assert record.planned_hours == Decimal("1.50")
    assert heard == [("quoted", record.pk, "open"), ("quoted", record.pk, "open")]


def steps_of(record):
    return list(
        AuditEvent.objects.for_object(record)
        .order_by("pk")
        .values_list("action", "from_state", "to_state", "actor")
    )


def test_completing_records_what_was_done_and_cannot_happen_twice(world, heard):
    technician = world.users["technician_a"]
    record = services.open_record(
        ServiceKind.SELF_OPERATION, instrument=world.published_a, user=world.users["external_user"]
    )
    start = timezone.now() - timezone.timedelta(hours=2)
    services.complete(
        record, actor=technician, started_at=start, ended_at=start + timezone.timedelta(minutes=90)
    )
    record.refresh_from_db()
    assert (record.status, record.hours) == (ServiceStatus.COMPLETED, Decimal("1.50"))
    assert record.completed_at is not None
    with pytest.raises(ValidationError) as refused:
        services.close(record, actor=None)
    assert "已完成" in str(refused.value.message_dict["status"])
    assert heard[-1] == ("completed", record.pk, "completed")
    assert steps_of(record) == [("complete", "open", "completed", technician.pk)]


def test_closing_an_open_record(world, heard):
    record = services.open_record(
        ServiceKind.SELF_OPERATION, instrument=world.published_a, user=world.users["external_user"]
    )
    services.close(record, actor=None)
    assert ServiceRecord.objects.get(pk=record.pk).status == ServiceStatus.CLOSED
    assert heard[-1] == ("closed", record.pk, "closed")
    assert steps_of(record) == [("close", "open", "closed", None)]


def test_panels_from_layers_above_come_in_order(world):
    record = services.open_record(
        ServiceKind.SELF_OPERATION, instrument=world.published_a, user=world.users["external_user"]
    )

    def late(sender, record, user, **kwargs):
        return ServicePanel("late.html", {"n": 2}, position=90)

    def early(sender, record, user, **kwargs):
        return ServicePanel("early.html", {"n": 1}, position=10)

    def nothing(sender, record, user, **kwargs):
        return None

    for receiver in (late, early, nothing):
        signals.service_panels.connect(receiver)
    try:
        shown = [p.template for p in panels_for(record, None)]
        assert [t for t in shown if t in ("early.html", "late.html")] == ["early.html", "late.html"]
    finally:
        for receiver in (late, early, nothing):
            signals.service_panels.disconnect(receiver)
