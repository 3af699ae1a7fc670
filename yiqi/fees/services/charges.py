"""Charges: the quote before a service is confirmed, the bill after it, voiding, the running total, and who sees
which charge. Booking and order workflows call ``quote_*``, ``bill_*`` and ``void`` here.

Totals are sums of rounded lines (plus approved adjustments), so a statement always adds up to the bills it lists.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.registry import scoping

from ..models import Charge, ChargeAdjustment, ChargeEvent, ChargeLine
from .amounts import to_fen
from .pricing import COMMISSIONED_TESTING, SELF_OPERATION, PricedLine, price_lines, user_category

SETTLED = (Charge.Status.BILLED, Charge.Status.PAID)


def current_stage(charge: Charge) -> str:
    """Which lines make the charge's total: the bill once billed (or paid), else the quote."""
    return ChargeLine.Stage.BILL if charge.status in SETTLED else ChargeLine.Stage.QUOTE


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
    charge = (
        Charge.objects.select_for_update().filter(booking=booking, order=order).first()
        if service.pk
        else None
    )
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


def _requotable(charge: Charge) -> Charge:
    if charge.status in (Charge.Status.BILLED, Charge.Status.PAID):
        raise ValidationError(_("已出账单的费用不能重新报价。"))
    return charge


def record_event(charge: Charge, action: str, actor=None, note: str = "") -> ChargeEvent:
    return ChargeEvent.objects.create(
        charge=charge, action=action, actor=actor, total=charge.total, note=note
    )


def _quoted(charge: Charge, lines: list[PricedLine]) -> Charge:
    charge.quoted_total = _write_lines(charge, ChargeLine.Stage.QUOTE, lines)
    charge.total = charge.quoted_total
    charge.save(update_fields=["quoted_total", "total", "updated_at"])
    record_event(charge, ChargeEvent.Action.QUOTED)
    return charge


@transaction.atomic
def quote_booking(booking) -> Charge:
    """Price the booked time (and declared samples) before the booking is confirmed."""
    charge = _requotable(_charge_for(booking=booking))
    lines = price_lines(
        booking.instrument,
        SELF_OPERATION,
        charge.user_category,
        hours=_hours_between(booking.starts_at, booking.ends_at),
        samples=booking.sample_count,
    )
    return _quoted(charge, lines)


@transaction.atomic
def quote_order(order, *, hours: Decimal = Decimal("0"), items: int = 1) -> Charge:
    """Price an order from its sample count and the staff's estimate of machine-hours."""
    charge = _requotable(_charge_for(order=order))
    lines = price_lines(
        order.instrument,
        COMMISSIONED_TESTING,
        charge.user_category,
        hours=hours,
        samples=order.sample_count,
        items=items,
    )
    return _quoted(charge, lines)


def _bill(charge: Charge, lines: list[PricedLine]) -> Charge:
    if charge.status == Charge.Status.PAID:
        raise ValidationError(_("该费用已缴清，不能重新结算。"))
    _write_lines(charge, ChargeLine.Stage.BILL, lines)
    charge.status = Charge.Status.BILLED
    charge.billed_at = timezone.now()
    recompute_total(charge)
    record_event(charge, ChargeEvent.Action.BILLED)
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


@transaction.atomic
def void(charge: Charge, *, actor=None) -> Charge:
    """A cancelled or rejected service owes nothing (money already received stays on record)."""
    charge.refresh_from_db(from_queryset=Charge.objects.select_for_update())
    if charge.status not in (Charge.Status.PAID, Charge.Status.VOID):
        charge.status = Charge.Status.VOID
        charge.total = Decimal("0.00")
        charge.save(update_fields=["status", "total", "updated_at"])
        record_event(charge, ChargeEvent.Action.VOIDED, actor)
    return charge


def recompute_total(charge: Charge) -> Decimal:
    """Billed lines plus approved adjustments; never below zero."""
    lines = charge.lines.filter(stage=current_stage(charge)).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    adjustments = charge.adjustments.filter(status=ChargeAdjustment.Status.APPROVED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    charge.total = max(to_fen(lines + adjustments), Decimal("0.00"))
    charge.save()
    return charge.total


def served_charges(access: Access) -> QuerySet[Charge]:
    """Charges of instruments the user serves (``scoping.can_serve`` as a query); all for platform admins."""
    if access.is_platform_admin:
        return Charge.objects.all()
    if not access.is_authenticated:
        return Charge.objects.none()
    return Charge.objects.filter(
        Q(unit_id__in=access.organizations_with(Role.UNIT_ADMIN, Role.TECHNICIAN))
        | Q(instrument__manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    )


def visible_charges(access: Access) -> QuerySet[Charge]:
    """The payer's own charges, the serving staff's, and every charge for platform admins."""
    if access.is_platform_admin or not access.is_authenticated:
        return served_charges(access)
    return Charge.objects.filter(Q(payer_id=access.user_id) | Q(pk__in=served_charges(access).values("pk")))


def serves(access: Access, charge: Charge) -> bool:
    return scoping.can_serve(access, charge.instrument)
