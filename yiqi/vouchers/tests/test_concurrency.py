"""Fifty companies at once against one programme (PostgreSQL, real threads and connections): the budget lock
grants exactly what the budget holds, the account lock lets simultaneous payments spend each yuan once, and the
database refuses to change the ledger or anything paid out."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from yiqi.accounts.access import access_for
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import service
from yiqi.vouchers.models import LedgerEntry, Payment, QuotaApplication
from yiqi.vouchers.services import ledger, payments, quotas

from .helpers import apply_for_quota, build_scene, company_with_user, grant, paid_out, quoted_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 50


def together(calls) -> list:
    """Run every call in its own thread and connection, released at the same moment; their outcomes."""
    start, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def one(i, call):
        try:
            start.wait()
            outcomes[i] = call()
        except ValidationError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_grants_never_exceed_the_budget():
    scene = build_scene(amount="1000.00")
    scene.programme.budget = Decimal("30000.00")
    scene.programme.save()
    applications = []
    for n in range(THREADS):
        company, user = company_with_user(f"并发科技有限公司{n}")
        applications.append(apply_for_quota(scene.programme, company, user, "1000.00"))
    authority = access_for(scene.authority)
    outcomes = together(
        [lambda a=a: quotas.decide(authority, a, actor=scene.authority, approve=True) for a in applications]
    )
    approved = [o for o in outcomes if isinstance(o, QuotaApplication)]
    assert len(approved) == 29  # 1,000 were granted before: 29,000 left
    assert ledger.programme_balances(scene.programme).granted == Decimal("30000.00")
    assert QuotaApplication.objects.filter(status="approved").count() == 30


def test_fifty_simultaneous_payments_spend_each_yuan_once():
    scene = build_scene(amount="10000.00")
    records = [quoted_service(scene) for _ in range(THREADS)]
    company = access_for(scene.company_user)
    outcomes = together(
        [
            lambda r=r: payments.apply(
                company, r, actor=scene.company_user, account=scene.account, amount="300.00"
            )
            for r in records
        ]
    )
    held = [o for o in outcomes if isinstance(o, Payment)]
    assert len(held) == 33
    assert all(isinstance(o, ValidationError) for o in outcomes if not isinstance(o, Payment))
    balances = ledger.account_balances(scene.account)
    assert (balances.available, balances.held) == (Decimal("100.00"), Decimal("9900.00"))
    assert LedgerEntry.objects.filter(kind="hold").count() == 33


def test_the_database_refuses_to_change_ledger_rows():

    scene = build_scene()
    entry = LedgerEntry.objects.get(account=scene.account)
    for sql in (
        "UPDATE vouchers_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM vouchers_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("5000.00")


def test_fifty_companies_spending_at_once_keep_budget_and_balances_exact():
    """Each company holds 500.00. Thread i pays a 300.00 voucher part for company i and then for company i+1 while
    the authority approves company i's top-up of 50.00; the budget has room for 30 top-ups only. Every account is
    paid from by two threads on two connections: one payment each succeeds, never both."""
    scene = build_scene(amount="500.00")
    companies = [(scene.company, scene.company_user, scene.account)]
    for n in range(THREADS - 1):
        company, user = company_with_user(f"并发支付科技有限公司{n}")
        companies.append((company, user, grant(scene, company, user, scene.authority, "500.00")))
    scene.programme.budget = Decimal(THREADS * 500 + 30 * 50)
    scene.programme.save(update_fields=["budget"])
    work = []
    for company, user, account in companies:
        records = [service(scene.instrument, user, organization=company) for _ in range(2)]
        for record in records:
            fees.quote(record)
        top_up = apply_for_quota(scene.programme, company, user, "50.00")
        work.append((access_for(user), user, account, records, top_up))
    authority = access_for(scene.authority)

    def pay(i: int, record_index: int):
        access, user, account, records, _top_up = work[i % THREADS]
        try:
            return payments.apply(access, records[record_index], actor=user, account=account, amount="300.00")
        except ValidationError as error:
            return error

    def thread(i: int):
        own = pay(i, 0)
        neighbour = pay(i + 1, 1)
        try:
            topped = quotas.decide(authority, work[i][4], actor=scene.authority, approve=True)
        except ValidationError as error:
            topped = error
        return own, neighbour, topped

    outcomes = together([lambda i=i: thread(i) for i in range(THREADS)])
    topped = [t for _own, _neighbour, t in outcomes if isinstance(t, QuotaApplication)]
    assert len(topped) == 30
    programme = ledger.programme_balances(scene.programme)
    assert programme.granted == scene.programme.budget == Decimal("26500.00")
    for company, _user, account in companies:
        paid = Payment.objects.filter(account=account)
        balances = ledger.account_balances(account)
        assert paid.count() == 1, company  # 300 + 300 never fit in 500 (or 550)
        assert balances.held == Decimal("300.00")
        assert balances.available == balances.granted - Decimal("300.00") >= Decimal("200.00")
    assert Payment.objects.count() == THREADS
    assert LedgerEntry.objects.filter(kind="hold").count() == THREADS
    assert programme.held == Decimal("300.00") * THREADS
    assert programme.available == programme.granted - programme.held


def test_the_database_refuses_to_change_a_paid_claim_or_batch():
    scene = build_scene()
    made = paid_out(scene)
    for sql in (
        "UPDATE vouchers_claim SET amount = 1 WHERE id = %s",
        "DELETE FROM vouchers_claim WHERE id = %s",
        "UPDATE vouchers_batch SET payout_reference = 'X' WHERE id = %s",
    ):
        row = made.batch_id if "batch" in sql else made.pk
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row])
    made.refresh_from_db()
    assert made.amount == Decimal("100.00") and made.batch.payout_reference == "CZ-2026-12"
