"""Charges: the quote while a service record is open, the bill once it is completed, voiding when it is closed, the
running total, and who sees which charge. ``receivers`` call ``quote``, ``bill`` and ``void_for`` when the service
records say so; every step goes through the charge's state machine and leaves one row on its audit trail.

Totals are sums of rounded lines (plus approved adjustments), so a statement always adds up to the bills it lists.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.core.bulk import insert
from yiqi.core.models import AuditEvent
from yiqi.core.money import to_fen
from yiqi.core.workflow import StateMachine, Transition
from yiqi.registry import scoping

from .. import signals
from ..models import Charge, ChargeAdjustment, ChargeLine
from .pricing import PricedLine, price_lines, schedule_for, user_category

S = Charge.Status
SETTLED = (S.BILLED, S.PAID)

# Action names are those of the charge history kept since the first release (migrated into the audit trail).
CHARGES = StateMachine(
    Charge,
    [
        Transition("quoted", _("报价"), (S.QUOTED,), S.QUOTED),
        Transition("billed", _("出账单"), (S.QUOTED,), S.BILLED),
        Transition("paid", _("登记缴费"), (S.BILLED,), S.PAID),
        Transition("voided", _("作废"), (S.QUOTED, S.BILLED), S.VOID),
    ],
    comment_max_length=300,
    # Only the charge's row: the instrument and the payer stay free for bookings running meanwhile.
    lock_related=("instrument", "payer"),
)
# Rows on a charge's trail that are not its own transitions: an adjustment asked for or decided.
TRAIL_LABELS = {
    "adjustment_requested": _("申请调整"),
    "adjustment_approved": _("批准调整"),
    "adjustment_rejected": _("驳回调整"),
}


def current_stage(charge: Charge) -> str:
    """Which lines make the charge's total: the bill once billed (or paid), else the quote."""
    return ChargeLine.Stage.BILL if charge.status in SETTLED else ChargeLine.Stage.QUOTE


def history(charge: Charge) -> list[dict]:
    """The charge's trail as plain rows (``StateMachine.history``), its total after each step in ``data``."""
    return CHARGES.history(charge, labels=TRAIL_LABELS)


def trail_data(charge: Charge) -> dict:
    """What every row of a charge's trail records besides the step: the total after it."""
    return {"total": str(charge.total)}


def _write_lines(charge: Charge, stage: str, lines: list[PricedLine]) -> Decimal:
    charge.lines.filter(stage=stage).delete()
    ChargeLine.objects.bulk_create(line.row(charge, stage) for line in lines)
    return sum((line.amount for line in lines), Decimal("0.00"))


def _total(charge: Charge, stage: str) -> Decimal:
    """The stage's lines plus approved adjustments; never below zero."""
    lines = charge.lines.filter(stage=stage).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    adjustments = charge.adjustments.filter(status=ChargeAdjustment.Status.APPROVED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    return max(to_fen(lines + adjustments), Decimal("0.00"))


def _charge_for(record) -> Charge:
    """The record's charge, made (as a quote of nothing yet) the first time the record is priced."""
    charge = Charge.objects.filter(record=record).first()
    if charge is None:
        charge = Charge.objects.create(
            record=record,
            instrument_id=record.instrument_id,
            unit_id=record.unit_id,
            payer_id=record.user_id,
            payer_organization=record.user_organization,
            user_category=user_category(record.user_organization, record.unit_id),
        )
    return charge


def _lines(record, charge: Charge, hours: Decimal | None) -> list[PricedLine]:
    return price_lines(
        record.instrument,
        record.kind,
        charge.user_category,
        hours=hours or Decimal("0"),
        samples=record.sample_count,
    )


@transaction.atomic
def quote(record) -> Charge:
    """Price the record's planned hours and samples (a booked time; an order's estimate); again when they change."""
    charge = _charge_for(record)
    lines = _lines(record, charge, record.planned_hours)
    data = {}

    def prepare(locked: Charge, step) -> None:
        locked.quoted_total = locked.total = _write_lines(locked, ChargeLine.Stage.QUOTE, lines)
        data.update(trail_data(locked))

    return CHARGES.run(charge, "quoted", actor=None, prepare=prepare, data=data)


def quote_new(records, *, member_category: str | None = None) -> list[Charge]:
    """The first quotes of records opened together (a booking, a weekly series): one read of the fee schedule per
    instrument and kind, then the charges, their lines and their trail rows each in one insert
    (``member_category``: see ``user_category``)."""
    schedules: dict[tuple, list] = {}
    charges, lines = [], []
    for record in records:
        key = (record.instrument_id, record.kind)
        if key not in schedules:
            schedules[key] = list(schedule_for(record.instrument_id, record.kind))
        category = user_category(record.user_organization, record.unit_id, member_category)
        priced = price_lines(
            record.instrument_id,
            record.kind,
            category,
            hours=record.planned_hours or Decimal("0"),
            samples=record.sample_count,
            schedule=schedules[key],
        )
        total = sum((line.amount for line in priced), Decimal("0.00"))
        charge = Charge(
            record=record,
            instrument_id=record.instrument_id,
            unit_id=record.unit_id,
            payer_id=record.user_id,
            payer_organization=record.user_organization,
            user_category=category,
            status=S.QUOTED,
            quoted_total=total,
            total=total,
        )
        charges.append(charge)
        lines.append(priced)
    Charge.objects.bulk_create(charges)
    ChargeLine.objects.bulk_create(
        line.row(charge, ChargeLine.Stage.QUOTE)
        for charge, priced in zip(charges, lines, strict=True)
        for line in priced
    )
    insert(
        AuditEvent.build(
            charge, "quoted", actor=None, from_state=S.QUOTED, to_state=S.QUOTED, data=trail_data(charge)
        )
        for charge in charges
    )
    return charges


@transaction.atomic
def bill(record, *, actor=None) -> Charge:
    """The final bill of a completed record, on its actual hours and samples; tells the layers above."""
    charge = _charge_for(record)
    lines = _lines(record, charge, record.hours)
    data = {}

    def prepare(locked: Charge, step) -> None:
        _write_lines(locked, ChargeLine.Stage.BILL, lines)
        locked.billed_at = timezone.now()
        locked.total = _total(locked, ChargeLine.Stage.BILL)
        data.update(trail_data(locked))

    charge = CHARGES.run(charge, "billed", actor=actor, prepare=prepare, data=data)
    signals.charge_billed.send(sender=Charge, charge=charge, record=record, actor=actor)
    return charge


@transaction.atomic
def void_for(record, *, actor=None) -> Charge | None:
    """A closed record (cancelled, rejected, missed) owes nothing; money already received stays on record."""
    charge = Charge.objects.filter(record=record).first()
    if charge is None:
        return None
    charge = CHARGES.lock(charge)
    if not CHARGES.allows(charge, "voided"):
        return charge

    def prepare(locked: Charge, step) -> None:
        locked.total = Decimal("0.00")

    return CHARGES.run(charge, "voided", actor=actor, prepare=prepare, data={"total": "0.00"})


def recompute_total(charge: Charge) -> Decimal:
    """Lines of the current stage plus approved adjustments; never below zero."""
    charge.total = _total(charge, current_stage(charge))
    charge.save(update_fields=["total", "updated_at"])
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
