"""Scenes for the fee tests: instruments with a schedule, services already delivered, bills at given times."""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from yiqi.core.money import hours_between
from yiqi.fees import services
from yiqi.fees.models import Charge, FeeItem
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.servicerecords.tests.factories import ServiceRecordFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
_days = itertools.count()


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """An instant given as Shanghai wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def priced(instrument):
    """Both services offered, three lines: hourly running cost, consumables per sample, labour per order."""
    instrument.offers_self_operation = instrument.offers_commissioned_testing = True
    instrument.save()
    return [
        FeeItemFactory(instrument=instrument, name="机时费", rate_internal=Decimal("100.00"),
                       rate_academic=Decimal("200.00"), rate_external=Decimal("333.33"), position=1),
        FeeItemFactory(instrument=instrument, name="耗材费", component=FeeItem.Component.MATERIALS,
                       basis=FeeItem.Basis.PER_SAMPLE, rate_internal=Decimal("5.00"),
                       rate_academic=Decimal("10.00"), rate_external=Decimal("12.35"), position=2),
        FeeItemFactory(instrument=instrument, name="测试人工费", component=FeeItem.Component.LABOUR,
                       basis=FeeItem.Basis.PER_ITEM, applies_to=FeeItem.AppliesTo.COMMISSIONED_TESTING,
                       rate_internal=Decimal("50.00"), rate_academic=Decimal("80.00"),
                       rate_external=Decimal("120.00"), position=3),
    ]  # fmt: skip


def service(instrument, user, *, organization=None, minutes=120, samples=0, **fields) -> ServiceRecord:
    """An open self-operation record: ``minutes`` booked on a day of its own."""
    start = local(2026, 1, 5, 9) + dt.timedelta(days=next(_days))
    return ServiceRecordFactory(
        instrument=instrument,
        user=user,
        user_organization=organization,
        reference=f"{start:%Y-%m-%d %H:%M}",
        planned_hours=hours_between(start, start + dt.timedelta(minutes=minutes)),
        sample_count=samples,
        **fields,
    )


def deliver(record: ServiceRecord, *, hours=None) -> ServiceRecord:
    """Mark the record completed as ``servicerecords.services.complete`` would, without its signals: ``hours`` of
    actual service (the planned hours if not given)."""
    hours = Decimal(hours) if hours is not None else record.planned_hours
    record.status = ServiceStatus.COMPLETED
    record.started_at = local(2026, 1, 5, 9)
    record.ended_at = record.started_at + dt.timedelta(seconds=int(hours * 3600))
    record.hours = hours
    record.completed_at = timezone.now()
    record.save()
    return record


def bill(record: ServiceRecord, *, at: dt.datetime | None = None, hours=None) -> Charge:
    """The record's bill (delivered as planned unless ``hours`` says otherwise), issued at ``at`` if given."""
    if record.status != ServiceStatus.COMPLETED:
        deliver(record, hours=hours)
    charge = services.bill(record)
    if at is not None:
        Charge.objects.filter(pk=charge.pk).update(billed_at=at)
        charge.refresh_from_db()
    return charge


def billed(instrument, user, *, organization=None, minutes=120, samples=0, at=None) -> Charge:
    record = service(instrument, user, organization=organization, minutes=minutes, samples=samples)
    return bill(record, at=at)


def billed_order(instrument, user, *, organization=None, hours="1.50", samples=3, at=None) -> Charge:
    record = ServiceRecordFactory(
        kind=ServiceKind.COMMISSIONED_TESTING,
        instrument=instrument,
        user=user,
        user_organization=organization,
        planned_hours=Decimal("0"),
        sample_count=samples,
    )
    return bill(record, hours=hours, at=at)
