"""What the platform checks when a provider claims: the claim's files by their content, the dates (vouchers are
used by the use-by date, claimed by the later cash-by date), the bill as it stands now, and the flags the
authority sees for suspicious patterns (related parties, split orders, no usage record, unusual prices)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import bill
from yiqi.servicerecords import services as records
from yiqi.usage.models import UsageRecord
from yiqi.vouchers import tasks
from yiqi.vouchers.models import Claim, CompanyProfile, LedgerEntry, Payment
from yiqi.vouchers.services import claims, ledger

from .helpers import apply_for_quota, build_scene, claim, pay_with_voucher, pdf, served_and_paid

pytestmark = pytest.mark.django_db


def flags_of(scene, payment) -> list[str]:
    return claim(scene, payment).flags


def refused_claim(scene, payment, field: str, words: str, **files):
    with pytest.raises(ValidationError) as error:
        claims.submit(
            access_for(scene.unit_admin),
            payment,
            actor=scene.unit_admin,
            contract=files.get("contract", pdf()),
            invoice=files.get("invoice", pdf("发票.pdf")),
        )
    assert any(words in m for m in error.value.message_dict[field]), error.value.message_dict
    assert not Claim.objects.filter(payment=payment).exists()


# --- files -------------------------------------------------------------------------------------------------------


def test_contract_and_invoice_are_checked_by_their_content():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    typed_pdf = SimpleUploadedFile("合同.pdf", "这是一份合同".encode(), content_type="application/pdf")
    refused_claim(scene, payment, "contract", "内容与扩展名 .pdf 不符", contract=typed_pdf)
    program = SimpleUploadedFile("发票.exe", b"MZ\x90\x00" + b"\x00" * 60)
    refused_claim(scene, payment, "invoice", "类型不被接受", invoice=program)
    html = SimpleUploadedFile("发票.pdf", b"<html><script>alert(1)</script></html>")
    refused_claim(scene, payment, "invoice", "内容与扩展名 .pdf 不符", invoice=html)
    refused_claim(scene, payment, "invoice", "请上传发票", invoice=None)
    png = SimpleUploadedFile("发票.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17)
    made = claims.submit(
        access_for(scene.unit_admin), payment, actor=scene.unit_admin, contract=pdf(), invoice=png
    )
    assert (made.contract_type, made.invoice_type) == ("application/pdf", "image/png")
    assert made.invoice_name == "发票.png" and not made.invoice.name.endswith(
        "发票.png"
    )  # stored under a random name


# --- dates -------------------------------------------------------------------------------------------------------


def move_dates(programme, *, use_by_days: int, cash_by_days: int) -> None:
    today = timezone.localdate()
    programme.use_by = today + dt.timedelta(days=use_by_days)
    programme.cash_by = today + dt.timedelta(days=cash_by_days)
    programme.save(update_fields=["use_by", "cash_by"])


def test_after_use_by_vouchers_are_not_used_but_services_already_paid_are_still_claimed_until_cash_by():
    scene = build_scene()
    _record, spent = served_and_paid(scene, "100.00")
    held_record, held = pay_with_voucher(scene, "200.00")
    move_dates(scene.programme, use_by_days=-1, cash_by_days=0)

    # A hold made in time is spent when its service is billed after the use-by date.
    bill(held_record)
    held.refresh_from_db()
    assert held.status == Payment.Status.SPENT and held.amount == Decimal("200.00")
    # No new application is taken; the service spent in time is claimed until the cash-by date.
    with pytest.raises(ValidationError) as error:
        apply_for_quota(scene.programme, scene.company, scene.company_user, "100.00")
    assert "停止受理" in error.value.message_dict["programme"][0]
    assert claim(scene, spent).amount == Decimal("100.00")

    move_dates(scene.programme, use_by_days=-2, cash_by_days=-1)
    fees.record_payment(held.charge, actor=scene.manager, reference="ZZ-002", paid_on=timezone.localdate())
    deadline = scene.programme.cash_by
    refused_claim(scene, held, "payment", f"兑付申请已于 {deadline} 截止")


def test_a_hold_released_after_expiry_expires_the_next_night():
    scene = build_scene()
    record, _payment = pay_with_voucher(scene, "500.00")
    move_dates(scene.programme, use_by_days=-1, cash_by_days=30)
    assert tasks.expire_vouchers.call_local() == 1  # 4,500 unused expire; the 500 held stay held
    assert ledger.account_balances(scene.account).held == Decimal("500.00")

    records.close(record, actor=scene.company_user)  # the service is cancelled: the hold comes back...
    assert ledger.account_balances(scene.account).available == Decimal("500.00")
    assert tasks.expire_vouchers.call_local() == 1  # ...and expires with the next run
    balances = ledger.account_balances(scene.account)
    assert (balances.available, balances.held, balances.expired) == (0, 0, Decimal("5000.00"))


# --- the bill as it stands ----------------------------------------------------------------------------------------


def adjust(scene, charge, amount: str):
    adjustment = fees.request_adjustment(charge, actor=scene.manager, amount=amount, reason="复核工时")
    fees.decide_adjustment(adjustment, actor=scene.unit_admin, approve=True)
    charge.refresh_from_db()
    return charge


def billed_with_voucher(scene, amount: str, minutes=120):
    record, payment = pay_with_voucher(scene, amount, minutes)
    return bill(record), payment


def pay(scene, charge):
    fees.record_payment(charge, actor=scene.manager, reference="ZZ-009", paid_on=timezone.localdate())
    return charge


def test_a_claim_over_the_covered_share_of_the_bill_as_reduced_is_refused():
    scene = build_scene()
    charge, payment = billed_with_voucher(scene, "666.66")  # 2 h fully covered
    pay(scene, adjust(scene, charge, "-600.00"))  # the bill came down to 66.66 after the voucher was spent
    payment.refresh_from_db()
    refused_claim(scene, payment, "payment", "超过账单现行金额可抵扣的 66.66 元")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REDEEM_CLAIM).count() == 0


# --- flags -------------------------------------------------------------------------------------------------------


def test_an_ordinary_service_raises_no_flag():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    assert flags_of(scene, payment) == []


def test_a_provider_at_the_companys_address_is_a_related_party():
    # The provider registered at the company's address, written with other spacing.
    scene = build_scene(registered_address="西安市高新区 科技路1号")
    _record, payment = served_and_paid(scene, "100.00")
    assert flags_of(scene, payment) == ["related_party"]


def test_a_provider_with_the_companys_legal_representative_is_a_related_party():
    scene = build_scene(legal_representative="张  三")
    CompanyProfile.objects.filter(organization=scene.company).update(legal_representative="张三")
    _record, payment = served_and_paid(scene, "100.00")
    assert flags_of(scene, payment) == ["related_party"]


def test_orders_split_to_stay_under_the_fully_covered_band():
    scene = build_scene(amount="20000.00")
    # Two 20-hour services in one week, 6,666.60 each: each under the 10,000 band, together above it.
    _record, first = served_and_paid(scene, "6666.60", minutes=20 * 60)
    _record, second = served_and_paid(scene, "6666.60", minutes=20 * 60)
    assert flags_of(scene, first) == ["split_order"] and flags_of(scene, second) == ["split_order"]


def test_small_repeat_services_are_not_a_split_order():
    scene = build_scene()
    _record, first = served_and_paid(scene, "100.00")
    _record, second = served_and_paid(scene, "100.00")  # 666.66 + 666.66, far under the band
    assert flags_of(scene, first) == [] and flags_of(scene, second) == []


def test_a_service_without_a_usage_record_is_flagged():
    scene = build_scene()
    record, payment = served_and_paid(scene, "100.00")
    UsageRecord.objects.filter(record=record).delete()
    assert flags_of(scene, payment) == ["no_usage"]


def test_a_bill_far_from_the_published_fees_is_flagged_and_shown_on_the_batch_page(client_for):
    scene = build_scene()
    charge, payment = billed_with_voucher(scene, "600.00")
    pay(scene, adjust(scene, charge, "300.00"))  # 966.66 against 666.66 published: 45 % above
    payment.refresh_from_db()
    made = claim(scene, payment)
    assert made.flags == ["unusual_price"]
    page = client_for(scene.authority).get(reverse("vouchers:batch", args=[made.batch_id])).content.decode()
    assert str(claims.FLAGS["unusual_price"]) in page
    # Within 30 % of the schedule is not unusual.
    charge, payment = billed_with_voucher(scene, "600.00")
    pay(scene, adjust(scene, charge, "150.00"))
    payment.refresh_from_db()
    assert flags_of(scene, payment) == []
