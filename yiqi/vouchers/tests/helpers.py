"""Scenes for the voucher tests: an authority with a programme, a verified company with a quota, a provider unit
with a priced instrument, and services paid with vouchers up to any step."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import bill, priced, service
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.vouchers.models import PriceBand, Programme
from yiqi.vouchers.services import claims, payments, providers, quotas


def pdf(name="合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf"
    )


@dataclass
class Scene:
    authority: object
    authority_dept: object
    programme: Programme
    company: Organization
    company_user: object
    unit: Organization
    unit_admin: object
    manager: object
    instrument: object
    provider: object
    account: object


def make_programme(dept, *, budget="1000000.00", use_by=None, **fields) -> Programme:
    today = timezone.localdate()
    programme = Programme.objects.create(
        name=fields.pop("name", "科技创新券"),
        year=today.year,
        authority=dept,
        region=dept.region,
        budget=Decimal(budget),
        per_application_cap=Decimal(fields.pop("per_application_cap", "20000.00")),
        per_year_cap=Decimal(fields.pop("per_year_cap", "100000.00")),
        eligible_kinds=[Organization.Kind.ENTERPRISE],
        use_by=use_by or today + dt.timedelta(days=180),
        cash_by=(use_by or today + dt.timedelta(days=180)) + dt.timedelta(days=60),
        **fields,
    )
    PriceBand.objects.create(programme=programme, up_to=Decimal("10000.00"), covered_share=Decimal("1"))
    PriceBand.objects.create(programme=programme, up_to=None, covered_share=Decimal("0.5"))
    return programme


def company_with_user(name="西安某某科技有限公司"):
    company = OrganizationFactory(
        name=name,
        kind=Organization.Kind.ENTERPRISE,
        is_management_unit=False,
        address="西安市高新区科技路 1 号",
    )
    return company, user_with_role(Role.EXTERNAL_USER, organization=company)


def apply_for_quota(programme, company, user, amount="5000.00"):
    return quotas.apply(
        access_for(user),
        actor=user,
        programme=programme,
        company=company,
        credit_code=company.credit_code,
        project="新型电池材料表征",
        requested=amount,
    )


def grant(scene_or_programme, company, user, authority, amount="5000.00"):
    programme = getattr(scene_or_programme, "programme", scene_or_programme)
    application = apply_for_quota(programme, company, user, amount)
    quotas.decide(access_for(authority), application, actor=authority, approve=True)
    return quotas.account_for(programme, company)


def register_provider(programme, unit, unit_admin, authority, **fields):
    registration = providers.register(
        access_for(unit_admin),
        actor=unit_admin,
        programme=programme,
        unit=unit,
        licence=pdf("营业执照.pdf"),
        credit_code=unit.credit_code,
        legal_representative=fields.get("legal_representative", "王大明"),
        registered_address=fields.get("registered_address", "西安市碑林区友谊西路 127 号"),
        bank_name="中国银行西安分行",
        bank_account="6216610100000000001",
        account_name=unit.name,
    )
    return providers.decide(access_for(authority), registration, actor=authority, action="approve")


def build_scene(amount="5000.00", **provider_fields) -> Scene:
    dept = DepartmentFactory(name="陕西省科学技术厅")
    authority = user_with_role(Role.DEPARTMENT_ADMIN, department=dept)
    programme = make_programme(dept)
    company, company_user = company_with_user()
    unit = OrganizationFactory(name="西北测试大学")
    unit_admin = user_with_role(Role.UNIT_ADMIN, organization=unit)
    manager = user_with_role(Role.INSTRUMENT_MANAGER, organization=unit)
    instrument = InstrumentFactory(
        unit=unit, manager=manager, registration_status=RegistrationStatus.PUBLISHED, name="场发射扫描电镜"
    )
    priced(instrument)  # external rate 333.33 元/小时
    provider = register_provider(programme, unit, unit_admin, authority, **provider_fields)
    account = grant(programme, company, company_user, authority, amount)
    return Scene(
        authority,
        dept,
        programme,
        company,
        company_user,
        unit,
        unit_admin,
        manager,
        instrument,
        provider,
        account,
    )


def quoted_service(scene: Scene, minutes=120):
    record = service(scene.instrument, scene.company_user, organization=scene.company, minutes=minutes)
    fees.quote(record)
    return record


def pay_with_voucher(scene: Scene, amount="666.66", minutes=120):
    record = quoted_service(scene, minutes)
    payment = payments.apply(
        access_for(scene.company_user), record, actor=scene.company_user, account=scene.account, amount=amount
    )
    return record, payment


def served_and_paid(scene: Scene, amount="666.66", minutes=120):
    """A voucher-paid service delivered, billed (voucher spent) and the rest paid by the company."""
    record, payment = pay_with_voucher(scene, amount, minutes)
    charge = bill(record)
    fees.record_payment(charge, actor=scene.manager, reference="ZZ-001", paid_on=timezone.localdate())
    payment.refresh_from_db()
    return record, payment


def claim(scene: Scene, payment):
    return claims.submit(
        access_for(scene.unit_admin), payment, actor=scene.unit_admin, contract=pdf(), invoice=pdf("发票.pdf")
    )


def paid_out(scene: Scene, amount="100.00"):
    """A voucher-paid service claimed, approved and paid out in this month's batch (reference CZ-2026-12)."""
    _record, payment = served_and_paid(scene, amount)
    made = claim(scene, payment)
    authority = access_for(scene.authority)
    claims.decide(authority, made, actor=scene.authority, approve=True)
    batch = claims.close_review(authority, made.batch, actor=scene.authority)
    claims.mark_paid(authority, batch, actor=scene.authority, reference="CZ-2026-12")
    made.refresh_from_db()
    return made
