"""Pricing: who pays which rate, quotes before confirmation, the bill after service.

Every amount is ``quantity × unit price`` rounded half-up to the fen per line; totals are sums of rounded
lines (plus approved adjustments), so a statement always adds up to the bills it lists.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yiqi.organizations.models import Organization

from .models import FEN, Charge, ChargeAdjustment, ChargeLine, FeeItem, UserCategory

SELF_OPERATION = "self_operation"
COMMISSIONED_TESTING = "commissioned_testing"
ACADEMIC_KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.RESEARCH_INSTITUTE)


def to_fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def user_category(user_organization: Organization | None, unit_id: int) -> str:
    """Internal for the owning unit's people, academic for other universities/institutes, else external."""
    if user_organization is None:
        return UserCategory.EXTERNAL
    if user_organization.pk == unit_id:
        return UserCategory.INTERNAL
    if user_organization.kind in ACADEMIC_KINDS:
        return UserCategory.ACADEMIC
    return UserCategory.EXTERNAL


def schedule_for(instrument, service: str):
    """The active fee items that apply to ``service`` (self-operation or commissioned testing)."""
    return FeeItem.objects.filter(
        instrument=instrument, is_active=True, applies_to__in=(FeeItem.AppliesTo.BOTH, service)
    )


@dataclass(frozen=True)
class PricedLine:
    fee_item: FeeItem
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return to_fen(self.quantity * self.unit_price)


def price_lines(instrument, service: str, category: str, *, hours: Decimal, samples: int, items: int = 1):
    """Price every applicable schedule item for this much service."""
    quantities = {
        FeeItem.Basis.PER_HOUR: Decimal(hours),
        FeeItem.Basis.PER_SAMPLE: Decimal(samples),
        FeeItem.Basis.PER_ITEM: Decimal(items),
    }
    return [
        PricedLine(item, to_fen(quantities[item.basis]), item.rate_for(category))
        for item in schedule_for(instrument, service)
    ]


def _hours_between(start, end) -> Decimal:
    return to_fen(Decimal((end - start).total_seconds()) / Decimal(3600))


def _write_lines(charge: Charge, stage: str, lines: list[PricedLine]) -> Decimal:
    charge.lines.filter(stage=stage).delete()
    ChargeLine.objects.bulk_create(
        ChargeLine(
            charge=charge,
            stage=stage,
            fee_item=line.fee_item,
            description=line.fee_item.name,
            component=line.fee_item.component,
            basis=line.fee_item.basis,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in lines
    )
    return sum((line.amount for line in lines), Decimal("0.00"))


def _charge_for(*, booking=None, order=None) -> Charge:
    service = booking or order
    instrument = service.instrument
    charge = Charge.objects.filter(booking=booking, order=order).first() if service.pk else None
    if charge is None:
        charge = Charge(
            booking=booking,
            order=order,
            instrument=instrument,
            unit_id=instrument.unit_id,
            payer=service.user,
            payer_organization=service.user_organization,
            user_category=user_category(service.user_organization, instrument.unit_id),
        )
        charge.save()
    return charge


@transaction.atomic
def quote_booking(booking) -> Charge:
    """Price the booked time (and declared samples) before the booking is confirmed."""
    charge = _charge_for(booking=booking)
    lines = price_lines(
        booking.instrument,
        SELF_OPERATION,
        charge.user_category,
        hours=_hours_between(booking.starts_at, booking.ends_at),
        samples=booking.sample_count,
    )
    charge.quoted_total = _write_lines(charge, ChargeLine.Stage.QUOTE, lines)
    charge.total = charge.quoted_total
    charge.save(update_fields=["quoted_total", "total", "updated_at"])
    return charge


@transaction.atomic
def quote_order(order, *, hours: Decimal = Decimal("0"), items: int = 1) -> Charge:
    """Price an order from its sample count and the staff's estimate of machine-hours."""
    charge = _charge_for(order=order)
    lines = price_lines(
        order.instrument,
        COMMISSIONED_TESTING,
        charge.user_category,
        hours=hours,
        samples=order.sample_count,
        items=items,
    )
    charge.quoted_total = _write_lines(charge, ChargeLine.Stage.QUOTE, lines)
    charge.total = charge.quoted_total
    charge.save(update_fields=["quoted_total", "total", "updated_at"])
    return charge


def _bill(charge: Charge, lines: list[PricedLine]) -> Charge:
    _write_lines(charge, ChargeLine.Stage.BILL, lines)
    charge.status = Charge.Status.BILLED
    charge.billed_at = timezone.now()
    recompute_total(charge)
    return charge


@transaction.atomic
def bill_booking(booking) -> Charge:
    """Final bill for a completed booking, on the actual time used (or the booked time if none was recorded)."""
    charge = _charge_for(booking=booking)
    start = booking.actual_start or booking.starts_at
    end = booking.actual_end or booking.ends_at
    lines = price_lines(
        booking.instrument,
        SELF_OPERATION,
        charge.user_category,
        hours=_hours_between(start, end),
        samples=booking.sample_count,
    )
    return _bill(charge, lines)


@transaction.atomic
def bill_order(order, *, items: int = 1) -> Charge:
    """Final bill for a finished order, on its recorded machine-hours and sample count."""
    charge = _charge_for(order=order)
    lines = price_lines(
        order.instrument,
        COMMISSIONED_TESTING,
        charge.user_category,
        hours=order.machine_hours or Decimal("0"),
        samples=order.sample_count,
        items=items,
    )
    return _bill(charge, lines)


def void(charge: Charge) -> Charge:
    """A cancelled or rejected service owes nothing."""
    if charge.status != Charge.Status.PAID:
        charge.status = Charge.Status.VOID
        charge.total = Decimal("0.00")
        charge.save(update_fields=["status", "total", "updated_at"])
    return charge


def recompute_total(charge: Charge) -> Decimal:
    """Billed lines plus approved adjustments; never below zero."""
    stage = (
        ChargeLine.Stage.BILL
        if charge.status in (Charge.Status.BILLED, Charge.Status.PAID)
        else ChargeLine.Stage.QUOTE
    )
    lines = charge.lines.filter(stage=stage).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    adjustments = charge.adjustments.filter(status=ChargeAdjustment.Status.APPROVED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    charge.total = max(to_fen(lines + adjustments), Decimal("0.00"))
    charge.save()
    return charge.total
