from decimal import Decimal

import factory

from yiqi.fees.models import FeeItem


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    name = "机时费"
    component = FeeItem.Component.RUNNING
    basis = FeeItem.Basis.PER_HOUR
    rate_internal = Decimal("100.00")
    rate_academic = Decimal("200.00")
    rate_external = Decimal("300.00")
