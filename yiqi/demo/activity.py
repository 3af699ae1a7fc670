"""Demo service activity: booking settings, fee schedules and eighteen months of bookings, orders, bills,
usage records, ratings and complaints, plus the next two weeks' bookings — so every page has something real.

Rows are written with ``bulk_create`` (no signals, no rule checks). Each booking and order owns its service record,
built as the record services build it; charges (priced in ``billing``), usage records and ratings hang off the
record.
"""

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import DateTimeField, F, OuterRef, Subquery, Value
from django.db.models.functions import Least
from django.utils import timezone

from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.booking.availability import is_statutory_holiday
from yiqi.booking.models import Booking, BookingStatus, OpenHours, Qualification, ServiceSettings
from yiqi.core.money import hours_between
from yiqi.feedback.models import Rating
from yiqi.fees.models import ChargeLine
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.organizations.models import Deployment, Organization
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord
from yiqi.usage.services import SOURCE_OF_KIND

from .billing import Billing
from .common import BATCH_SIZE
from .complaints import build_complaints

HISTORY_DAYS = 540
FUTURE_DAYS = 14
WEEKDAY_HOURS = ((8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30))
EXTENDED_HOURS = ((8 * 60, 22 * 60),)
ROUND_THE_CLOCK = ((0, 1440),)
PURPOSES = (
    "样品表面形貌观察",
    "材料成分与结构分析",
    "课题组常规测试",
    "企业产品质量检测",
    "新药研发中间体表征",
    "研究生毕业论文实验",
    "横向课题样品测试",
    "方法学验证",
)
SAMPLE_NAMES = (
    "合金试样",
    "高分子薄膜",
    "土壤样品",
    "水样",
    "药物中间体",
    "陶瓷粉体",
    "生物组织切片",
    "矿石",
)
COMMENTS = (
    "老师很专业，数据质量好。",
    "预约方便，按时开机。",
    "出报告稍慢，但结果可靠。",
    "操作指导很耐心。",
    "",
    "价格合理，服务规范。",
)


@dataclass
class Customer:
    user: User
    organization: Organization | None


