"""Promises about single instruments, checked for a period: the instrument is shared at least as openly as promised
(``external`` > ``internal`` > ``not_shared``) and its external machine-hours, scaled to a year from the day it came
into use (or the period's start), reach the hours offered. Declared hours come from the usage records, verified ones
from telemetry where the instrument has it. One query per source for any number of units."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum

from yiqi.core.queries import among
from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord

from ..signals import Obligation, obligations_wanted

OPENNESS = {
    Instrument.SharingMode.NOT_SHARED: 0,
    Instrument.SharingMode.INTERNAL: 1,
    Instrument.SharingMode.EXTERNAL: 2,
}


def obligations_of(unit_ids) -> dict[int, Obligation]:
    """Every obligation the layers above record for the units' instruments, by instrument."""
    answers = obligations_wanted.send(sender=Obligation, unit_ids=list(unit_ids))
    return {o.instrument_id: o for _receiver, found in answers for o in (found or ())}


def check(unit_ids, start: dt.date, end: dt.date, *, in_period) -> dict[int, dict]:
    """Per unit with obligations in force in the period: ``{"due", "met", "met_verified", "monitored",
    "failed": [...]}``. ``in_period``: the usage records' period filter (figures' own)."""
    promised = obligations_of(unit_ids)
    if not promised:
        return {}
    instruments = Instrument.objects.filter(pk__in=promised, unit_id__in=among(unit_ids)).exclude(
        operating_status=Instrument.OperatingStatus.SCRAPPED
    )
    hours = {
        row["instrument_id"]: row
        for row in UsageRecord.objects.filter(in_period, instrument_id__in=promised, is_external=True)
        .values("instrument_id")
        .annotate(
            declared=Sum("machine_hours"), verified=Sum("verified_hours"), checked=Count("verified_hours")
        )
    }
    result: dict[int, dict] = {}
    for instrument in instruments.only(
        "pk", "unit_id", "sharing_mode", "acceptance_date", "start_of_use_date"
    ):
        since = max(start, instrument.start_of_use_date or instrument.acceptance_date or start)
        if since > end:
            continue  # not in use yet: nothing was due
        promise, used = promised[instrument.pk], hours.get(instrument.pk, {})
        year_share = Decimal(365) / Decimal((end - since).days + 1)
        declared = (Decimal(used.get("declared") or 0) * year_share).quantize(Decimal("0.1"))
        monitored = bool(used.get("checked"))
        verified = (Decimal(used.get("verified") or 0) * year_share).quantize(Decimal("0.1"))
        open_enough = OPENNESS.get(instrument.sharing_mode, 0) >= OPENNESS.get(promise.sharing_mode, 0)
        row = result.setdefault(
            instrument.unit_id, {"due": 0, "met": 0, "met_verified": 0, "monitored": False, "failed": []}
        )
        row["due"] += 1
        row["monitored"] |= monitored
        reasons = [] if open_enough else ["sharing_mode"]
        if declared < promise.hours_offered:
            reasons.append("hours")
        row["met"] += not reasons
        row["met_verified"] += open_enough and (verified if monitored else declared) >= promise.hours_offered
        if reasons:
            row["failed"].append(
                {
                    "instrument": instrument.pk,
                    "reference": promise.reference,
                    "reasons": reasons,
                    "sharing_mode": instrument.sharing_mode,
                    "promised_sharing_mode": promise.sharing_mode,
                    "external_hours": str(declared),
                    "hours_offered": promise.hours_offered,
                }
            )
    return result


def instruments_behind(unit_id: int):
    """The unit's instruments under an obligation (the rows behind the figure)."""
    return Instrument.objects.filter(unit_id=unit_id, pk__in=list(obligations_of([unit_id])))
