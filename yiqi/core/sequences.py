"""Human-readable document numbers: a code, the local date and the day's sequence (WT202611220001)."""

import datetime as dt

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Length

from .models import DailySequence


def next_daily_number(code: str, day: dt.date, issued: QuerySet, field: str = "number") -> str:
    """The next number of the day for ``code``, distinct under concurrency on every database.

    Must run inside the transaction that saves the numbered row: the counter row stays locked until it commits,
    so simultaneous callers queue instead of clashing (a rolled-back caller gives its number back). A day's
    counter starts after the highest number already in ``issued`` (rows loaded by other means, e.g. demo data).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_daily_number must run inside the transaction that saves the number")
    prefix = f"{code}{day:%Y%m%d}"
    if not DailySequence.objects.filter(prefix=prefix).exists():
        last = (
            issued.filter(**{f"{field}__startswith": prefix})
            .order_by(Length(field).desc(), f"-{field}")
            .values_list(field, flat=True)
            .first()
        )
        start = int(last[len(prefix) :]) if last else 0
        DailySequence.objects.bulk_create([DailySequence(prefix=prefix, last=start)], ignore_conflicts=True)
    DailySequence.objects.filter(prefix=prefix).update(last=F("last") + 1)
    return f"{prefix}{DailySequence.objects.get(prefix=prefix).last:04d}"
