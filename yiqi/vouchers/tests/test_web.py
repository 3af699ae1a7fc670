"""The voucher pages, role by role: the company applies and pays from the service page, the authority decides,
the provider registers and claims, the dashboard and its export agree."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yiqi.accounts.access import access_for
from yiqi.booking import services as booking_services
from yiqi.booking.tests.factories import BookingFactory
from yiqi.fees import services as fees
from yiqi.vouchers.models import Claim, Payment, ProviderRegistration, QuotaApplication
from yiqi.vouchers.services import claims, ledger, reports

from .helpers import build_scene, claim, pdf, served_and_paid

pytestmark = pytest.mark.django_db


def test_company_applies_and_the_authority_approves(client_for):
    scene = build_scene()
    page = client_for(scene.company_user).get(reverse("vouchers:home"))
    assert "我的创新券余额" in page.content.decode() and "5,000.00" in page.content.decode()
    response = client_for(scene.company_user).post(
        reverse("vouchers:apply", args=[scene.programme.pk]),
        {
            "company": scene.company.pk,
            "credit_code": scene.company.credit_code,
            "project": "电池检测",
            "requested": "3000",
        },
    )
    assert response.status_code == 302
    application = QuotaApplication.objects.get(status="submitted")
    response = client_for(scene.authority).post(
        reverse("vouchers:application_decide", args=[application.pk]),
        {"decision": "approve", "amount": "2500.00"},
    )
    assert response.status_code == 302
    assert ledger.account_balances(scene.account).available == Decimal("7500.00")


def test_bad_amount_on_the_apply_page_is_shown_on_its_field(client_for):
    scene = build_scene()
    response = client_for(scene.company_user).post(
        reverse("vouchers:apply", args=[scene.programme.pk]),
        {
            "company": scene.company.pk,
            "credit_code": scene.company.credit_code,
            "project": "电池检测",
            "requested": "12.345",
        },
    )
    assert response.status_code == 400
    assert "金额最多保留两位小数" in response.content.decode()
    assert QuotaApplication.objects.count() == 1


def quoted_booking(scene):
    booking = BookingFactory(
        instrument=scene.instrument, user=scene.company_user, user_organization=scene.company
    )
    fees.quote(booking.record)
    return booking


def test_the_service_page_offers_vouchers_and_pays(client_for):
    scene = build_scene()
    booking = quoted_booking(scene)
    client = client_for(scene.company_user)
    page = client.get(booking.record.get_absolute_url()).content.decode()
    assert "使用创新券" in page
    response = client.post(
        reverse("vouchers:pay", args=[booking.record.pk]), {"account": scene.account.pk, "amount": "100.00"}
    )
    assert response.status_code == 302
    assert Payment.objects.get(record=booking.record).amount == Decimal("100.00")
    assert "已冻结" in client.get(booking.record.get_absolute_url()).content.decode()
    # Another company's member cannot pay this service.
    assert (
        client_for(scene.unit_admin)
        .post(reverse("vouchers:pay", args=[booking.record.pk]), {"account": scene.account.pk, "amount": "1"})
        .status_code
        == 404
    )


def test_provider_registers_with_a_licence_that_is_checked(client_for):
    scene = build_scene()
    client = client_for(scene.unit_admin)
    url = reverse("vouchers:provider_register", args=[scene.programme.pk])
    fields = {
        "unit": scene.unit.pk,
        "credit_code": scene.unit.credit_code,
        "legal_representative": "李四",
        "registered_address": "西安市",
        "bank_name": "中国银行",
        "bank_account": "6216610100000000002",
        "account_name": scene.unit.name,
    }
    fake = io.BytesIO(b"not really a pdf")
    fake.name = "执照.pdf"
    response = client.post(url, {**fields, "licence": fake})
    assert response.status_code == 400  # the programme already has this unit, and the file is not a PDF
    assert "内容与扩展名" in response.content.decode()
    assert ProviderRegistration.objects.count() == 1
    licence = client_for(scene.authority).get(reverse("vouchers:provider_licence", args=[scene.provider.pk]))
    assert licence.status_code == 200 and licence["Content-Security-Policy"].startswith("sandbox")


def test_claim_batch_and_payout_through_the_pages(client_for):
    scene = build_scene()
    _record, payment = served_and_paid(scene, "200.00")
    provider = client_for(scene.unit_admin)
    assert "申请兑付" in provider.get(reverse("vouchers:home")).content.decode()
    response = provider.post(
        reverse("vouchers:claim_create", args=[payment.pk]), {"contract": pdf(), "invoice": pdf("发票.pdf")}
    )
    assert response.status_code == 302
    submitted = Claim.objects.get()
    authority = client_for(scene.authority)
    batch_url = reverse("vouchers:batch", args=[submitted.batch_id])
    assert "200.00" in authority.get(batch_url).content.decode()
    authority.post(reverse("vouchers:claim_decide", args=[submitted.pk]), {"decision": "approve"})
    authority.post(batch_url, {"step": "review"})
    authority.post(batch_url, {"step": "pay", "reference": "CZ-2026-001"})
    submitted.refresh_from_db()
    assert submitted.status == Claim.Status.PAID
    assert authority.get(reverse("vouchers:claim_file", args=[submitted.pk, "invoice"])).status_code == 200
    assert (
        client_for(scene.company_user).get(reverse("vouchers:batch", args=[submitted.batch_id])).status_code
        == 404
    )


def test_dashboard_export_and_api_report_agree(client_for):
    scene = build_scene()
    _record, payment = served_and_paid(scene, "300.00")
    submitted = claim(scene, payment)
    claims.decide(access_for(scene.authority), submitted, actor=scene.authority, approve=True)
    client = client_for(scene.authority)
    page = client.get(reverse("vouchers:programme", args=[scene.programme.pk])).content.decode()
    api = client.get(reverse("api-voucher-programme-report", args=[scene.programme.pk])).json()
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("vouchers:programme_export", args=[scene.programme.pk])).content)
    )
    summary = {
        row[0]: Decimal(str(row[1])) for row in workbook["汇总"].iter_rows(min_row=2, values_only=True)
    }
    labels = reports.column_labels()
    report = reports.programme_report(scene.programme)
    for column in reports.COLUMNS:
        value = report["totals"][column]
        assert summary[labels[column]] == value
        assert Decimal(api["totals"][column]) == value
        assert f'data-total="{column}">{value:,.2f}<' in page
    companies = list(workbook["企业"].iter_rows(min_row=2, values_only=True))
    assert Decimal(str(companies[-1][4])) == report["totals"]["spent_total"] == Decimal("300.00")
    assert Decimal(str(companies[-1][5])) == report["totals"]["redeemed_total"] == Decimal("300.00")
    # The company sees the rules, not the dashboard.
    company = client_for(scene.company_user)
    assert (
        "计划报表"
        not in company.get(reverse("vouchers:programme", args=[scene.programme.pk])).content.decode()
    )
    assert company.get(reverse("vouchers:programme_export", args=[scene.programme.pk])).status_code == 403


def test_a_cancelled_booking_gives_its_voucher_hold_back(client_for):
    scene = build_scene()
    booking = quoted_booking(scene)
    client = client_for(scene.company_user)
    client.post(
        reverse("vouchers:pay", args=[booking.record.pk]), {"account": scene.account.pk, "amount": "100.00"}
    )
    assert ledger.account_balances(scene.account).held == Decimal("100.00")
    booking_services.cancel(booking, actor=scene.manager, reason="仪器故障")
    assert Payment.objects.get(record=booking.record).status == Payment.Status.RELEASED
    balances = ledger.account_balances(scene.account)
    assert (balances.available, balances.held) == (Decimal("5000.00"), 0)
    assert "已释放" in client.get(booking.record.get_absolute_url()).content.decode()
