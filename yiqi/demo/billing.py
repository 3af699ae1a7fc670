"""Demo billing: each instrument's fee schedule, the priced lines of each service, and the charges (quoted, billed or
paid) they leave. Amounts use the fee service's own line arithmetic, so bills reconcile exactly as the platform's
would; rows are written with ``bulk_create``."""

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal

from yiqi.alliances.models import Membership, MembershipStatus
from yiqi.booking.models import Booking
from yiqi.core.money import to_fen
from yiqi.fees.models import Charge, ChargeLine, FeeItem
from yiqi.fees.services import PricedLine, user_category

from .common import BATCH_SIZE


class Billing:
    """Shares the activity's random generator, so the same seed bills the same services the same way."""

    def __init__(self, rng: random.Random, now: dt.datetime, counts: Counter):
        self.rng, self.now, self.counts = rng, now, counts
        self.fee_items: dict[int, list[FeeItem]] = defaultdict(list)
        self.fees: dict[int, Decimal] = {}  # billed total by service record, once the charges are written
        # The demo's alliances come after its history: with no active membership no pair of organisations has a
        # member price, which the fee service is then told instead of looking it up for every service.
        has_members = Membership.objects.filter(status=MembershipStatus.ACTIVE).exists()
        self.member_category = None if has_members else ""

    def build_fee_schedules(self, instruments) -> None:
        """Running hours for everyone, labour per sample for commissioned testing, materials per sample for half the
        instruments; internal and academic rates are 40 % and 70 % of the external one."""
        items = []
        for instrument in instruments:
            value_wan = instrument.original_value / Decimal(10000)
            hourly = to_fen(
                max(Decimal(40), min(value_wan * Decimal("0.6"), Decimal(1500))).quantize(Decimal(10))
            )
            per_sample = Decimal(self.rng.choice((20, 30, 50, 80, 120)))
            rows = [
                ("机时费", FeeItem.Component.RUNNING, FeeItem.Basis.PER_HOUR, FeeItem.AppliesTo.BOTH, hourly),
                (
                    "测试人工费",
                    FeeItem.Component.LABOUR,
                    FeeItem.Basis.PER_SAMPLE,
                    FeeItem.AppliesTo.COMMISSIONED_TESTING,
                    per_sample,
                ),
            ]
            if self.rng.random() < 0.5:
                rows.append(
                    (
                        "耗材费",
                        FeeItem.Component.MATERIALS,
                        FeeItem.Basis.PER_SAMPLE,
                        FeeItem.AppliesTo.BOTH,
                        Decimal(self.rng.choice((5, 10, 15, 25))),
                    )
                )
            for position, (name, component, basis, applies_to, external) in enumerate(rows):
                items.append(
                    FeeItem(
                        instrument_id=instrument.pk,
                        name=name,
                        component=component,
                        basis=basis,
                        applies_to=applies_to,
                        rate_internal=to_fen(external * Decimal("0.4")),
                        rate_academic=to_fen(external * Decimal("0.7")),
                        rate_external=external,
                        position=position,
                    )
                )
        FeeItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        for item in items:
            self.fee_items[item.instrument_id].append(item)
        self.counts["fee_items"] = len(items)

    def price(self, instrument, service: str, customer, hours: Decimal, samples: int):
        """The customer's price category and the priced lines of one service of ``instrument``."""
        category = user_category(customer.organization, instrument.unit_id, self.member_category)
        quantities = {
            FeeItem.Basis.PER_HOUR: hours,
            FeeItem.Basis.PER_SAMPLE: Decimal(samples),
            FeeItem.Basis.PER_ITEM: Decimal(1),
        }
        return category, [
            PricedLine(item, to_fen(quantities[item.basis]), item.rate_for(category))
            for item in self.fee_items[instrument.pk]
            if item.applies_to in (FeeItem.AppliesTo.BOTH, service)
        ]

    def write_charges(self, bills):
        """A charge for each (service row, instrument, customer, category, lines, stage, paid) of ``bills``."""
        charges, lines_by_charge = [], []
        for row, instrument, customer, category, lines, stage, paid in bills:
            total = sum((line.amount for line in lines), Decimal("0.00"))
            finished = row.ends_at if isinstance(row, Booking) else row.tested_until
            status = Charge.Status.QUOTED if stage == ChargeLine.Stage.QUOTE else Charge.Status.BILLED
            if paid:
                status = Charge.Status.PAID
            charges.append(
                Charge(
                    record=row.record,
                    instrument_id=instrument.pk,
                    unit_id=instrument.unit_id,
                    payer=customer.user,
                    payer_organization=customer.organization,
                    user_category=category,
                    status=status,
                    quoted_total=total,
                    total=total,
                    billed_at=finished if stage == ChargeLine.Stage.BILL else None,
                    paid_at=min(finished + dt.timedelta(days=self.rng.randint(1, 20)), self.now)
                    if paid
                    else None,
                    payment_reference=f"DZ{row.pk:08d}" if paid else "",
                )
            )
            lines_by_charge.append((lines, stage))
            self.fees[row.record.pk] = total
        Charge.objects.bulk_create(charges, batch_size=BATCH_SIZE)
        ChargeLine.objects.bulk_create(
            (
                line.row(charge, stage)
                for charge, (lines, stage) in zip(charges, lines_by_charge, strict=True)
                for line in lines
            ),
            batch_size=BATCH_SIZE,
        )
        self.counts["charges"] = len(charges)
