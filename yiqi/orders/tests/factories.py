import factory

from yiqi.accounts.tests.factories import UserFactory
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory


class TestOrderFactory(factory.django.DjangoModelFactory):
    """An order written straight to the database (no state machine): for setting up scenes in tests."""

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
