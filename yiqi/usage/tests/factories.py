import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from yiqi.registry.tests.factories import InstrumentFactory
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
