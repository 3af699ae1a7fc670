import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from yiqi.accounts.tests.factories import UserFactory
from yiqi.booking.models import (
    Blackout,
    Booking,
    BookingStatus,
    OpenHours,
    Qualification,
    ServiceSettings,
    WaitlistEntry,
)
from yiqi.core.money import hours_between
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus


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
    record = factory.LazyAttribute(lambda o: service_record_for(o))


CLOSED_STATES = (BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.NO_SHOW)


def service_record_for(booking) -> ServiceRecord:
    """The booking's service record in step with its status, saved without being priced (no charge)."""
    record = records.build(
        ServiceKind.SELF_OPERATION,
        instrument=booking.instrument,
        user=booking.user,
        user_organization=booking.user_organization,
        is_internal=booking.is_internal,
        reference=f"{timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}",
        content=booking.purpose,
        planned_hours=hours_between(booking.starts_at, booking.ends_at),
        sample_count=getattr(booking, "sample_count", 0),
    )
    if booking.status == BookingStatus.COMPLETED:
        record.status = ServiceStatus.COMPLETED
        record.started_at = getattr(booking, "actual_start", None) or booking.starts_at
        record.ended_at = getattr(booking, "actual_end", None) or booking.ends_at
        record.hours = hours_between(record.started_at, record.ended_at)
        record.completed_at = record.ended_at
    elif booking.status in CLOSED_STATES:
        record.status = ServiceStatus.CLOSED
    record.save()
    return record


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    instrument = factory.SubFactory(InstrumentFactory, registration_status=RegistrationStatus.PUBLISHED)
    user = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    purpose = "候补测试"


SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """An instant given as Shanghai wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def freeze_now(monkeypatch, moment: dt.datetime) -> dt.datetime:
    """Make ``django.utils.timezone.now()`` (used by the services and by auto_now fields) return ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
    return moment


def bookable_instrument(instrument=None, *, weekdays=range(5), hours=(8 * 60, 18 * 60), **settings):
    """A published instrument that offers self-operation, open ``hours`` (minutes) on ``weekdays``.

    Settings default to immediate confirmation, no qualification, 90-day horizon; pass any field to change it.
    """
    if instrument is None:
        instrument = InstrumentFactory(registration_status=RegistrationStatus.PUBLISHED)
    instrument.offers_self_operation = True
    instrument.save()
    defaults = {
        "requires_approval": False,
        "requires_qualification": False,
        "lead_time_hours": 2,
        "horizon_days": 90,
        "closed_on_holidays": True,
    }
    ServiceSettings.objects.update_or_create(instrument=instrument, defaults={**defaults, **settings})
    OpenHours.objects.bulk_create(
        OpenHours(instrument=instrument, weekday=day, start_minute=hours[0], end_minute=hours[1])
        for day in weekdays
    )
    return instrument
