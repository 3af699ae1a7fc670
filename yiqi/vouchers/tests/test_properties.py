"""Random sequences of grants, holds, releases, spends, refunds, redemptions, payouts, expiries and clawbacks:
balances never go negative, the budget is never exceeded, and every total reconciles to the ledger."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiqi.accounts.access import access_for
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import bill
from yiqi.servicerecords import services as records
from yiqi.vouchers.models import Account, LedgerEntry, Payment
from yiqi.vouchers.services import claims, ledger, payments, presenters, quotas, reports

from .helpers import build_scene, claim, company_with_user, grant, quoted_service

OPS = ("grant", "hold", "release", "spend", "refund", "redeem", "payout", "expire", "clawback")
operations = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(min_value=1, max_value=900_00), st.integers(0, 5)),
    min_size=1,
    max_size=14,
)


def _yuan(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def run(op: str, cents: int, pick: int, scene, companies, open_payments):
    authority = access_for(scene.authority)
    if op == "grant":
        company, user = companies[pick % len(companies)]
        grant(scene, company, user, scene.authority, _yuan(cents))
    elif op == "hold":
        record = quoted_service(scene, minutes=30 * (pick + 1))
        open_payments.append(
            payments.apply(
                access_for(scene.company_user),
                record,
                actor=scene.company_user,
                account=scene.account,
                amount=_yuan(cents),
            )
        )
    elif op in ("release", "spend") and open_payments:
        payment = open_payments.pop(pick % len(open_payments))
        if op == "release":
            records.close(payment.record, actor=scene.company_user)
        else:
            charge = bill(payment.record)
            fees.record_payment(charge, actor=scene.manager, reference="P", paid_on=timezone.localdate())
    elif op in ("refund", "redeem"):
        spent = list(Payment.objects.filter(status=Payment.Status.SPENT, claims__isnull=True).order_by("pk"))
        if spent:
            payment = spent[pick % len(spent)]
            if op == "refund":
                payments.refund(authority, payment, actor=scene.authority, comment="更正")
            else:
                claims.decide(authority, claim(scene, payment), actor=scene.authority, approve=True)
    elif op == "payout":
        for batch in claims.visible_batches(authority).filter(status="open"):
            claims.mark_paid(
                authority,
                claims.close_review(authority, batch, actor=scene.authority),
                actor=scene.authority,
                reference="CZ",
            )
    elif op == "expire":
        quotas.expire(scene.programme, today=scene.programme.use_by + dt.timedelta(days=1))
    elif op == "clawback":
        accounts = list(Account.objects.filter(programme=scene.programme).order_by("pk"))
        account = accounts[pick % len(accounts)]
        quotas.claw_back(authority, account, actor=scene.authority, amount=_yuan(cents), reason="资格复核")


def check_invariants(scene):
    programme = ledger.programme_balances(scene.programme)
    assert programme.granted <= scene.programme.budget
    per_account = [ledger.account_balances(a) for a in Account.objects.filter(programme=scene.programme)]
    for name in ("granted", "available", "held", "spent", "redeemed", "paid", "expired"):
        values = [getattr(b, name) for b in per_account]
        assert all(v >= 0 for v in values), name
        assert sum(values, Decimal("0")) == getattr(programme, name), name
    assert programme.granted == (
        programme.available
        + programme.held
        + programme.spent
        + programme.redeemed
        + programme.paid
        + programme.expired
    )
    # The dashboard, the API and the export read ``programme_report`` and ``account_rows``: both add up to the ledger.
    report = reports.programme_report(scene.programme)
    assert report["totals"] == programme.as_dict()
    for rows, columns in (
        (report["companies"], reports.COLUMNS),
        (report["providers"], reports.PROVIDER_COLUMNS),
    ):
        for column in columns:
            assert sum((row[column] for row in rows), Decimal("0")) == report["totals"][column], column
    accounts = Account.objects.filter(programme=scene.programme)
    assert [{k: row[k] for k in programme.as_dict()} for row in presenters.account_rows(accounts)] == [
        ledger.account_balances(a).as_dict() for a in accounts
    ]
    for payment in Payment.objects.all():
        own = ledger.balances(LedgerEntry.objects.filter(payment=payment))
        assert min(own.held, own.spent + own.redeemed + own.paid) >= 0
        assert own.held == (payment.amount if payment.status == Payment.Status.HELD else 0)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_random_movements_keep_the_ledger_sound(steps):
    with transaction.atomic():
        scene = build_scene(amount="3000.00")
        scene.programme.budget = Decimal("8000.00")
        scene.programme.save()
        companies = [(scene.company, scene.company_user), company_with_user("渭南某某新材料有限公司")]
        open_payments = []
        for op, cents, pick in steps:
            before = LedgerEntry.objects.count()
            try:
                with transaction.atomic():
                    run(op, cents, pick, scene, companies, open_payments)
            except ValidationError:
                assert LedgerEntry.objects.count() == before  # a refusal changes nothing
            check_invariants(scene)
        transaction.set_rollback(True)