class ActivityBuilder:
    def __init__(self, builder):
        self.builder = builder
        self.rng: random.Random = builder.rng("activity")
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.counts = builder.counts
        self.order_seq: dict[dt.date, int] = defaultdict(int)
        self.billing = Billing(self.rng, self.now, self.counts)

    def local(self, day: dt.date, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)

    # -- who uses the instruments -----------------------------------------------------------------------------

    def customers(self) -> tuple[list[Customer], dict[int, list[Customer]]]:
        """External users (user organisations) and staff of every unit, by unit."""
        users = {
            u.pk: u
            for u in User.objects.filter(role_assignments__role__in=[Role.EXTERNAL_USER, Role.TECHNICIAN])
        }
        orgs = Organization.objects.in_bulk()
        outside: list[Customer] = []
        staff: dict[int, list[Customer]] = defaultdict(list)
        for user_id, role, org_id in RoleAssignment.objects.filter(
            role__in=[Role.EXTERNAL_USER, Role.TECHNICIAN]
        ).values_list("user_id", "role", "organization_id"):
            customer = Customer(users[user_id], orgs[org_id])
            (outside if role == Role.EXTERNAL_USER else staff[org_id]).append(customer)
        return outside, staff

    # -- settings and fee schedules ---------------------------------------------------------------------------

    def build(self):
        instruments = list(
            Instrument.objects.filter(
                registration_status=RegistrationStatus.PUBLISHED,
                operating_status=Instrument.OperatingStatus.NORMAL,
            )
            .exclude(sharing_mode=Instrument.SharingMode.NOT_SHARED)
            .only(
                "id",
                "unit_id",
                "manager_id",
                "original_value",
                "offers_self_operation",
                "offers_commissioned_testing",
                "sharing_mode",
            )
            .order_by("id")
        )
        self.outside, self.staff = self.customers()
        self.academic_staff = [
            c
            for unit_staff in self.staff.values()
            for c in unit_staff
            if c.organization.kind in (Organization.Kind.UNIVERSITY, Organization.Kind.RESEARCH_INSTITUTE)
        ]
        self.build_settings(instruments)
        self.billing.build_fee_schedules(instruments)
        self.build_history(instruments)
        self.counts["complaints"] = build_complaints(
            self.rng,
            self.now,
            sorted({instrument.unit_id for instrument in instruments}),
            [c.user for c in self.outside],
        )

    def build_settings(self, instruments):
        rng = self.rng
        settings_rows, hours = [], []
        for instrument in instruments:
            big = instrument.original_value >= Decimal("2000000")
            settings_rows.append(
                ServiceSettings(
                    instrument_id=instrument.pk,
                    slot_minutes=60 if big else 30,
                    min_booking_minutes=60 if big else 30,
                    max_booking_minutes=rng.choice((4 * 60, 8 * 60, 24 * 60)),
                    lead_time_hours=rng.choice((2, 12, 24)),
                    horizon_days=rng.choice((14, 30, 60)),
                    cancellation_cutoff_hours=rng.choice((2, 12, 24)),
                    weekly_quota_hours=rng.choice((None, None, 8, 16, 24)),
                    internal_reserved_percent=rng.choice((0, 10, 20, 30)),
                    requires_approval=rng.random() < 0.6,
                    requires_qualification=instrument.offers_self_operation and rng.random() < 0.7,
                )
            )
            pattern = rng.choices((WEEKDAY_HOURS, EXTENDED_HOURS, ROUND_THE_CLOCK), weights=(70, 22, 8))[0]
            days = range(7) if pattern is ROUND_THE_CLOCK else range(5)
            hours.extend(
                OpenHours(instrument_id=instrument.pk, weekday=day, start_minute=start, end_minute=end)
                for day in days
                for start, end in pattern
            )
            instrument.open_pattern = pattern
            instrument.slot_minutes = settings_rows[-1].slot_minutes
        self.needs_qualification = {row.instrument_id for row in settings_rows if row.requires_qualification}
        ServiceSettings.objects.bulk_create(settings_rows, batch_size=BATCH_SIZE)
        OpenHours.objects.bulk_create(hours, batch_size=BATCH_SIZE)
        self.counts["service_settings"] = len(settings_rows)

    # -- eighteen months of service, two weeks ahead ----------------------------------------------------------

    def open_days(self, instrument, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
        weekdays = 7 if instrument.open_pattern is ROUND_THE_CLOCK else 5
        span = (last - first).days + 1
        candidates = [first + dt.timedelta(days=n) for n in range(span)]
        # Demo instruments close on statutory holidays (the settings' default).
        candidates = [d for d in candidates if d.weekday() < weekdays and not is_statutory_holiday(d)]
        return sorted(self.rng.sample(candidates, min(count, len(candidates))))

    def slot(self, instrument, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """A time the booking rules accept: inside one open period, on its slot grid (counted from the period's
        start), whole slots long."""
        start, end = self.rng.choice(instrument.open_pattern)
        slot = instrument.slot_minutes
        length = -(-self.rng.choice((60, 90, 120, 180)) // slot) * slot  # rounded up to whole slots
        length = min(length, (end - start) // slot * slot)
        begin = start + slot * self.rng.randint(0, (end - start - length) // slot)
        return self.local(day, begin), self.local(day, begin) + dt.timedelta(minutes=length)

    def customer_for(self, instrument) -> Customer:
        roll = self.rng.random()
        own = self.staff.get(instrument.unit_id)
        if roll < 0.2 and own:
            return self.rng.choice(own)
        if roll < 0.5 and self.academic_staff:
            customer = self.rng.choice(self.academic_staff)
            if customer.organization.pk != instrument.unit_id:
                return customer
        return self.rng.choice(self.outside)

    def order_number(self, day: dt.date) -> str:
        self.order_seq[day] += 1
        return f"WT{day:%Y%m%d}{self.order_seq[day]:04d}"

    def build_history(self, instruments):
        rng = self.rng
        first = self.today - dt.timedelta(days=HISTORY_DAYS)
        yesterday = self.today - dt.timedelta(days=1)
        bookings, orders, manual = [], [], []
        # (service row, instrument, customer, category, lines, stage, paid) — charges follow their services
        bills = []
        for instrument in instruments:
            level = rng.choices((0, 4, 12, 30), weights=(15, 40, 33, 12))[0]
            past = self.open_days(instrument, first, yesterday, rng.randint(level // 2, level + level // 2))
            for day in past:
                start, end = self.slot(instrument, day)
                hours = hours_between(start, end)
                roll = rng.random()
                if roll < 0.35:
                    staff = self.staff.get(instrument.unit_id)
                    person = rng.choice(staff) if staff else None
                    manual.append(
                        UsageRecord(
                            instrument_id=instrument.pk,
                            unit_id=instrument.unit_id,
                            source=UsageRecord.Source.MANUAL,
                            user=person.user if person else None,
                            user_name=person.user.full_name if person else "课题组",
                            user_organization_id=instrument.unit_id,
                            purpose=rng.choice((UsageRecord.Purpose.RESEARCH, UsageRecord.Purpose.TEACHING)),
                            started_at=start,
                            ended_at=end,
                            machine_hours=hours,
                            service_content=rng.choice(PURPOSES),
                            recorded_by=person.user if person else None,
                        )
                    )
                    continue
                customer = self.customer_for(instrument)
                samples = rng.randint(1, 8)
                if instrument.offers_self_operation and (
                    roll < 0.7 or not instrument.offers_commissioned_testing
                ):
                    row = self.booking(instrument, customer, start, end, samples, BookingStatus.COMPLETED)
                    bookings.append(row)
                else:
                    row = self.order(instrument, customer, start, end, samples, OrderStatus.COMPLETED, hours)
                    orders.append(row)
                category, lines = self.billing.price(instrument, row.record.kind, customer, hours, samples)
                paid = rng.random() < 0.85 or day < self.today - dt.timedelta(days=60)
                bills.append((row, instrument, customer, category, lines, ChargeLine.Stage.BILL, paid))
            self.future(instrument, bookings, orders, bills)
        ServiceRecord.objects.bulk_create([row.record for row in (*bookings, *orders)], batch_size=BATCH_SIZE)
        Booking.objects.bulk_create(bookings, batch_size=BATCH_SIZE)
        TestOrder.objects.bulk_create(orders, batch_size=BATCH_SIZE)
        self.billing.write_charges(bills)
        done = [row.record for row in (*bookings, *orders) if row.record.status == ServiceStatus.COMPLETED]
        self.write_usage(done, manual)
        self.write_ratings(done)
        self.write_qualifications(bookings)
        self.backdate([row for row in orders if hasattr(row, "submitted")])
        self.mark_reminded()
        self.counts["service_records"] = len(bookings) + len(orders)
        self.counts["bookings"] = len(bookings)
        self.counts["test_orders"] = len(orders)

    def future(self, instrument, bookings, orders, bills):
        rng = self.rng
        if instrument.offers_self_operation and rng.random() < 0.5:
            days = self.open_days(
                instrument,
                self.today + dt.timedelta(days=1),
                self.today + dt.timedelta(days=FUTURE_DAYS),
                rng.randint(1, 6),
            )
            for day in days:
                customer = self.customer_for(instrument)
                start, end = self.slot(instrument, day)
                status = BookingStatus.CONFIRMED if rng.random() < 0.7 else BookingStatus.REQUESTED
                row = self.booking(instrument, customer, start, end, rng.randint(0, 4), status)
                bookings.append(row)
                category, lines = self.billing.price(
                    instrument,
                    ServiceKind.SELF_OPERATION,
                    customer,
                    row.record.planned_hours,
                    row.sample_count,
                )
                bills.append((row, instrument, customer, category, lines, ChargeLine.Stage.QUOTE, False))
        if instrument.offers_commissioned_testing and rng.random() < 0.08:
            customer = self.customer_for(instrument)
            status = rng.choice(
                (
                    OrderStatus.SUBMITTED,
                    OrderStatus.QUOTED,
                    OrderStatus.CONFIRMED,
                    OrderStatus.SAMPLES_RECEIVED,
                    OrderStatus.TESTING,
                )
            )
            submitted = self.now - dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            row = self.order(instrument, customer, submitted, None, rng.randint(1, 6), status, None)
            row.submitted = submitted  # dated by ``backdate``
            orders.append(row)
            if status != OrderStatus.SUBMITTED:  # quoted by staff at two hours
                row.estimated_hours = row.record.planned_hours = Decimal("2.00")
                category, lines = self.billing.price(
                    instrument, ServiceKind.COMMISSIONED_TESTING, customer, Decimal(2), row.sample_count
                )
                bills.append((row, instrument, customer, category, lines, ChargeLine.Stage.QUOTE, False))

    def booking(self, instrument, customer: Customer, start, end, samples: int, status) -> Booking:
        org = customer.organization
        done = status == BookingStatus.COMPLETED
        purpose = self.rng.choice(PURPOSES)
        record = records.build(
            ServiceKind.SELF_OPERATION,
            instrument=instrument,
            user=customer.user,
            user_organization=org,
            is_internal=org is not None and org.pk == instrument.unit_id,
            reference=f"{timezone.localtime(start, self.tz):%Y-%m-%d %H:%M}",
            content=purpose,
            planned_hours=hours_between(start, end),
            sample_count=samples,
        )
        if done:
            self.completed(record, start, end, hours_between(start, end))
        return Booking(
            record=record,
            instrument_id=instrument.pk,
            user=customer.user,
            user_organization=org,
            is_internal=record.is_internal,
            status=status,
            starts_at=start,
            ends_at=end,
            purpose=purpose,
            sample_count=samples,
            actual_start=start if done else None,
            actual_end=end if done else None,
            decided_at=start - dt.timedelta(days=2) if status != BookingStatus.REQUESTED else None,
            decided_by_id=instrument.manager_id if status != BookingStatus.REQUESTED else None,
        )

    def order(self, instrument, customer: Customer, start, end, samples: int, status, hours) -> TestOrder:
        org = customer.organization
        day = timezone.localtime(start, self.tz).date()
        number = self.order_number(day)
        sample_name, requirements = self.rng.choice(SAMPLE_NAMES), self.rng.choice(PURPOSES)
        record = records.build(
            ServiceKind.COMMISSIONED_TESTING,
            instrument=instrument,
            user=customer.user,
            user_organization=org,
            is_internal=org is not None and org.pk == instrument.unit_id,
            reference=number,
            content=f"{sample_name}：{requirements}",
            planned_hours=hours or Decimal("0"),
            sample_count=samples,
        )
        if status == OrderStatus.COMPLETED:
            self.completed(record, start, end, hours)
        return TestOrder(
            record=record,
            number=number,
            instrument_id=instrument.pk,
            user=customer.user,
            user_organization=org,
            is_internal=record.is_internal,
            status=status,
            sample_name=sample_name,
            sample_count=samples,
            sample_description="常温保存，无毒无害，每份约 5 g。",
            requirements=requirements,
            estimated_hours=hours,
            machine_hours=hours,
            tested_from=start if end else None,
            tested_until=end,
        )

    @staticmethod
    def completed(record: ServiceRecord, start, end, hours: Decimal) -> None:
        """What ``servicerecords.services.complete`` records, dated when the service ended."""
        record.status = ServiceStatus.COMPLETED
        record.started_at, record.ended_at, record.hours = start, end, hours
        record.completed_at = end

    # -- what the services left behind: bills, usage, ratings, qualifications -------------------------------------

    def write_usage(self, done: list[ServiceRecord], manual: list[UsageRecord]):
        """Manual records, and what the usage service writes when a completed service is billed."""
        rows = list(manual)
        rows += [
            UsageRecord(
                record=record,
                instrument_id=record.instrument_id,
                unit_id=record.unit_id,
                source=SOURCE_OF_KIND[record.kind],
                user=record.user,
                user_name=record.user.get_full_name(),
                user_organization=record.user_organization,
                is_external=not record.is_internal,
                purpose=UsageRecord.Purpose.RESEARCH if record.is_internal else UsageRecord.Purpose.SERVICE,
                started_at=record.started_at,
                ended_at=record.ended_at,
                machine_hours=record.hours,
                sample_count=record.sample_count,
                service_content=record.content,
                fee=self.billing.fees.get(record.pk, Decimal("0.00")),
            )
            for record in done
        ]
        UsageRecord.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["usage_records"] = len(rows)

    def write_ratings(self, done: list[ServiceRecord]):
        rng = self.rng
        ratings = []
        for record in done:
            if rng.random() > 0.55:
                continue
            overall = rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 10, 3, 2))[0]

            def near(score):
                return max(1, min(5, score + rng.choice((-1, 0, 0, 0, 1))))

            ratings.append(
                Rating(
                    record=record,
                    instrument_id=record.instrument_id,
                    unit_id=record.unit_id,
                    user=record.user,
                    rater_kind=record.user_organization.kind if record.user_organization else "",
                    overall=overall,
                    timeliness=near(overall),
                    attitude=near(overall),
                    result_quality=near(overall),
                    comment=rng.choice(COMMENTS),
                )
            )
        Rating.objects.bulk_create(ratings, batch_size=BATCH_SIZE)
        self.counts["ratings"] = len(ratings)

    def mark_reminded(self):
        """Bookings starting within the reminder horizon count as reminded: loading the demo sends no mail."""
        horizon = self.now + dt.timedelta(hours=Deployment.current().booking_reminder_hours)
        Booking.objects.filter(status=BookingStatus.CONFIRMED, starts_at__lte=horizon).update(
            reminder_sent_at=self.now
        )

    def write_qualifications(self, bookings):
        pairs = {
            (b.instrument_id, b.user_id) for b in bookings if b.instrument_id in self.needs_qualification
        }
        Qualification.objects.bulk_create(
            (
                Qualification(
                    instrument_id=instrument_id,
                    user_id=user_id,
                    trained_on=self.today - dt.timedelta(days=HISTORY_DAYS + 30),
                    expires_on=self.today + dt.timedelta(days=365),
                    training_record="安全与操作培训考核合格",
                )
                for instrument_id, user_id in sorted(pairs)
            ),
            batch_size=BATCH_SIZE,
        )
        self.counts["qualifications"] = len(pairs)

    def backdate(self, open_orders: list[TestOrder]):
        """bulk_create stamps 'now' on auto_now_add fields: give rows their dates, never later than now (a
        booking is requested three days ahead, or an hour ago for one starting sooner)."""
        Booking.objects.update(
            created_at=Least(
                F("starts_at") - dt.timedelta(days=3),
                Value(self.now - dt.timedelta(hours=1), output_field=DateTimeField()),
            )
        )
        for order in open_orders:
            order.created_at = order.submitted
        TestOrder.objects.bulk_update(open_orders, ["created_at"], batch_size=BATCH_SIZE)
        TestOrder.objects.filter(tested_from__isnull=False).update(
            created_at=F("tested_from") - dt.timedelta(days=2)
        )
        ServiceRecord.objects.filter(kind=ServiceKind.SELF_OPERATION).update(
            created_at=Subquery(Booking.objects.filter(record=OuterRef("pk")).values("created_at")[:1])
        )
        ServiceRecord.objects.filter(kind=ServiceKind.COMMISSIONED_TESTING).update(
            created_at=Subquery(TestOrder.objects.filter(record=OuterRef("pk")).values("created_at")[:1])
        )
        UsageRecord.objects.update(created_at=F("ended_at"))
        Rating.objects.update(
            created_at=Subquery(ServiceRecord.objects.filter(pk=OuterRef("record_id")).values("ended_at")[:1])
        )
