from decimal import Decimal

import factory

from yiqi.accounts.tests.factories import UserFactory
from yiqi.fees.models import FeeItem
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    name = "机时费"
    component = FeeItem.Component.RUNNING
    basis = FeeItem.Basis.PER_HOUR
    rate_internal = Decimal("100.00")
    rate_academic = Decimal("200.00")
    rate_external = Decimal("300.00")


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    """An open service record written straight to the database (no signals): the fee tests price it themselves."""

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
    planned_hours = Decimal("2.00")
