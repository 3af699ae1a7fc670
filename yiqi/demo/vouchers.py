"""Demo innovation vouchers: the first department runs this year's programme, three companies hold quotas, one unit
is an approved provider, and a few services are paid with vouchers — one of them claimed for redemption."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment
from yiqi.booking.models import Booking, BookingStatus
from yiqi.fees import services as fees
from yiqi.fees.models import FeeItem
from yiqi.organizations.models import Department, Organization
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind
from yiqi.vouchers.models import PriceBand, Programme
from yiqi.vouchers.services import claims, payments, providers, quotas

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _holder(role: str, organization: Organization):
    assignment = (
        RoleAssignment.objects.filter(role=role, organization=organization).select_related("user").first()
    )
    return assignment.user if assignment else None


def _free_past_slot(instrument) -> tuple[dt.datetime, dt.datetime]:
    """A past time the instrument is free, on its open-hours grid: a completed booking's slot whole weeks earlier."""
    model = (
        Booking.objects.filter(instrument=instrument, status=BookingStatus.COMPLETED)
        .order_by("starts_at")
        .first()
    )
    for weeks in range(1, 60):
        start, end = (t - dt.timedelta(weeks=weeks) for t in (model.starts_at, model.ends_at))
        if not Booking.objects.filter(instrument=instrument, starts_at__lt=end, ends_at__gt=start).exists():
            return start, end
    raise RuntimeError("no free past slot for the voucher demo")


@transaction.atomic
def build_vouchers() -> int:
    """The demo programme and its movements; returns how many services were paid with vouchers."""
    department = Department.objects.order_by("pk").first()
    authority = RoleAssignment.objects.filter(role=Role.DEPARTMENT_ADMIN, department=department).first()
    fee = FeeItem.objects.filter(
        is_active=True,
        basis=FeeItem.Basis.PER_HOUR,
        instrument__offers_self_operation=True,
        instrument__bookings__status=BookingStatus.COMPLETED,
    )
    fee = fee.select_related("instrument__unit", "instrument__manager").order_by("pk").first()
    if department is None or authority is None or fee is None:
        return 0
    authority, instrument = authority.user, fee.instrument
    unit_admin = _holder(Role.UNIT_ADMIN, instrument.unit)
    companies = [
        (company, user)
        for company in Organization.objects.filter(kind=Organization.Kind.ENTERPRISE).exclude(credit_code="")[
            :6
        ]
        if (user := _holder(Role.EXTERNAL_USER, company)) is not None
    ][:3]
    if unit_admin is None or instrument.manager is None or not companies:
        return 0
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="科技创新券", year=today.year, authority=department, region=department.region,
        budget=Decimal("5000000.00"), per_application_cap=Decimal("20000.00"), per_year_cap=Decimal("100000.00"),
        eligible_kinds=[Organization.Kind.ENTERPRISE], use_by=dt.date(today.year, 12, 31),
        cash_by=dt.date(today.year + 1, 1, 31),
    )  # fmt: skip
    PriceBand.objects.create(programme=programme, up_to=Decimal("10000.00"), covered_share=Decimal("1"))
    PriceBand.objects.create(programme=programme, up_to=None, covered_share=Decimal("0.5"))
    registration = providers.register(
        access_for(unit_admin), actor=unit_admin, programme=programme, unit=instrument.unit, licence=_pdf("营业执照.pdf"),
        credit_code=instrument.unit.credit_code, legal_representative="张建国",
        registered_address=instrument.unit.address or "西安市", bank_name="中国银行", bank_account="6216610100000000001",
        account_name=instrument.unit.name,
    )  # fmt: skip
    providers.decide(access_for(authority), registration, actor=authority, action="approve")
    paid = 0
    for n, (company, user) in enumerate(companies):
        application = quotas.apply(
            access_for(user), actor=user, programme=programme, company=company, credit_code=company.credit_code,
            project="新产品材料性能测试", requested="20000.00",
        )  # fmt: skip
        quotas.decide(access_for(authority), application, actor=authority, approve=True)
        start, end = _free_past_slot(instrument)
        record = records.open_record(
            ServiceKind.SELF_OPERATION, instrument=instrument, user=user, user_organization=company,
            reference=f"{timezone.localtime(start):%Y-%m-%d %H:%M}", content="创新券演示服务",
            planned_hours=Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.01")),
        )  # fmt: skip
        Booking.objects.create(
            record=record, instrument=instrument, user=user, user_organization=company,
            is_internal=record.is_internal, status=BookingStatus.COMPLETED, starts_at=start, ends_at=end,
            purpose="创新券演示服务", actual_start=start, actual_end=end,
            decided_at=start - dt.timedelta(days=2), decided_by=instrument.manager,
        )  # fmt: skip
        charge = fees.quote(record)
        payment = payments.apply(
            access_for(user),
            record,
            actor=user,
            account=quotas.account_for(programme, company),
            amount=charge.total,
        )
        records.complete(record, actor=instrument.manager, started_at=start, ended_at=end)
        paid += 1
        if n == 0:
            charge.refresh_from_db()
            fees.record_payment(charge, actor=instrument.manager, reference="DEMO-001", paid_on=today)
            payment.refresh_from_db()
            claims.submit(
                access_for(unit_admin),
                payment,
                actor=unit_admin,
                contract=_pdf("服务合同.pdf"),
                invoice=_pdf("发票.pdf"),
            )
    return paid
