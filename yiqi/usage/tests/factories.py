import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord


class UsageRecordFactory(factory.django.DjangoModelFactory):
    """A usage record written straight to the database (no rule checks): for setting up totals."""

    class Meta:
        model = UsageRecord

    instrument = factory.SubFactory(InstrumentFactory)
    unit = factory.LazyAttribute(lambda o: o.instrument.unit)
    source = UsageRecord.Source.MANUAL
    user_name = "王老师"
    purpose = UsageRecord.Purpose.RESEARCH
    is_external = False
    machine_hours = Decimal("2.00")
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ended_at = factory.LazyAttribute(
        lambda o: o.started_at + dt.timedelta(minutes=max(60, int(Decimal(o.machine_hours) * 60)))
    )


class CompletedRecordFactory(factory.django.DjangoModelFactory):
    """A completed service record written straight to the database (no kind's row, no signals): what the layers
    above a service kind (usage, feedback) act on."""

    class Meta:
        model = ServiceRecord

    kind = ServiceKind.SELF_OPERATION
    status = ServiceStatus.COMPLETED
    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    unit = factory.LazyAttribute(lambda o: o.instrument.unit)
    user = factory.SubFactory(UserFactory)
    user_organization = None
    is_internal = factory.LazyAttribute(
        lambda o: o.user_organization is not None and o.user_organization.pk == o.instrument.unit_id
    )
    reference = "2026-03-02 09:00"
    content = "材料表面形貌观察"
    planned_hours = Decimal("2.00")
    started_at = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=5)
    )
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=2))
    hours = factory.LazyAttribute(
        lambda o: Decimal((o.ended_at - o.started_at).total_seconds() / 3600).quantize(Decimal("0.01"))
    )
    completed_at = factory.LazyAttribute(lambda o: o.ended_at)
