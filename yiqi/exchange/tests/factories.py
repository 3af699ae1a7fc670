import factory

from yiqi.exchange.models import UnitCode


class UnitCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitCode

    code = factory.Sequence(lambda n: f"{n:032x}")
