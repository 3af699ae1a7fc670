"""The evidence saved with an application when it is submitted: the province's instruments that could meet the
same need (the catalogue's similarity core), each with owner, distance, sharing mode, last year's verified
machine-hours and free capacity, and the rule's draft opinion with its reasons.

The evidence is plain JSON written once; reasons are stored as codes with their figures and worded when shown,
in the reader's language.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from yiqi.catalog.similar import similar_instruments
from yiqi.monitoring.models import DailyHours
from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord
from yiqi.usage.totals import period

from .models import Opinion, PurchaseApplication, ReviewRules
from .signals import evidence_requested

MAX_SIMILAR = 20
SHAREABLE_STATUS = ("normal", "idle")


def last_year_hours(instrument_ids: list[int], year: int) -> dict[int, tuple[Decimal, str]]:
    """``id → (machine-hours, source)`` for a calendar year: telemetry's running hours where the instrument was
    monitored that year, else its usage records. Two grouped queries whatever the number of instruments."""
    telemetry = {
        row["instrument_id"]: Decimal(row["seconds"]) / 3600
        for row in DailyHours.objects.filter(
            instrument_id__in=instrument_ids, day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31)
        )
        .values("instrument_id")
        .annotate(seconds=Sum("running_seconds"))
    }
    start, end = period(year)
    records = dict(
        UsageRecord.objects.filter(
            instrument_id__in=instrument_ids, started_at__gte=start, started_at__lt=end
        )
        .values("instrument_id")
        .annotate(hours=Sum("machine_hours"))
        .values_list("instrument_id", "hours")
    )
    hours = {}
    for pk in instrument_ids:
        if pk in telemetry:
            hours[pk] = (telemetry[pk].quantize(Decimal("0.1")), "telemetry")
        else:
            hours[pk] = (Decimal(records.get(pk) or 0).quantize(Decimal("0.1")), "usage")
    return hours


def distance(applicant_unit, instrument: Instrument) -> str:
    """How far the instrument is from the applicant: its own unit, the same city, or elsewhere in the province."""
    if instrument.unit_id == applicant_unit.pk:
        return "unit"
    if (instrument.unit.region_id or "")[:4] == (applicant_unit.region_id or "")[:4]:
        return "city"
    return "province"


def draft_opinion(rows: list[dict]) -> tuple[str, list[dict]]:
    """The central rule applied to the similar instruments: recommended when none exists, or every one is
    saturated or cannot be shared; not recommended when an under-used, shareable one is in the unit or the city;
    recommended on sharing conditions when the nearest such instrument is elsewhere in the province."""
    if not rows:
        return Opinion.RECOMMEND, [{"code": "no_similar"}]
    spare = [row for row in rows if row["underused_shareable"]]
    near = [row for row in spare if row["distance"] in ("unit", "city")]
    if near:
        return Opinion.REFUSE, [{"code": "underused_nearby", "count": len(near), "names": _names(near)}]
    if spare:
        return Opinion.CONDITIONAL, [
            {"code": "underused_province", "count": len(spare), "names": _names(spare)}
        ]
    reasons = []
    saturated = [row for row in rows if row["saturated"]]
    if saturated:
        reasons.append({"code": "saturated", "count": len(saturated), "names": _names(saturated)})
    if len(saturated) < len(rows):
        reasons.append({"code": "not_shareable", "count": len(rows) - len(saturated)})
    return Opinion.RECOMMEND, reasons


def _names(rows: list[dict]) -> str:
    return "、".join(f"{row['unit']} {row['name']}" for row in rows[:3])


def build(application: PurchaseApplication, rules: ReviewRules) -> dict:
    """The evidence for ``application`` as of now (called once, on submission)."""
    year = timezone.localdate().year - 1
    region = application.unit.region_id or ""
    found = [
        s
        for s in similar_instruments(
            f"{application.name} {application.functions}",
            category_code=application.category.code,
            specifications=application.specifications,
            province=region,
            limit=MAX_SIMILAR,
        )
        if s.score >= float(rules.similarity_floor)
    ]
    instruments = Instrument.objects.select_related("unit", "category").in_bulk(
        [s.instrument_id for s in found]
    )
    hours = last_year_hours(list(instruments), year)
    line = Decimal(rules.saturation_hours)
    rows = []
    for s in found:
        instrument = instruments.get(s.instrument_id)
        if instrument is None:
            continue
        used, source = hours[instrument.pk]
        saturated = used >= line
        shareable = (
            instrument.sharing_mode == Instrument.SharingMode.EXTERNAL
            and instrument.operating_status in SHAREABLE_STATUS
        )
        rows.append(
            {
                "instrument_id": instrument.pk,
                "name": instrument.name,
                "model": instrument.model_spec,
                "category": instrument.category.code,
                "category_name": instrument.category.name,
                "unit_id": instrument.unit_id,
                "unit": instrument.unit.name,
                "distance": distance(application.unit, instrument),
                "sharing_mode": instrument.sharing_mode,
                "operating_status": instrument.operating_status,
                "hours": str(used),
                "hours_source": source,
                "free_hours": str(max(Decimal(0), line - used)),
                "saturated": saturated,
                "underused_shareable": shareable and not saturated,
                "score": s.score,
                "text_score": s.text,
                "class_score": s.klass,
                "spec_score": s.spec,
                "made_in_china": instrument.is_domestic,
                "domestic_original": instrument.domestic_original,
                "domestic_core_parts": instrument.domestic_core_parts,
            }
        )
    opinion, reasons = draft_opinion(rows)
    found_elsewhere: dict = {}
    for _receiver, answer in evidence_requested.send(sender=PurchaseApplication, application=application):
        found_elsewhere.update(answer or {})
    if found_elsewhere.get("unmet_needs"):
        reasons.append({"code": "meets_unmet_needs", "count": len(found_elsewhere["unmet_needs"])})
    return {
        **found_elsewhere,
        "year": year,
        "saturation_hours": rules.saturation_hours,
        "similarity_floor": str(rules.similarity_floor),
        "built_at": timezone.now().isoformat(),
        "similar": rows,
        "draft_opinion": opinion,
        "reasons": reasons,
        # Domestic instruments among the similar ones: the alternatives a reviewer weighs against an import.
        "domestic_alternatives": [row["instrument_id"] for row in rows if row["made_in_china"]],
    }
