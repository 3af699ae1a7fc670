"""Writing usage records. Completed bookings and orders produce one each; staff add offline use by hand."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from yiqi.fees.services import to_fen

from .models import UsageRecord


def machine_hours(start, end) -> Decimal:
    return to_fen(Decimal((end - start).total_seconds()) / Decimal(3600))


def _fee_of(service) -> Decimal:
    charge = getattr(service, "charge", None)
    return charge.total if charge is not None else Decimal("0.00")


@transaction.atomic
def record_for_booking(booking, *, actor=None) -> UsageRecord:
    """The usage record of a completed booking: actual time if recorded, else the booked time."""
    start = booking.actual_start or booking.starts_at
    end = booking.actual_end or booking.ends_at
    record, _ = UsageRecord.objects.update_or_create(
        booking=booking,
        defaults={
            "source": UsageRecord.Source.BOOKING,
            "instrument": booking.instrument,
            "unit_id": booking.instrument.unit_id,
            "user": booking.user,
            "user_name": booking.user.get_full_name(),
            "user_organization": booking.user_organization,
            "is_external": not booking.is_internal,
            "purpose": UsageRecord.Purpose.RESEARCH if booking.is_internal else UsageRecord.Purpose.SERVICE,
            "started_at": start,
            "ended_at": end,
            "machine_hours": machine_hours(start, end),
            "sample_count": booking.sample_count,
            "service_content": booking.purpose[:300],
            "fee": _fee_of(booking),
            "recorded_by": actor,
        },
    )
    return record


@transaction.atomic
def record_for_order(order, *, actor=None) -> UsageRecord:
    """The usage record of a completed order, on the machine-hours the staff recorded."""
    start = order.tested_from or order.created_at
    end = order.tested_until if order.tested_until and order.tested_until > start else None
    hours = order.machine_hours or Decimal("0")
    if end is None:
        end = start + timedelta(seconds=max(int(hours * 3600), 60))
    record, _ = UsageRecord.objects.update_or_create(
        order=order,
        defaults={
            "source": UsageRecord.Source.ORDER,
            "instrument": order.instrument,
            "unit_id": order.instrument.unit_id,
            "user": order.user,
            "user_name": order.user.get_full_name(),
            "user_organization": order.user_organization,
            "is_external": not order.is_internal,
            "purpose": UsageRecord.Purpose.RESEARCH if order.is_internal else UsageRecord.Purpose.SERVICE,
            "started_at": start,
            "ended_at": end,
            "machine_hours": to_fen(hours),
            "sample_count": order.sample_count,
            "service_content": f"{order.sample_name}：{order.requirements}"[:300],
            "fee": _fee_of(order),
            "recorded_by": actor,
        },
    )
    return record
