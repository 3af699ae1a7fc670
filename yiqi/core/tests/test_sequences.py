import datetime as dt

import pytest
from django.db import transaction

from yiqi.core.sequences import next_daily_number
from yiqi.orders.models import TestOrder

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 22)


def test_each_day_and_code_counts_from_one():
    with transaction.atomic():
        numbers = [next_daily_number("WT", DAY, TestOrder.objects) for _ in range(3)]
        numbers.append(next_daily_number("TS", DAY, TestOrder.objects))
        numbers.append(next_daily_number("WT", DAY + dt.timedelta(days=1), TestOrder.objects))
    assert numbers == [
        "WT202611220001",
        "WT202611220002",
        "WT202611220003",
        "TS202611220001",
        "WT202611230001",
    ]


def test_a_rolled_back_number_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_daily_number("WT", DAY, TestOrder.objects) == "WT202611220001"
        raise RuntimeError("the order failed to save")
    with transaction.atomic():
        assert next_daily_number("WT", DAY, TestOrder.objects) == "WT202611220001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_it_refuses():
    with pytest.raises(RuntimeError):
        next_daily_number("WT", DAY, TestOrder.objects)
