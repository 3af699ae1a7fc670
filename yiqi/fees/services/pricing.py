"""Pricing: who pays which rate, which schedule items apply to a service, and what this much service costs.

Every amount is ``quantity × unit price`` rounded half-up to the fen per line.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiqi.alliances import services as alliances
from yiqi.core.money import to_fen
from yiqi.organizations.models import Organization
from yiqi.servicerecords.models import ServiceKind

from ..models import Charge, ChargeLine, FeeItem, UserCategory

# The service kinds, which are also the schedule's ``FeeItem.AppliesTo`` values they are priced under.
SELF_OPERATION = ServiceKind.SELF_OPERATION
COMMISSIONED_TESTING = ServiceKind.COMMISSIONED_TESTING
SERVICE_LABELS = dict(ServiceKind.choices)
ACADEMIC_KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.RESEARCH_INSTITUTE)


# From the most favourable rate to the least.
CATEGORY_ORDER = (UserCategory.INTERNAL, UserCategory.ACADEMIC, UserCategory.EXTERNAL)


def user_category(
    user_organization: Organization | None, unit_id: int, member_category: str | None = None
) -> str:
    """Internal for the owning unit's people, academic for other universities/institutes, else external — or the
    member category of an alliance both belong to, when that is more favourable (``member_category``: already
    read by the caller, else looked up)."""
    if user_organization is None:
        return UserCategory.EXTERNAL
    if user_organization.pk == unit_id:
        return UserCategory.INTERNAL
    own = UserCategory.ACADEMIC if user_organization.kind in ACADEMIC_KINDS else UserCategory.EXTERNAL
    member = (
        alliances.member_category(user_organization.pk, unit_id)
        if member_category is None
        else member_category
    )
    return min((own, member or own), key=CATEGORY_ORDER.index)


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

    def row(self, charge: Charge, stage: str) -> ChargeLine:
        """The charge line that keeps this priced line (a snapshot: later schedule changes never alter it)."""
        return ChargeLine(
            charge=charge,
            stage=stage,
            fee_item=self.fee_item,
            description=self.fee_item.name,
            component=self.fee_item.component,
            basis=self.fee_item.basis,
            quantity=self.quantity,
            unit_price=self.unit_price,
            amount=self.amount,
        )


def price_lines(
    instrument, service: str, category: str, *, hours: Decimal, samples: int, items: int = 1, schedule=None
):
    """Price every applicable schedule item (``schedule``: already read) for this much service."""
    quantities = {
        FeeItem.Basis.PER_HOUR: Decimal(hours),
        FeeItem.Basis.PER_SAMPLE: Decimal(samples),
        FeeItem.Basis.PER_ITEM: Decimal(items),
    }
    return [
        PricedLine(item, to_fen(quantities[item.basis]), item.rate_for(category))
        for item in (schedule_for(instrument, service) if schedule is None else schedule)
    ]


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
