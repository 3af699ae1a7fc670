"""Fees: the schedule, who pays which rate, quotes before confirmation, the bill after service, adjustments
(requested by service staff, approved by another unit admin) and payment.

Every amount is ``quantity × unit price`` rounded half-up to the fen per line; totals are sums of rounded
lines (plus approved adjustments), so a statement always adds up to the bills it lists.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.notifications.services import notify
from yiqi.organizations.models import Organization
from yiqi.registry import scoping
from yiqi.registry.models import Instrument, RegistrationStatus

from .models import FEN, Charge, ChargeAdjustment, ChargeEvent, ChargeLine, FeeItem, UserCategory

SELF_OPERATION = "self_operation"
COMMISSIONED_TESTING = "commissioned_testing"
SERVICE_LABELS = {SELF_OPERATION: gettext_lazy("自主上机"), COMMISSIONED_TESTING: gettext_lazy("委托测试")}
ACADEMIC_KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.RESEARCH_INSTITUTE)
# Far above any real unit price or correction, low enough to catch a figure typed in fen or with extra zeros.
MAX_RATE = Decimal("1000000.00")
MAX_ADJUSTMENT = Decimal("10000000.00")


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


def _event(charge: Charge, action: str, actor=None, note: str = "") -> ChargeEvent:
    return ChargeEvent.objects.create(
        charge=charge, action=action, actor=actor, total=charge.total, note=note
    )


def _quoted(charge: Charge, lines: list[PricedLine]) -> Charge:
    charge.quoted_total = _write_lines(charge, ChargeLine.Stage.QUOTE, lines)
    charge.total = charge.quoted_total
    charge.save(update_fields=["quoted_total", "total", "updated_at"])
    _event(charge, ChargeEvent.Action.QUOTED)
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
    _event(charge, ChargeEvent.Action.BILLED)
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
        _event(charge, ChargeEvent.Action.VOIDED, actor)
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


# --- amounts typed by people -------------------------------------------------------------------------------


def parse_money(value, *, maximum: Decimal, signed: bool = False) -> Decimal:
    """A yuan amount with at most two decimals; ValidationError with a message a person understands."""
    if isinstance(value, float):
        value = repr(value)  # never let binary floating point into money
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValidationError(_("请填写金额（元），如 120 或 120.50。")) from None
    if not number.is_finite():
        raise ValidationError(_("请填写金额（元），如 120 或 120.50。"))
    if number != number.quantize(FEN):
        raise ValidationError(_("金额最多保留两位小数（精确到分）。"))
    if number < 0 and not signed:
        raise ValidationError(_("金额不能为负数。"))
    if abs(number) > maximum:
        raise ValidationError(_("金额不能超过 %(max)s 元，请检查是否填错。") % {"max": f"{maximum:,.2f}"})
    return number.quantize(FEN)


# --- fee schedules ------------------------------------------------------------------------------------------

RATE_FIELDS = ("rate_internal", "rate_academic", "rate_external")


def managed_instruments(access: Access) -> QuerySet[Instrument]:
    """Instruments whose fee schedule the user sets (``scoping.can_manage_service`` as a query)."""
    if not access.is_authenticated:
        return Instrument.objects.none()
    return Instrument.objects.filter(
        Q(unit_id__in=access.unit_admin_unit_ids)
        | Q(manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    )


def visible_fee_items(access: Access) -> QuerySet[FeeItem]:
    """Everyone sees the active schedule of published instruments; managers also see their own drafts and
    deactivated items."""
    scope = Q(is_active=True, instrument__registration_status=RegistrationStatus.PUBLISHED)
    if access.is_authenticated:
        scope |= Q(instrument__in=managed_instruments(access))
    return FeeItem.objects.filter(scope)


@transaction.atomic
def save_fee_item(item: FeeItem, *, actor) -> FeeItem:
    """Add or change one schedule line. Charges already quoted or billed keep their own copies of the price."""
    instrument = Instrument.objects.get(pk=item.instrument_id)
    if not scoping.can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("只有仪器的机组负责人和单位管理员可以设置收费标准。"))
    if item.pk and FeeItem.objects.filter(pk=item.pk).exclude(instrument_id=item.instrument_id).exists():
        raise ValidationError({"instrument": [_("不能更改收费项目所属的仪器。")]})
    errors = {}
    item.name = (item.name or "").strip()
    if not item.name:
        errors["name"] = [_("请填写收费项目名称。")]
    for field in RATE_FIELDS:
        try:
            setattr(item, field, parse_money(getattr(item, field), maximum=MAX_RATE))
        except ValidationError as error:
            errors[field] = error.messages
    try:
        item.full_clean(exclude=["instrument", *errors])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    item.save()
    return item


def set_fee_item_active(item: FeeItem, *, active: bool, actor) -> FeeItem:
    """Withdraw a line from the schedule (or restore it); it stays on the charges that used it."""
    item.is_active = active
    return save_fee_item(item, actor=actor)


def published_schedule(instrument) -> list[tuple[str, list[FeeItem]]]:
    """(service label, active items) for each service the instrument offers that has a price."""
    offered = [
        (SELF_OPERATION, instrument.offers_self_operation),
        (COMMISSIONED_TESTING, instrument.offers_commissioned_testing),
    ]
    items = list(FeeItem.objects.filter(instrument=instrument, is_active=True))
    groups = []
    for service, offers in offered:
        applicable = [i for i in items if i.applies_to in (FeeItem.AppliesTo.BOTH, service)]
        if offers and applicable:
            groups.append((SERVICE_LABELS[service], applicable))
    return groups


@dataclass(frozen=True)
class Estimate:
    category: str
    lines: list[PricedLine]
    total: Decimal

    @property
    def category_label(self) -> str:
        return UserCategory(self.category).label


def _quantity(value, field: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError({field: [message]}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: [message]})
    return number


def estimate(instrument, service: str, user_organization, hours=0, samples=0) -> Estimate:
    """The fee this much service would cost this user (shown as 预计费用 on booking and order forms)."""
    if service not in SERVICE_LABELS:
        raise ValidationError({"service": [_("未知的服务方式。")]})
    hours = _quantity(hours, "hours", _("机时须为不小于零的数字。"))
    samples = _quantity(samples, "samples", _("样品数须为不小于零的整数。"))
    if samples != samples.to_integral_value():
        raise ValidationError({"samples": [_("样品数须为不小于零的整数。")]})
    category = user_category(user_organization, instrument.unit_id)
    lines = price_lines(instrument, service, category, hours=to_fen(hours), samples=int(samples))
    return Estimate(category, lines, sum((line.amount for line in lines), Decimal("0.00")))


# --- who sees which charge ----------------------------------------------------------------------------------


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


def decidable_adjustments(access: Access) -> QuerySet[ChargeAdjustment]:
    """Pending adjustments the user may decide: a unit admin of the issuing unit who did not ask for them (four
    eyes on every change)."""
    return ChargeAdjustment.objects.filter(
        status=ChargeAdjustment.Status.PENDING, charge__unit_id__in=access.unit_admin_unit_ids
    ).exclude(requested_by_id=access.user_id)


def can_decide(access: Access, adjustment: ChargeAdjustment) -> bool:
    return decidable_adjustments(access).filter(pk=adjustment.pk).exists()


def available_actions(charge: Charge, access: Access) -> list[str]:
    """What the user may do to the charge now: a subset of "adjust", "record_payment"."""
    if charge.status != Charge.Status.BILLED or not serves(access, charge):
        return []
    actions = ["adjust"]
    # Reads the prefetched adjustments when the list view supplied them.
    if not any(a.status == ChargeAdjustment.Status.PENDING for a in charge.adjustments.all()):
        actions.append("record_payment")
    return actions


def _url(charge: Charge) -> str:
    return reverse("fees:charge_detail", args=[charge.pk])


def _lock(charge: Charge) -> Charge:
    # Only the charge's row: the instrument and the payer stay free for bookings running meanwhile.
    return (
        Charge.objects.select_for_update(of=("self",)).select_related("instrument", "payer").get(pk=charge.pk)
    )


def _require_billed(charge: Charge, doing: str) -> None:
    """Adjustments and payments apply to a bill that is issued and not yet settled."""
    messages = {
        Charge.Status.QUOTED: _("尚未出账单，不能%(doing)s。"),
        Charge.Status.PAID: _("该费用已缴清，不能%(doing)s。"),
        Charge.Status.VOID: _("该费用单已作废，不能%(doing)s。"),
    }
    if charge.status in messages:
        raise ValidationError(messages[charge.status] % {"doing": doing})


# --- adjustments --------------------------------------------------------------------------------------------


@transaction.atomic
def request_adjustment(charge: Charge, *, actor, amount, reason: str) -> ChargeAdjustment:
    """Service staff ask to change a bill (negative for a reduction); a unit admin must approve it."""
    charge = _lock(charge)
    if not serves(access_for(actor), charge):
        raise PermissionDenied(_("只有本单位的服务人员可以申请调整费用。"))
    _require_billed(charge, _("调整"))
    errors = {}
    try:
        amount = parse_money(amount, maximum=MAX_ADJUSTMENT, signed=True)
    except ValidationError as error:
        errors["amount"] = error.messages
    else:
        if amount == 0:
            errors["amount"] = [_("调整金额不能为零。")]
        elif charge.total + amount < 0:
            errors["amount"] = [
                _("调整后应收金额不能低于零（当前应收 %(total)s 元）。") % {"total": charge.total}
            ]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写调整原因。")]
    elif len(reason) > 300:
        errors["reason"] = [_("调整原因不能超过 300 字。")]
    if errors:
        raise ValidationError(errors)
    adjustment = ChargeAdjustment.objects.create(
        charge=charge, amount=amount, reason=reason, requested_by=actor
    )
    _event(charge, ChargeEvent.Action.ADJUSTMENT_REQUESTED, actor, f"{amount:+} · {reason}"[:300])
    approvers = users_with_role(Role.UNIT_ADMIN, organization_id=charge.unit_id).exclude(pk=actor.pk)
    notify(
        approvers,
        _("费用调整待审批：%(instrument)s %(number)s")
        % {"instrument": charge.instrument, "number": charge.number},
        _("%(who)s 申请调整 %(amount)s 元，原因：%(reason)s")
        % {"who": actor.get_full_name(), "amount": f"{amount:+}", "reason": reason},
        _url(charge),
    )
    return adjustment


@transaction.atomic
def decide_adjustment(
    adjustment: ChargeAdjustment, *, actor, approve: bool, comment: str = ""
) -> ChargeAdjustment:
    """Approve (the bill's total changes, the payer is told) or reject (nothing changes) an adjustment."""
    charge = _lock(adjustment.charge)
    adjustment = (
        ChargeAdjustment.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .get(pk=adjustment.pk)
    )
    adjustment.charge = charge
    access = access_for(actor)
    if charge.unit_id not in access.unit_admin_unit_ids:
        raise PermissionDenied(_("只有本单位的单位管理员可以审批费用调整。"))
    if adjustment.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提出的调整，请由本单位其他单位管理员审批。"))
    if adjustment.status != ChargeAdjustment.Status.PENDING:
        raise ValidationError(_("该调整已经审批过了。"))
    _require_billed(charge, _("调整"))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": [_("驳回时请填写审批意见。")]})
    if len(comment) > 300:
        raise ValidationError({"comment": [_("审批意见不能超过 300 字。")]})
    if approve and charge.total + adjustment.amount < 0:
        raise ValidationError(
            _("批准后应收金额将低于零（当前应收 %(total)s 元），不能批准。") % {"total": charge.total}
        )
    adjustment.status = ChargeAdjustment.Status.APPROVED if approve else ChargeAdjustment.Status.REJECTED
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.decision_comment = comment
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    if approve:
        recompute_total(charge)
    action = ChargeEvent.Action.ADJUSTMENT_APPROVED if approve else ChargeEvent.Action.ADJUSTMENT_REJECTED
    _event(charge, action, actor, comment)
    verdict = _("已批准") if approve else _("已驳回")
    notify(
        [adjustment.requested_by],
        _("费用调整%(verdict)s：%(number)s") % {"verdict": verdict, "number": charge.number},
        comment,
        _url(charge),
    )
    if approve:
        notify(
            [charge.payer],
            _("您的费用已调整：%(instrument)s") % {"instrument": charge.instrument},
            _("调整 %(amount)s 元（%(reason)s），现应缴 %(total)s 元。")
            % {"amount": f"{adjustment.amount:+}", "reason": adjustment.reason, "total": charge.total},
            _url(charge),
        )
    return adjustment


# --- payment ------------------------------------------------------------------------------------------------


def _paid_on(value) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({"paid_on": [_("请填写到账日期，如 2026-11-05。")]}) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"paid_on": [_("请填写到账日期，如 2026-11-05。")]})
    return value


