"""Bad input per the issue: refused with a clear message on the field concerned, and nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.vouchers.models import LedgerEntry, Payment, PriceBand, QuotaApplication
from yiqi.vouchers.services import ledger, payments, quotas

from .helpers import build_scene, grant, quoted_service

pytestmark = pytest.mark.django_db


def refused(call, field: str, words: str):
    before = (LedgerEntry.objects.count(), Payment.objects.count(), QuotaApplication.objects.count())
    with pytest.raises(ValidationError) as error:
        call()
    messages = error.value.message_dict
    assert field in messages and any(words in m for m in messages[field]), messages
    assert (LedgerEntry.objects.count(), Payment.objects.count(), QuotaApplication.objects.count()) == before


def apply(scene, amount, record=None):
    record = record or quoted_service(scene)
    return lambda: payments.apply(
        access_for(scene.company_user), record, actor=scene.company_user, account=scene.account, amount=amount
    )


def test_spending_beyond_the_balance():
    scene = build_scene(amount="500.00")
    refused(apply(scene, "600.00"), "amount", "超过可用余额")
    assert ledger.account_balances(scene.account).available == Decimal("500.00")


def test_spending_after_the_use_by_date():
    scene = build_scene()
    scene.programme.use_by = timezone.localdate() - dt.timedelta(days=1)
    scene.programme.save()
    refused(apply(scene, "100.00"), "amount", "到期")


def test_a_covered_share_over_the_rule():
    scene = build_scene(amount="20000.00")
    refused(apply(scene, "666.67"), "amount", "最多抵扣 666.66 元")  # 2 h × 333.33, fully coverable
    # Above 10,000 CNY only half is coverable: 40 h × 333.33 = 13,333.20 → at most 6,666.60.
    refused(apply(scene, "6666.61", quoted_service(scene, minutes=40 * 60)), "amount", "最多抵扣 6666.60 元")


def test_amounts_with_more_than_two_decimals():
    scene = build_scene()
    refused(apply(scene, "100.001"), "amount", "两位小数")
    refused(
        lambda: quotas.apply(
            access_for(scene.company_user),
            actor=scene.company_user,
            programme=scene.programme,
            company=scene.company,
            credit_code=scene.company.credit_code,
            project="检测",
            requested="100.005",
        ),
        "requested",
        "两位小数",
    )


def test_a_company_that_is_not_eligible():
    scene = build_scene()
    university = OrganizationFactory(is_management_unit=False)
    member = user_with_role(Role.EXTERNAL_USER, organization=university)
    refused(
        lambda: quotas.apply(
            access_for(member),
            actor=member,
            programme=scene.programme,
            company=university,
            credit_code=university.credit_code,
            project="检测",
            requested="1000",
        ),
        "company",
        "不属于本计划支持的单位类型",
    )
    refused(
        lambda: quotas.apply(
            access_for(scene.company_user),
            actor=scene.company_user,
            programme=scene.programme,
            company=scene.company,
            credit_code="91610000MA6TG1234X",
            project="检测",
            requested="1000",
        ),
        "credit_code",
        "",
    )


def test_caps_and_budget():
    scene = build_scene()

    def apply_for(amount):
        return lambda: quotas.apply(
            access_for(scene.company_user),
            actor=scene.company_user,
            programme=scene.programme,
            company=scene.company,
            credit_code=scene.company.credit_code,
            project="检测",
            requested=amount,
        )

    refused(apply_for("20000.01"), "requested", "单次申请不能超过 20000.00 元")
    for _ in range(4):
        grant(scene, scene.company, scene.company_user, scene.authority, "20000.00")
    refused(apply_for("15000.01"), "requested", "超过每家企业年度上限")
    # The budget: a small programme cannot grant more than it holds.
    scene.programme.budget = Decimal("85000.00")
    scene.programme.save()
    application = apply_for("10000.00")()
    refused(
        lambda: quotas.decide(access_for(scene.authority), application, actor=scene.authority, approve=True),
        "amount",
        "超出计划剩余预算",
    )
    application.refresh_from_db()
    assert application.status == QuotaApplication.Status.SUBMITTED


def test_a_claim_is_refused_when_remote_monitoring_shows_the_instrument_did_not_run():
    from yiqi.usage.models import UsageRecord
    from yiqi.vouchers.models import Claim

    from .helpers import claim, served_and_paid

    scene = build_scene()
    record, payment = served_and_paid(scene, minutes=120)
    usage = UsageRecord.objects.get(record=record)
    usage.verified_hours = Decimal("0.20")  # the instrument ran 12 of the 120 recorded minutes
    usage.save(update_fields=["verified_hours"])
    with pytest.raises(ValidationError) as error:
        claim(scene, payment)
    assert any("远程监测显示仪器" in m for m in error.value.message_dict["payment"])
    assert not Claim.objects.exists()

    usage.verified_hours = Decimal("1.90")  # telemetry confirms the service
    usage.save(update_fields=["verified_hours"])
    assert claim(scene, payment).amount > 0


@pytest.mark.parametrize(
    "price, most",
    [
        ("0.01", "0.01"),
        ("9999.99", "9999.99"),
        ("10000.00", "10000.00"),  # a band's bound belongs to it
        ("10000.01", "7000.00"),  # 70 % of 10,000.01 is 7,000.007: rounded down to the fen
        ("50000.00", "35000.00"),
        ("50000.01", "25000.00"),  # above every bound: the open band's 50 %
        ("3000000.00", "1500000.00"),
    ],
)
def test_the_covered_share_follows_the_price_band(price, most):
    scene = build_scene()
    PriceBand.objects.create(
        programme=scene.programme, up_to=Decimal("50000.00"), covered_share=Decimal("0.7")
    )
    assert payments.coverable(scene.account, Decimal(price)) == Decimal(most)
