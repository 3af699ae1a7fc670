"""The nightly job expires what companies left unused once a programme's use-by date has passed, once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yiqi.vouchers import tasks
from yiqi.vouchers.models import LedgerEntry
from yiqi.vouchers.services import ledger

from .helpers import build_scene

pytestmark = pytest.mark.django_db


def test_the_nightly_job_expires_unused_balances_after_use_by_and_only_once():
    scene = build_scene(amount="5000.00")
    programme = scene.programme
    assert tasks.expire_vouchers.call_local() == 0  # still within use-by

    programme.use_by = timezone.localdate() - dt.timedelta(days=1)
    programme.save(update_fields=["use_by"])
    assert tasks.expire_vouchers.call_local() == 1
    assert tasks.expire_vouchers.call_local() == 0

    account = scene.account
    assert ledger.account_balances(account).available == Decimal("0.00")
    expired = LedgerEntry.objects.get(account=account, kind=LedgerEntry.Kind.EXPIRY)
    assert expired.amount == Decimal("5000.00")
