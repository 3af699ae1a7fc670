"""Records written for completed (and billed) services, and who sees which records."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.fees.signals import charge_billed
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords import services as service_records
from yiqi.servicerecords.models import ServiceKind
from yiqi.servicerecords.tests.factories import CompletedRecordFactory
from yiqi.usage import services
from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.factories import UsageRecordFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def completed_self_operation(world, user, organization, **fields):
    return CompletedRecordFactory(
        instrument=world.published_a, user=user, user_organization=organization, **fields
    )


def test_an_outside_users_service_is_external_service_on_its_actual_time(world):
    service = completed_self_operation(world, world.users["external_user"], world.enterprise)
    service.started_at += dt.timedelta(minutes=15)
    service.ended_at += dt.timedelta(minutes=30)
    service.hours = Decimal("2.25")
    service.save()
    record = services.record_for_service(service, fee=Decimal("450.5"), actor=world.users["technician_a"])
    assert record.source == UsageRecord.Source.BOOKING
    assert (record.is_external, record.purpose) == (True, UsageRecord.Purpose.SERVICE)
    assert (record.machine_hours, record.fee) == (Decimal("2.25"), Decimal("450.50"))
    assert (record.started_at, record.ended_at) == (service.started_at, service.ended_at)
    assert (record.unit, record.user_organization) == (world.unit_a, world.enterprise)
    assert record.service_content == "材料表面形貌观察"
    event = AuditEvent.objects.for_object(record).get()
    assert (event.action, event.actor, event.data["unit"]) == (
        "create",
        world.users["technician_a"],
        world.unit_a.pk,
    )


def test_an_inside_users_service_is_internal(world):
    service = completed_self_operation(world, world.users["technician_a"], world.unit_a)
    assert service.is_internal
    record = services.record_for_service(service, fee=Decimal("0"))
    assert (record.is_external, record.purpose, record.machine_hours) == (
        False,
        UsageRecord.Purpose.RESEARCH,
        Decimal("2.00"),
    )
    # Billing again updates the one record of the service, and says so in its history.
    assert services.record_for_service(service, fee=Decimal("80")).pk == record.pk
    assert UsageRecord.objects.get().fee == Decimal("80.00")
    assert [e.action for e in AuditEvent.objects.for_object(record)] == ["create", "update"]


@pytest.mark.parametrize("internal", [False, True])
def test_commissioned_testing_is_recorded_on_the_hours_the_staff_entered(world, internal):
    service = completed_self_operation(
        world,
        world.users["external_user"],
        world.unit_a if internal else world.enterprise,
        kind=ServiceKind.COMMISSIONED_TESTING,
        reference="WT202603020001",
        content="钛合金块：测定晶粒度",
        sample_count=3,
    )
    service.hours = Decimal("1.75")
    service.save()
    record = services.record_for_service(service, fee=Decimal("300"), actor=world.users["technician_a"])
    assert record.source == UsageRecord.Source.ORDER
    assert (record.is_external, record.machine_hours, record.sample_count) == (
        not internal,
        Decimal("1.75"),
        3,
    )
    assert (record.started_at, record.ended_at) == (service.started_at, service.ended_at)
    assert record.service_content.startswith("钛合金块")


def test_a_service_without_a_later_end_lasts_its_hours(world):
    service = completed_self_operation(world, world.users["external_user"], world.enterprise)
    service.ended_at = service.started_at
    service.hours = Decimal("1.50")
    service.save()
    record = services.record_for_service(service, fee=Decimal("0"))
    assert (record.ended_at - record.started_at, record.machine_hours) == (1.5 * HOUR, Decimal("1.50"))


def test_billing_a_service_writes_its_usage_record(world):
    service = completed_self_operation(world, world.users["external_user"], world.enterprise)
    charge = SimpleNamespace(pk=None, total=Decimal("120.00"))  # not saved: no voucher can hold it
    charge_billed.send(sender=None, charge=charge, record=service, actor=world.users["technician_a"])
    record = UsageRecord.objects.get(record=service)
    assert (record.fee, record.recorded_by) == (Decimal("120.00"), world.users["technician_a"])


@pytest.fixture
def records(world):
    other_b = InstrumentFactory(unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED)
    return {
        "a_external": UsageRecordFactory(
            instrument=world.published_a,
            user=world.users["external_user"],
            user_organization=world.enterprise,
            is_external=True,
        ),
        "a_manual": UsageRecordFactory(instrument=world.draft_a),
        "b_manual": UsageRecordFactory(instrument=other_b),
    }


VISIBLE = {
    "anonymous": set(),
    "external_user": {"a_external"},
    "expert": set(),
    "technician_a": {"a_external", "a_manual"},
    "officer_a": {"a_external", "a_manual"},
    "unit_admin_a": {"a_external", "a_manual"},
    "unit_admin_b": {"b_manual"},
    "department_admin_a": {"a_external", "a_manual"},
    "department_admin_b": {"b_manual"},
    "platform_admin": {"a_external", "a_manual", "b_manual"},
    "evaluator": {"a_external", "a_manual", "b_manual"},
}


@pytest.mark.parametrize("role", VISIBLE)
def test_who_sees_which_records(world, records, role):
    names = {record.pk: name for name, record in records.items()}
    visible = services.visible_usage(access_for(world.users[role]))
    assert {names[pk] for pk in visible.values_list("pk", flat=True)} == VISIBLE[role]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("technician_a", True),
        ("officer_a", True),
        ("department_admin_a", True),
        ("platform_admin", True),
        ("evaluator", False),
        ("external_user", False),
        ("unit_admin_b", False),
        ("department_admin_b", False),
    ],
)
def test_who_may_download_evidence(world, records, role, allowed):
    assert services.can_download_evidence(access_for(world.users[role]), records["a_manual"]) is allowed


def test_a_service_completed_through_the_record_layer_is_billed_and_recorded(world):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - 3 * HOUR
    service = service_records.open_record(
        ServiceKind.SELF_OPERATION,
        instrument=world.published_a,
        user=world.users["external_user"],
        user_organization=world.enterprise,
        planned_hours=Decimal("2"),
        content="表面形貌观察",
    )
    service_records.complete(
        service, actor=world.users["technician_a"], started_at=start, ended_at=start + 2 * HOUR
    )
    usage = UsageRecord.objects.get(record=service)
    assert usage.fee == Charge.objects.get(record=service).total
    assert (usage.machine_hours, usage.is_external, usage.recorded_by) == (
        Decimal("2.00"),
        True,
        world.users["technician_a"],
    )
