"""Computed figures for a period and a set of units, each one aggregate query per source (never a loop over
instruments). Hours figures keep the declared value (usage records) and the verified one (telemetry) and flag a
gap above ``YIQI_EVALUATION_GAP_SHARE``. ``rows_behind`` gives the records a figure was computed from."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.census.models import CensusLine
from yiqi.census.services import frozen_figures
from yiqi.core.queries import among
from yiqi.feedback.models import Complaint, Rating
from yiqi.monitoring.models import Device
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.usage import stored_totals
from yiqi.usage.models import UsageRecord

from . import obligations, results_of_use

FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Figure:
    name: str
    label: object
    source: str  # which records are behind it: instruments, usage, ratings, complaints, devices, census,
    # obligations, outcomes


# The registry of formulas a scheme's computed indicators may name.
FIGURES = {
    f.name: f
    for f in (
        Figure("open_rate", _("开放率（按原值）"), "instruments"),
        Figure("effective_hours", _("年均有效机时（小时/台）"), "usage"),
        Figure("external_hours", _("年均对外服务机时（小时/台）"), "usage"),
        Figure("sharing_rate", _("共享率（对外服务机时÷运行机时）"), "usage"),
        Figure("bookable_share", _("可在线预约仪器占比"), "instruments"),
        Figure("rating_average", _("用户评价均分"), "ratings"),
        Figure("rating_count", _("用户评价数"), "ratings"),
        Figure("complaints", _("期内成立投诉数"), "complaints"),
        Figure("monitoring_coverage", _("远程监测覆盖率"), "devices"),
        Figure("verified_share", _("监测核验机时占比"), "usage"),
        Figure("census_hours", _("年度普查填报年均有效机时（小时/台）"), "census"),
        Figure("census_sharing_rate", _("年度普查填报共享率"), "census"),
        Figure("obligations_met_rate", _("购置评议开放承诺履行率"), "obligations"),
        *(Figure(name, label, "outcomes") for name, label in results_of_use.LABELS.items()),
    )
}


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and last dates, inclusive, as instants in the deployment's time zone."""
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(FOUR)


def _in_period(start, end) -> Q:
    since, until = bounds(start, end)
    return Q(started_at__gte=since, started_at__lt=until)


