from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus

RECORD_STATUS = {
    OrderStatus.COMPLETED: ServiceStatus.COMPLETED,
    OrderStatus.CANCELLED: ServiceStatus.CLOSED,
    OrderStatus.REJECTED: ServiceStatus.CLOSED,
}


def service_record(order) -> ServiceRecord:
    """The order's service record, in step with the order's status (a completed one: on its machine-hours)."""
    done = order.status == OrderStatus.COMPLETED
    hours = getattr(order, "machine_hours", None) or Decimal("0")
    start = getattr(order, "tested_from", None) or timezone.now()
    end = getattr(order, "tested_until", None)
    if end is None or end <= start:
        end = start + timedelta(seconds=max(int(hours * 3600), 60))
    return ServiceRecord.objects.create(
        kind=ServiceKind.COMMISSIONED_TESTING,
        status=RECORD_STATUS.get(order.status, ServiceStatus.OPEN),
        instrument=order.instrument,
        unit_id=order.instrument.unit_id,
        user=order.user,
        user_organization=getattr(order, "user_organization", None),
        is_internal=getattr(order, "is_internal", False),
        reference=order.number,
        content=f"{order.sample_name}：{order.requirements}"[:300],
        sample_count=order.sample_count,
        planned_hours=getattr(order, "estimated_hours", None) or Decimal("0"),
        started_at=start if done else None,
        ended_at=end if done else None,
        hours=hours if done else None,
        completed_at=timezone.now() if done else None,
    )


class TestOrderFactory(factory.django.DjangoModelFactory):
    """An order written straight to the database (no state machine), with its service record: for setting up scenes
    in tests."""

    __test__ = False

    class Meta:
        model = TestOrder

    number = factory.Sequence(lambda n: f"WT{n:010d}")
    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    user = factory.SubFactory(UserFactory)
    status = OrderStatus.SUBMITTED
    sample_name = "钛合金块"
    sample_count = 3
    sample_description = "10 mm × 10 mm × 5 mm，表面已抛光"
    requirements = "表面形貌观察，5000 倍与 20000 倍各 2 张"
    record = factory.LazyAttribute(service_record)
