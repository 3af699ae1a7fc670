import datetime as dt
from decimal import Decimal

import factory

from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.deadlines import apply_deadline
from yiqi.registry.models import Instrument, InstrumentCategory, RegistrationStatus


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    unit = factory.SubFactory(OrganizationFactory)
    asset_number = factory.Sequence(lambda n: f"2024-{n:05d}")
    name = "场发射扫描电子显微镜"
    name_en = "Field Emission Scanning Electron Microscope"
    category = factory.LazyFunction(lambda: InstrumentCategory.objects.get(code="010102"))
    original_value = Decimal("3200000.00")
    manufacturer = "日本电子株式会社"
    country_of_origin = "JP"
    model_spec = "JSM-7800F"
    technical_indicators = "二次电子像分辨率 0.8 nm（15 kV）；放大倍数 25–1,000,000"
    main_functions = "材料表面形貌观察与微区成分分析"
    application_fields = "材料科学、地质、生物"
    acceptance_date = dt.date(2024, 3, 15)
    contact_name = "李老师"
    contact_phone = "029-88880000"
    registration_status = RegistrationStatus.DRAFT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instrument = model_class(*args, **kwargs)
        if instrument.registration_status == RegistrationStatus.PUBLISHED and instrument.published_at is None:
            from django.utils import timezone

            instrument.published_at = timezone.now()
        apply_deadline(instrument)
        instrument.save()
        return instrument