def compute(unit_ids, start: dt.date, end: dt.date, *, threshold: Decimal) -> dict[int, dict]:
    """Every figure for every unit: ``{unit_id: {name: {"declared": v, "verified": v|None, "gap": bool}}}``."""
    unit_ids = list(unit_ids)
    units = among(unit_ids)
    year_share = Decimal(365) / Decimal((end - start).days + 1)  # scales the period to a year
    shareable = Q(original_value__gte=threshold) & ~Q(operating_status=Instrument.OperatingStatus.SCRAPPED)
    published = Q(registration_status=RegistrationStatus.PUBLISHED)
    instruments = {
        row["unit_id"]: row
        for row in Instrument.objects.filter(unit_id__in=units)
        .values("unit_id")
        .annotate(
            shareable_value=Sum("original_value", filter=shareable),
            open_value=Sum(
                "original_value",
                filter=shareable & published & ~Q(sharing_mode=Instrument.SharingMode.NOT_SHARED),
            ),
            published=Count("id", filter=published),
            bookable=Count("id", filter=published & Q(service_settings__bookings_open=True)),
        )
    }
    monitored = dict(
        Device.objects.filter(
            unit_id__in=units,
            revoked_at__isnull=True,
            instrument__registration_status=RegistrationStatus.PUBLISHED,
        )
        .values("unit_id")
        .annotate(n=Count("instrument_id", distinct=True))
        .values_list("unit_id", "n")
    )
    since, until = bounds(start, end)
    usage = stored_totals.period_sums(unit_ids, since, until)
    ratings = {
        row["unit_id"]: row
        for row in Rating.objects.filter(unit_id__in=units, created_at__gte=since, created_at__lt=until)
        .values("unit_id")
        .annotate(average=Avg("overall"), n=Count("pk"))
    }
    complaints = dict(
        # Only complaints found upheld when resolved count against a unit.
        Complaint.objects.filter(unit_id__in=units, created_at__gte=since, created_at__lt=until, upheld=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    # A period within one year reads that year's closed census, as the units confirmed it (none: no figure).
    census = frozen_figures(start.year) if start.year == end.year else {}
    gap_share = Decimal(str(settings.YIQI_EVALUATION_GAP_SHARE))
    promises = obligations.check(unit_ids, start, end, in_period=_in_period(start, end))
    results = results_of_use.figures(unit_ids, start, end)
    result = {}
    for unit_id in unit_ids:
        inst, use = instruments.get(unit_id, {}), usage.get(unit_id, {})
        count = inst.get("published") or 0
        checked_hours, verified = use.get("checked_hours"), use.get("verified_hours")
        gap = bool(checked_hours) and (checked_hours - (verified or 0)) > checked_hours * gap_share
        monitored_any = bool(use.get("checked_records"))

        def per_instrument(hours, count=count):
            return None if not count else (Decimal(hours or 0) * year_share / count).quantize(Decimal("0.1"))

        rating = ratings.get(unit_id, {})
        average = rating.get("average")
        result[unit_id] = {
            "open_rate": _figure(_ratio(inst.get("open_value"), inst.get("shareable_value"))),
            "effective_hours": _figure(
                per_instrument(use.get("machine_hours")),
                per_instrument(verified) if monitored_any else None,
                gap,
            ),
            "external_hours": _figure(
                per_instrument(use.get("external_hours")),
                per_instrument(use.get("verified_external_hours")) if monitored_any else None,
                gap,
            ),
            "sharing_rate": _figure(
                _ratio(use.get("external_hours"), use.get("machine_hours")),
                _ratio(use.get("verified_external_hours"), verified) if monitored_any else None,
                gap,
            ),
            "bookable_share": _figure(_ratio(inst.get("bookable"), count)),
            "rating_average": _figure(
                None if average is None else Decimal(str(average)).quantize(Decimal("0.01"))
            ),
            "rating_count": _figure(rating.get("n", 0)),
            "complaints": _figure(complaints.get(unit_id, 0)),
            "monitoring_coverage": _figure(_ratio(monitored.get(unit_id, 0), count)),
            "verified_share": _figure(
                None
                if not use.get("machine_hours")
                else min(_ratio(verified, use["machine_hours"]), Decimal(1)),
                gap=gap,
            ),
            **_census_figures(census.get(unit_id)),
            "obligations_met_rate": _obligations_figure(promises.get(unit_id)),
            **{name: _figure(n) for name, n in results[unit_id].items()},
        }
    return result


def _obligations_figure(promised) -> dict:
    """Share of the instruments bought through review that kept their opening plan; the failed ones are listed."""
    if promised is None:
        return _figure(None)
    verified = _ratio(promised["met_verified"], promised["due"]) if promised["monitored"] else None
    return {**_figure(_ratio(promised["met"], promised["due"]), verified), "failed": promised["failed"]}


def _census_figures(snapshot) -> dict:
    if snapshot is None:
        return {"census_hours": _figure(None), "census_sharing_rate": _figure(None)}
    hours = _ratio(snapshot.machine_hours, snapshot.instruments)
    return {
        "census_hours": _figure(None if hours is None else hours.quantize(Decimal("0.1"))),
        "census_sharing_rate": _figure(_ratio(snapshot.external_hours, snapshot.machine_hours)),
    }


def _figure(declared, verified=None, gap=False) -> dict:
    """Stored as JSON: Decimals as strings so nothing is lost to floats."""
    return {
        "declared": None if declared is None else str(declared),
        "verified": None if verified is None else str(verified),
        "gap": bool(gap),
    }


def rows_behind(name: str, unit_id: int, start: dt.date, end: dt.date, *, threshold: Decimal) -> QuerySet:
    """The records figure ``name`` of one unit was computed from, for the unit to check row by row."""
    source = FIGURES[name].source
    since, until = bounds(start, end)
    if source == "usage":
        return UsageRecord.objects.filter(_in_period(start, end), unit_id=unit_id).select_related(
            "instrument"
        )
    if source == "ratings":
        return Rating.objects.filter(unit_id=unit_id, created_at__gte=since, created_at__lt=until)
    if source == "complaints":
        return Complaint.objects.filter(
            unit_id=unit_id, created_at__gte=since, created_at__lt=until, upheld=True
        )
    if source == "obligations":
        return obligations.instruments_behind(unit_id)
    if source == "outcomes":
        return results_of_use.rows(name, unit_id, start, end)
    if source == "census":
        return CensusLine.objects.filter(
            census_return__census__year=start.year, census_return__unit_id=unit_id
        ).select_related("instrument")
    instruments = Instrument.objects.filter(unit_id=unit_id)
    if name == "open_rate":
        return instruments.filter(original_value__gte=threshold).exclude(
            operating_status=Instrument.OperatingStatus.SCRAPPED
        )
    return instruments.filter(registration_status=RegistrationStatus.PUBLISHED)
