"""Scenes for the fee tests: instruments with a schedule, services already delivered, bills at given times."""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from yiqi.booking.models import Booking, BookingStatus
from yiqi.booking.tests.factories import BookingFactory
from yiqi.fees import services
from yiqi.fees.models import Charge, FeeItem
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.orders.models import OrderStatus
from yiqi.orders.tests.factories import TestOrderFactory

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


def booking(instrument, user, *, organization=None, minutes=120, samples=0, **fields) -> Booking:
    """A completed booking on a day of its own (bookings of one instrument never overlap)."""
    start = local(2026, 1, 5, 9) + dt.timedelta(days=next(_days))
    return BookingFactory(
        instrument=instrument,
        user=user,
        user_organization=organization,
        status=fields.pop("status", BookingStatus.COMPLETED),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        sample_count=samples,
        **fields,
    )


def bill(service, *, at: dt.datetime | None = None) -> Charge:
    """The service's bill, issued at ``at`` if given."""
    charge = services.bill_booking(service) if isinstance(service, Booking) else services.bill_order(service)
    if at is not None:
        Charge.objects.filter(pk=charge.pk).update(billed_at=at)
        charge.refresh_from_db()
    return charge


def billed(instrument, user, *, organization=None, minutes=120, samples=0, at=None) -> Charge:
    return bill(booking(instrument, user, organization=organization, minutes=minutes, samples=samples), at=at)


def billed_order(instrument, user, *, organization=None, hours="1.50", samples=3, at=None) -> Charge:
    order = TestOrderFactory(
        instrument=instrument,
        user=user,
        user_organization=organization,
        status=OrderStatus.COMPLETED,
        sample_count=samples,
        machine_hours=Decimal(hours),
    )
    return bill(order, at=at)
