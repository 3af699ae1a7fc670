"""What the platform pre-fills a census return with: each instrument's line from the registry (and why it is in
the census: the value line), the unit's other S&T resources, and the year's figures from usage and telemetry."""

from decimal import Decimal

from django.db.models import Count, QuerySet

from yiqi.monitoring.rollup import yearly_hours
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.resources.models import RequestStatus, ResourceRequest
from yiqi.resources.services import unit_resources
from yiqi.usage.totals import period, usage_totals

from .models import LINE_FIELDS, RESOURCE_LINE_FIELDS, CensusLine, CensusResourceLine, CensusReturn, LineScope

ZERO = Decimal("0.00")
HOUR_PLACES = Decimal("0.01")


def _location(instrument: Instrument) -> str:
    return " ".join(part for part in (instrument.campus, instrument.building, instrument.room) if part)[:150]


def scope_for(value: Decimal, threshold: Decimal) -> str:
    """An instrument at or above the value line is in the census by rule; below it, only as the unit declares."""
    return LineScope.MANDATORY if value >= threshold else LineScope.VOLUNTARY


def line_for(census_return: CensusReturn, instrument: Instrument, scope: str) -> CensusLine:
    """A line pre-filled from the registry record (``prefilled`` keeps the platform's values)."""
    line = CensusLine(
        census_return=census_return,
        instrument=instrument,
        scope=scope,
        category_id=instrument.category_id,
        name=instrument.name,
        sharing_mode=instrument.sharing_mode,
        operating_status=instrument.operating_status,
        original_value=instrument.original_value,
        location=_location(instrument),
        contact_name=instrument.contact_name,
    )
    line.prefilled = {name: str(getattr(line, name)) for name in LINE_FIELDS}
    return line


def census_instruments(unit_ids) -> QuerySet[Instrument]:
    """The instruments a census lists: every published record of the units that is not scrapped — at or above
    the value line by rule, below it because the unit registered it voluntarily (Guangxi §20–21)."""
    return Instrument.objects.filter(
        unit_id__in=unit_ids, registration_status=RegistrationStatus.PUBLISHED
    ).exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)


def unit_figures(year: int, units: QuerySet[Organization], instruments: list[Instrument]) -> dict[int, dict]:
    """Each unit's pre-filled figures: hours, services and income from usage records, operating hours from
    telemetry where an instrument is monitored (else its usage hours)."""
    start, end = period(year)
    figures = {
        row.key: {
            "machine_hours": row.machine_hours,
            "external_hours": row.external_hours,
            "services": row.records,
            "income": row.fees,
            "operating_hours": ZERO,
        }
        for row in usage_totals("unit", start=start, end=end, scope_queryset=units)
    }
    hours = yearly_hours([instrument.pk for instrument in instruments], year)
    for instrument in instruments:
        unit = figures.setdefault(
            instrument.unit_id,
            {
                "machine_hours": ZERO,
                "external_hours": ZERO,
                "services": 0,
                "income": ZERO,
                "operating_hours": ZERO,
            },
        )
        unit["operating_hours"] += Decimal(hours[instrument.pk][0])
    for unit in figures.values():
        for name in ("operating_hours", "machine_hours", "external_hours"):
            unit[name] = Decimal(unit[name]).quantize(HOUR_PLACES)
    return figures


def resource_lines(year: int, returns: list[CensusReturn]) -> list[CensusResourceLine]:
    """Each unit's other S&T resources, pre-filled with what the platform knows: their access level, their
    scale, and the requests delivered in the year as their services."""
    start, end = period(year)
    lines = []
    for census_return in returns:
        resources = list(unit_resources(census_return.unit_id).order_by("kind", "name", "pk"))
        delivered = dict(
            ResourceRequest.objects.filter(
                resource__in=[r.pk for r in resources],
                status=RequestStatus.DELIVERED,
                delivered_at__gte=start,
                delivered_at__lt=end,
            )
            .values("resource_id")
            .annotate(n=Count("id"))
            .values_list("resource_id", "n")
        )
        for resource in resources:
            line = CensusResourceLine(
                census_return=census_return,
                resource=resource,
                kind=resource.kind,
                name=resource.name[:200],
                access_level=resource.access_level,
                location=(resource.landing_url or resource.collection)[:200],
                scale=(resource.data_size or (str(resource.item_count) if resource.item_count else ""))[:50],
                services=delivered.get(resource.pk, 0),
            )
            line.prefilled = {name: str(getattr(line, name)) for name in RESOURCE_LINE_FIELDS}
            lines.append(line)
    return lines
