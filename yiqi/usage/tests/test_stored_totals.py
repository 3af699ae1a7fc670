"""Each unit's stored day and month totals follow its usage records whatever writes them, and a period's sums read
from them equal the sums over the records themselves, partial days and months at the edges included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage import stored_totals
from yiqi.usage.models import UsageRecord, UsageTotal

from .conftest import shanghai
from .factories import UsageRecordFactory

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")


def days(unit, span=UsageTotal.Span.DAY) -> dict:
    """The unit's non-empty UTC days (or months): {start: (hours, external, checked records, checked, verified,
    verified external)}."""
    return {
        row.start: tuple(getattr(row, name) for name in stored_totals.SUMMED)
        for row in UsageTotal.objects.filter(unit=unit, span=span).order_by("start")
        if any(getattr(row, name) for name in stored_totals.SUMMED)
    }


def test_a_record_adds_to_its_units_utc_day():
    # 07:00 in Shanghai on 2 March is still 1 March in UTC.
    record = UsageRecordFactory(
        started_at=shanghai(2025, 3, 2, 7), machine_hours=Decimal("3.50"), is_external=True
    )
    assert days(record.unit) == {dt.date(2025, 3, 1): (Decimal("3.50"), Decimal("3.50"), 0, ZERO, ZERO, ZERO)}


def test_updates_move_and_change_the_sums_and_deletes_take_them_away():
    instrument = InstrumentFactory()
    kept = UsageRecordFactory(instrument=instrument, started_at=shanghai(2025, 3, 2, 10), machine_hours=2)
    moved = UsageRecordFactory(instrument=instrument, started_at=shanghai(2025, 3, 2, 11), machine_hours=1)
    unit = instrument.unit
    assert days(unit) == {dt.date(2025, 3, 2): (Decimal("3.00"), ZERO, 0, ZERO, ZERO, ZERO)}

    UsageRecord.objects.filter(pk=moved.pk).update(
        started_at=shanghai(2025, 3, 5, 9), ended_at=shanghai(2025, 3, 5, 12), machine_hours=Decimal("2.25")
    )
    # Telemetry verification writes verified hours on its own.
    UsageRecord.objects.filter(pk=kept.pk).update(verified_hours=Decimal("1.50"), is_external=True)
    assert days(unit) == {
        dt.date(2025, 3, 2): (
            Decimal("2.00"),
            Decimal("2.00"),
            1,
            Decimal("2.00"),
            Decimal("1.50"),
            Decimal("1.50"),
        ),
        dt.date(2025, 3, 5): (Decimal("2.25"), ZERO, 0, ZERO, ZERO, ZERO),
    }
    assert days(unit, UsageTotal.Span.MONTH) == {
        dt.date(2025, 3, 1): (
            Decimal("4.25"),
            Decimal("2.00"),
            1,
            Decimal("2.00"),
            Decimal("1.50"),
            Decimal("1.50"),
        )
    }

    # Columns the sums do not depend on change nothing.
    UsageRecord.objects.update(fee=F("fee") + 10, service_content="表征")
    kept.refresh_from_db()
    kept.delete()
    assert days(unit) == {dt.date(2025, 3, 5): (Decimal("2.25"), ZERO, 0, ZERO, ZERO, ZERO)}


def test_bulk_writes_are_counted_once_each():
    instrument = InstrumentFactory()
    rows = [
        UsageRecordFactory.build(
            instrument=instrument, started_at=shanghai(2025, 6, 1, 9 + i), machine_hours=1
        )
        for i in range(5)
    ]
    UsageRecord.objects.bulk_create(rows)
    for row in rows:
        row.machine_hours = Decimal("0.50")
    UsageRecord.objects.bulk_update(rows, ["machine_hours"])
    assert days(instrument.unit) == {dt.date(2025, 6, 1): (Decimal("2.50"), ZERO, 0, ZERO, ZERO, ZERO)}


def test_rebuild_gives_what_the_triggers_kept():
    for hour in (1, 9, 20):
        UsageRecordFactory(started_at=shanghai(2025, 1, 1, hour), verified_hours=Decimal("0.75"))
    units = {r.unit for r in UsageRecord.objects.select_related("unit")}
    kept = {(unit, span): days(unit, span) for unit in units for span in UsageTotal.Span}
    stored_totals.rebuild()
    assert {(unit, span): days(unit, span) for unit in units for span in UsageTotal.Span} == kept


def brute_force(unit_ids, since, until) -> dict:
    result = {}
    for r in UsageRecord.objects.filter(unit_id__in=unit_ids, started_at__gte=since, started_at__lt=until):
        sums = result.setdefault(r.unit_id, dict.fromkeys(stored_totals.SUMMED, 0))
        checked = r.verified_hours is not None
        for name, value in zip(
            stored_totals.SUMMED,
            (
                r.machine_hours,
                r.machine_hours if r.is_external else 0,
                int(checked),
                r.machine_hours if checked else 0,
                r.verified_hours or 0,
                (r.verified_hours or 0) if r.is_external else 0,
            ),
            strict=True,
        ):
            sums[name] += value
    return {
        unit: {
            name: value if name == "checked_records" else Decimal(value).quantize(Decimal("0.01"))
            for name, value in sums.items()
        }
        for unit, sums in result.items()
        if any(sums.values())
    }


BASE = shanghai(2025, 1, 25)
HOURS = 24 * 80  # around two month ends
records = st.lists(
    st.tuples(
        st.integers(0, 2),  # instrument (the first two share a unit)
        st.integers(0, HOURS),  # hours after BASE
        st.decimals(Decimal("0"), Decimal("12"), places=2),
        st.booleans(),  # external
        st.one_of(st.none(), st.decimals(Decimal("0"), Decimal("12"), places=2)),  # verified
    ),
    max_size=25,
)
hours = st.integers(0, HOURS)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=records, since=hours, length=hours, minutes=st.sampled_from([0, 15]), deleted=st.integers(0, 3))
def test_period_sums_equal_the_sums_over_the_records(rows, since, length, minutes, deleted):
    first = InstrumentFactory()
    instruments = [first, InstrumentFactory(unit=first.unit), InstrumentFactory()]
    written = [
        UsageRecordFactory(
            instrument=instruments[i],
            started_at=BASE + dt.timedelta(hours=q, minutes=minutes),
            machine_hours=hours,
            is_external=external,
            verified_hours=verified,
        )
        for i, q, hours, external, verified in rows
    ]
    for record in written[:deleted]:
        record.delete()
    unit_ids = [first.unit_id, instruments[2].unit_id]
    # Periods start at local midnights, UTC midnights or in between; records sit on and beside their edges.
    start = BASE + dt.timedelta(hours=since)
    end = start + dt.timedelta(hours=length)
    assert stored_totals.period_sums(unit_ids, start, end) == brute_force(unit_ids, start, end)
