"""Reallocation candidates: a unit graded poor in its two latest published rounds has its low-use instruments
listed for reallocation (无偿划拨 / 内部调配). Every registered instrument counts as general-purpose: the registry
does not yet tell special-purpose ones apart (exchange sends 通用 for all)."""

from decimal import Decimal

from django.db.models import Sum

from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord

from ..models import Grade, Round, UnitEvaluation
from .figures import bounds

# Effective hours a year below which an instrument is low-use: the duplicate-purchase review's line, between the
# 1,600 h benchmark and a quarter of it.
LOW_USE_HOURS = Decimal("1200")


def twice_poor() -> list[tuple[UnitEvaluation, UnitEvaluation]]:
    """(latest, previous) published evaluations of each unit whose two latest are both poor."""
    latest: dict[int, list[UnitEvaluation]] = {}
    for row in (
        UnitEvaluation.objects.filter(round__status=Round.Status.PUBLISHED)
        .select_related("unit", "round")
        .order_by("unit_id", "-period_end", "-round_id")
    ):
        latest.setdefault(row.unit_id, [])
        if len(latest[row.unit_id]) < 2:
            latest[row.unit_id].append(row)
    return [
        (rows[0], rows[1])
        for rows in latest.values()
        if len(rows) == 2 and all(r.grade == Grade.POOR for r in rows)
    ]


def candidates() -> list[dict]:
    """Per twice-poor unit: its instruments in use whose effective hours in the latest round's period, scaled to
    a year, fall below ``LOW_USE_HOURS``. One hours query per latest round, not per instrument."""
    pairs = twice_poor()
    by_round: dict[int, list[UnitEvaluation]] = {}
    for latest, _previous in pairs:
        by_round.setdefault(latest.round_id, []).append(latest)
    hours: dict[int, Decimal] = {}
    for rows in by_round.values():
        start, end = rows[0].period_start, rows[0].period_end
        year_share = Decimal(365) / Decimal((end - start).days + 1)
        since, until = bounds(start, end)
        for instrument_id, total in (
            UsageRecord.objects.filter(
                started_at__gte=since, started_at__lt=until, unit_id__in=[r.unit_id for r in rows]
            )
            .values("instrument_id")
            .annotate(total=Sum("machine_hours"))
            .values_list("instrument_id", "total")
        ):
            hours[instrument_id] = (Decimal(total or 0) * year_share).quantize(Decimal("0.1"))
    instruments: dict[int, list] = {}
    for instrument in (
        Instrument.objects.filter(unit_id__in=[latest.unit_id for latest, _ in pairs])
        .exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)
        .select_related("category")
        .order_by("unit_id", "-original_value", "id")
    ):
        instrument.annual_hours = hours.get(instrument.pk, Decimal("0.0"))
        if instrument.annual_hours < LOW_USE_HOURS:
            instruments.setdefault(instrument.unit_id, []).append(instrument)
    return [
        {"latest": latest, "previous": previous, "instruments": instruments.get(latest.unit_id, [])}
        for latest, previous in sorted(pairs, key=lambda pair: pair[0].unit.name)
    ]
