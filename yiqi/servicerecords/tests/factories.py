import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.core.money import hours_between
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    """An open service record written straight to the database (no kind's row, no signals): what the layers above
    the service kinds (fees, usage, feedback) act on in their own tests."""

    class Meta:
        model = ServiceRecord

    kind = ServiceKind.SELF_OPERATION
    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    unit = factory.LazyAttribute(lambda o: o.instrument.unit)
    user = factory.SubFactory(UserFactory)
    user_organization = None
    is_internal = factory.LazyAttribute(
        lambda o: o.user_organization is not None and o.user_organization.pk == o.instrument.unit_id
    )
    reference = factory.Sequence(lambda n: f"FW{n:08d}")
    content = "材料表面形貌观察"
    planned_hours = Decimal("2.00")


class CompletedRecordFactory(ServiceRecordFactory):
    """A service that was delivered two hours long, ending three hours ago."""

    status = ServiceStatus.COMPLETED
    reference = "2026-03-02 09:00"
    started_at = factory.LazyFunction(
        lambda: timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=5)
    )
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=2))
    hours = factory.LazyAttribute(lambda o: hours_between(o.started_at, o.ended_at))
    completed_at = factory.LazyAttribute(lambda o: o.ended_at)
