import datetime as dt

import factory
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import Blackout, Booking, BookingStatus, OpenHours, Qualification, ServiceSettings
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory


class ServiceSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceSettings

    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    requires_approval = False
    requires_qualification = False


def open_all_week(instrument, start_minute=0, end_minute=1440):
    """Open every day of the week for the given minutes (default round the clock)."""
    return OpenHours.objects.bulk_create(
        OpenHours(instrument=instrument, weekday=day, start_minute=start_minute, end_minute=end_minute)
        for day in range(7)
    )


class OpenHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpenHours

    weekday = 0
    start_minute = 8 * 60
    end_minute = 18 * 60


class BlackoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blackout

    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    user = factory.SubFactory(UserFactory)
    trained_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=335))


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the database (no rule checks): for setting up scenes in tests."""

    class Meta:
        model = Booking

    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    user = factory.SubFactory(UserFactory)
    status = BookingStatus.CONFIRMED
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    purpose = "材料表面形貌观察"
    is_internal = factory.LazyAttribute(
        lambda o: o.user_organization is not None and o.user_organization.pk == o.instrument.unit_id
    )
    user_organization = None
