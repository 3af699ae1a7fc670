"""Fifty companies at once against one programme (PostgreSQL, real transactions): the budget lock grants exactly
what the budget holds, and the account lock lets fifty simultaneous payments spend each yuan once."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from yiqi.accounts.access import access_for
from yiqi.vouchers.models import LedgerEntry, Payment, QuotaApplication
from yiqi.vouchers.services import ledger, payments, quotas

from .helpers import build_scene, company_with_user, quoted_service

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
        applications.append(
            quotas.apply(
                access_for(user),
                actor=user,
                programme=scene.programme,
                company=company,
                credit_code=company.credit_code,
                project="检测",
                requested="1000.00",
            )
        )
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
