import datetime as dt

import factory

from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.outcomes.models import Outcome, OutcomeKind, OutcomeStatus


class OutcomeFactory(factory.django.DjangoModelFactory):
    """A confirmed paper the unit recorded; pass ``instruments=[...]`` to link it."""

    class Meta:
        model = Outcome
        skip_postgeneration_save = True

    unit = factory.SubFactory(OrganizationFactory)
    kind = OutcomeKind.PAPER
    title = factory.Sequence(lambda n: f"场发射扫描电镜下钛合金疲劳裂纹的萌生机制{n}")
    identifier = factory.Sequence(lambda n: f"10.1016/j.actamat.2025.{n:05d}")
    source = "Acta Materialia"
    authors = "王伟 李娜"
    date = dt.date(2025, 6, 1)
    status = OutcomeStatus.CONFIRMED

    @factory.post_generation
    def instruments(self, create, extracted, **kwargs):
        if create and extracted:
            self.instruments.set(extracted)