@transaction.atomic
def record_payment(charge: Charge, *, actor, reference: str, paid_on) -> Charge:
    """The unit has received the money: the charge is settled and can no longer change."""
    charge = _lock(charge)
    if not serves(access_for(actor), charge):
        raise PermissionDenied(_("只有本单位的服务人员可以登记缴费。"))
    if charge.status == Charge.Status.PAID:
        raise ValidationError(
            _("该费用已于 %(date)s 登记缴费（凭证号 %(reference)s），不能重复登记。")
            % {
                "date": charge.paid_on or timezone.localdate(charge.paid_at),
                "reference": charge.payment_reference,
            }
        )
    _require_billed(charge, _("登记缴费"))
    if charge.adjustments.filter(status=ChargeAdjustment.Status.PENDING).exists():
        raise ValidationError(_("有待审批的费用调整，请审批后再登记缴费。"))
    errors = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("请填写缴费凭证号（发票号、转账流水号等）。")]
    elif len(reference) > 100:
        errors["reference"] = [_("凭证号不能超过 100 个字符。")]
    try:
        paid_on = _paid_on(paid_on)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if paid_on > timezone.localdate():
            errors["paid_on"] = [_("到账日期不能晚于今天。")]
        elif paid_on < timezone.localdate(charge.billed_at):
            errors["paid_on"] = [
                _("到账日期不能早于出账日期 %(date)s。") % {"date": timezone.localdate(charge.billed_at)}
            ]
    if errors:
        raise ValidationError(errors)
    charge.status = Charge.Status.PAID
    charge.paid_at = timezone.now()
    charge.paid_on = paid_on
    charge.payment_reference = reference
    charge.payment_recorded_by = actor
    charge.save(
        update_fields=[
            "status",
            "paid_at",
            "paid_on",
            "payment_reference",
            "payment_recorded_by",
            "updated_at",
        ]
    )
    _event(charge, ChargeEvent.Action.PAID, actor, reference)
    notify(
        [charge.payer],
        _("已收到您的缴费：%(instrument)s") % {"instrument": charge.instrument},
        _("金额 %(total)s 元，凭证号 %(reference)s。") % {"total": charge.total, "reference": reference},
        _url(charge),
    )
    return charge
