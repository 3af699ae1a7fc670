"""A company gets a voucher, spends it on a service, the provider claims and the authority pays out."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.fees.models import Charge
from yiqi.servicerecords import services as records
from yiqi.usage.models import UsageRecord
from yiqi.vouchers.models import Claim, LedgerEntry, Payment, QuotaApplication
from yiqi.vouchers.services import claims, ledger, payments, providers, quotas, reports

from .helpers import apply_for_quota, build_scene, claim, pay_with_voucher, quoted_service, served_and_paid

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind


def balances(scene):
    return ledger.account_balances(scene.account)


def test_voucher_from_grant_to_payout():
    scene = build_scene()
    assert balances(scene).available == Decimal("5000.00")

    record, payment = pay_with_voucher(scene, "666.66")
    assert (balances(scene).available, balances(scene).held) == (Decimal("4333.34"), Decimal("666.66"))

    record, payment = served_and_paid(scene, "600.00")
    assert payment.status == Payment.Status.SPENT
    assert balances(scene).spent == Decimal("600.00")

    submitted = claim(scene, payment)
    assert submitted.amount == Decimal("600.00") and submitted.status == Claim.Status.SUBMITTED
    authority = access_for(scene.authority)
    claims.decide(authority, submitted, actor=scene.authority, approve=True)
    batch = claims.close_review(authority, submitted.batch, actor=scene.authority)
    claims.mark_paid(authority, batch, actor=scene.authority, reference="CZ-2026-11")

    submitted.refresh_from_db()
    assert submitted.status == Claim.Status.PAID
    totals = ledger.programme_balances(scene.programme)
    assert totals.paid == Decimal("600.00") and totals.redeemed == 0
    assert totals.held == Decimal("666.66")  # the first service is still only booked
    assert totals.available == Decimal("5000.00") - Decimal("666.66") - Decimal("600.00")
    report = reports.programme_report(scene.programme)
    assert report["unallocated"] == Decimal("995000.00")
    assert [row["paid"] for row in report["providers"]] == [Decimal("600.00")]
    # Every step is on the audit trail.
    assert AuditEvent.objects.for_object(submitted).count() == 3


def test_billing_spends_at_most_the_covered_share_of_the_bill_and_releases_the_rest():
    scene = build_scene()
    record, payment = pay_with_voucher(scene, "666.66")  # 2 hours booked
    records.complete(
        record,
        actor=scene.manager,
        started_at=timezone.now() - timezone.timedelta(hours=1),
        ended_at=timezone.now(),
        hours=Decimal("1.00"),
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SPENT and payment.amount == Decimal("333.33")
    assert balances(scene).available == Decimal("5000.00") - Decimal("333.33")
    assert balances(scene).held == 0
    assert UsageRecord.objects.filter(record=record).exists()


def test_cancelled_service_releases_the_hold():
    scene = build_scene()
    record, payment = pay_with_voucher(scene, "500.00")
    records.close(record, actor=scene.company_user)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.RELEASED
    assert balances(scene).available == Decimal("5000.00") and balances(scene).held == 0
    assert Charge.objects.get(record=record).status == Charge.Status.VOID


def test_refund_returns_an_unclaimed_spend_and_is_refused_once_claimed():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    payments.refund(access_for(scene.authority), payment, actor=scene.authority, comment="重复收费")
    assert balances(scene).available == Decimal("5000.00")
    _record, other = served_and_paid(scene, "100.00")
    claim(scene, other)
    with pytest.raises(ValidationError) as error:
        payments.refund(access_for(scene.authority), other, actor=scene.authority, comment="重复收费")
    assert "已申请兑付" in str(error.value)


def test_claim_without_a_completed_paid_service_is_refused():
    scene = build_scene()
    record = quoted_service(scene)
    payment = payments.apply(
        access_for(scene.company_user),
        record,
        actor=scene.company_user,
        account=scene.account,
        amount="100.00",
    )
    with pytest.raises(ValidationError) as error:
        claim(scene, payment)
    assert "payment" in error.value.message_dict
    assert not Claim.objects.exists()


def test_a_service_is_redeemed_only_once():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    claim(scene, payment)
    with pytest.raises(ValidationError) as error:
        claim(scene, payment)
    assert error.value.message_dict["payment"] == ["该服务已申请过兑付，不能重复申请。"]
    assert Claim.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=K.REDEEM_CLAIM).count() == 0


def test_nothing_changes_after_payout():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    submitted = claim(scene, payment)
    authority = access_for(scene.authority)
    claims.decide(authority, submitted, actor=scene.authority, approve=True)
    batch = claims.mark_paid(
        authority,
        claims.close_review(authority, submitted.batch, actor=scene.authority),
        actor=scene.authority,
        reference="CZ-1",
    )
    submitted.refresh_from_db()
    with pytest.raises(ValidationError):
        claims.decide(authority, submitted, actor=scene.authority, approve=False, comment="撤回")
    with pytest.raises(ValidationError):
        claims.mark_paid(authority, batch, actor=scene.authority, reference="CZ-2")
    with pytest.raises(ValidationError):
        payments.refund(authority, payment, actor=scene.authority, comment="撤回")
    assert LedgerEntry.objects.filter(kind=K.PAYOUT).count() == 1


def test_ledger_rows_cannot_be_changed_or_deleted():
    scene = build_scene()
    entry = LedgerEntry.objects.get(kind=K.GRANT, account=scene.account)
    entry.amount = Decimal("1.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(ValidationError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("5000.00")


def test_a_declined_application_needs_a_reason_and_grants_nothing():
    scene = build_scene()
    application = apply_for_quota(scene.programme, scene.company, scene.company_user, "3000.00")
    authority = access_for(scene.authority)
    with pytest.raises(ValidationError) as error:
        quotas.decide(authority, application, actor=scene.authority, approve=False)
    assert "理由" in " ".join(error.value.messages)
    quotas.decide(authority, application, actor=scene.authority, approve=False, comment="项目与科技创新无关")
    application.refresh_from_db()
    assert application.status == QuotaApplication.Status.DECLINED and application.approved_amount is None
    assert not LedgerEntry.objects.filter(application=application).exists()
    assert AuditEvent.objects.for_object(application).last().comment == "项目与科技创新无关"
    assert balances(scene).granted == Decimal("5000.00")


def test_a_rejected_claim_may_be_followed_by_a_corrected_one():
    scene = build_scene()
    _record, payment = served_and_paid(scene, "100.00")
    first = claim(scene, payment)
    authority = access_for(scene.authority)
    claims.decide(authority, first, actor=scene.authority, approve=False, comment="发票抬头有误")
    assert balances(scene).spent == Decimal("100.00")  # nothing was redeemed
    second = claim(scene, payment)
    claims.decide(authority, second, actor=scene.authority, approve=True)
    assert balances(scene).redeemed == Decimal("100.00") and balances(scene).spent == 0
    assert list(Claim.objects.order_by("pk").values_list("status", flat=True)) == ["rejected", "approved"]


def test_a_suspended_provider_takes_no_vouchers_and_claims_nothing():
    scene = build_scene()
    _record, spent = served_and_paid(scene, "100.00")
    providers.decide(
        access_for(scene.authority),
        scene.provider,
        actor=scene.authority,
        action="suspend",
        comment="资质过期",
    )
    with pytest.raises(ValidationError) as error:
        pay_with_voucher(scene, "100.00")
    assert "不是该计划登记的服务机构" in error.value.message_dict["account"][0]
    with pytest.raises(ValidationError) as error:
        claim(scene, spent)
    assert "已暂停" in error.value.message_dict["payment"][0]
    assert not Claim.objects.exists()
