"""Machine-hours, external-service hours and sharing rates per instrument, unit, department and region.

Effective machine-hours are the hours of every usage record; external-service hours those of records for users
from outside the owning unit; the sharing rate is external-service hours / machine-hours. A record counts in the
period in which it started, in Asia/Shanghai time.

Speed (2,000,000 records, see ``bench/usage_totals.py``): every total is one GROUP BY query over the records of
``unit_id IN (units) AND started_at in [start, end)``, answered from the covering index
``usage_totals_covering_idx`` (unit, started_at, instrument, is_external, machine_hours, sample_count, fee).
Written with the ``IN`` on units, SQLite reads each unit's period as one ordered range of that index, never
touching the table and never sorting; PostgreSQL plans it from its statistics. Departments and regions are
rolled up from the per-unit rows (a few hundred) instead of grouping the records by a column of the joined unit
table, which would sort every record.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core import codes
from yiqi.core.memo import remembered
from yiqi.core.money import to_fen
from yiqi.organizations.models import Department, Organization, Region
from yiqi.registry.models import Instrument

from .models import UsageRecord

GROUPINGS = ("instrument", "unit", "department", "region")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")


def sharing_rate(external_hours: Decimal, machine_hours: Decimal) -> Decimal | None:
    """External-service hours / machine-hours to four places; None when the instrument did not run."""
    if not machine_hours:
        return None
    return (external_hours / machine_hours).quantize(RATE_PLACES)


@dataclass
class Totals:
    """One row of totals. ``key`` is the instrument, unit or department id, or the region code."""

    key: int | str | None
    label: str
    machine_hours: Decimal = ZERO
    external_hours: Decimal = ZERO
    records: int = 0
    samples: int = 0
    fees: Decimal = ZERO
    level: int | None = None  # regions only: 1 province, 2 city

    @property
    def internal_hours(self) -> Decimal:
        return self.machine_hours - self.external_hours

    @property
    def sharing_rate(self) -> Decimal | None:
        return sharing_rate(self.external_hours, self.machine_hours)

    @property
    def sharing_percent(self) -> Decimal | None:
        rate = self.sharing_rate
        return None if rate is None else (rate * 100).quantize(Decimal("0.01"))

    def add(self, other: "Totals") -> "Totals":
        self.machine_hours += other.machine_hours
        self.external_hours += other.external_hours
        self.records += other.records
        self.samples += other.samples
        self.fees += other.fees
        return self


@dataclass(frozen=True)
class AnnualHours:
    machine_hours: Decimal
    external_hours: Decimal


# --- periods ----------------------------------------------------------------------------------------------------


FIRST_YEAR, LAST_YEAR = 2000, 2100


def validate_period_date(value: dt.date) -> None:
    """Period bounds stay within years the platform can hold (and far from the calendar's edges)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("日期须在 %(first)d 年至 %(last)d 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )


def moment(value: dt.date | dt.datetime) -> dt.datetime:
    """A date means its local midnight; naive times are local (Asia/Shanghai) time."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def period(year: int, first_month: int = 1, last_month: int = 12) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the months ``first_month``..``last_month`` of ``year``, local time."""
    end = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return moment(dt.date(year, first_month, 1)), moment(end)


def month_starts(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The first days of the local months that [start, end) touches."""
    first, last = (
        timezone.localtime(start).date(),
        timezone.localtime(end - dt.timedelta(microseconds=1)).date(),
    )
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


# --- scope ------------------------------------------------------------------------------------------------------


def units_for(access: Access) -> QuerySet[Organization]:
    """The management units whose totals the user may see: their own units as staff, the supervised units of
    their departments, every unit for the platform admin and evaluators."""
    units = Organization.objects.management_units()
    if access.is_platform_admin or access.is_evaluator:
        return units
    return units.filter(
        Q(pk__in=access.staff_unit_ids) | Q(supervising_department_id__in=access.department_ids)
    )


def sees_usage_totals(access: Access) -> bool:
    """Whether the user has any unit's statistics to see (the dashboard and the totals API)."""
    return (
        access.is_platform_admin
        or access.is_evaluator
        or remembered(("sees_usage_totals", access.user_id), units_for(access).exists)
    )


# --- the queries ------------------------------------------------------------------------------------------------


def _sums() -> dict:
    return {
        "total_hours": Sum("machine_hours"),
        "external_hours": Sum("machine_hours", filter=Q(is_external=True)),
        "records": Count("*"),
        "samples": Sum("sample_count"),
        "fees": Sum("fee"),
    }


def _records(start, end, units: QuerySet[Organization] | None) -> QuerySet[UsageRecord]:
    units = Organization.objects.management_units() if units is None else units
    return UsageRecord.objects.filter(
        unit__in=units.order_by().values("pk"), started_at__gte=moment(start), started_at__lt=moment(end)
    ).order_by()


def _totals(key, label: str, sums: dict, level: int | None = None) -> Totals:
    # SQLite returns sums of decimals as floats: back to fen.
    return Totals(
        key=key,
        label=label,
        machine_hours=to_fen(sums["total_hours"] or 0),
        external_hours=to_fen(sums["external_hours"] or 0),
        records=sums["records"] or 0,
        samples=sums["samples"] or 0,
        fees=to_fen(sums["fees"] or 0),
        level=level,
    )


def _by_hours(rows) -> list[Totals]:
    return sorted(rows, key=lambda row: (-row.machine_hours, row.label, str(row.key)))


def usage_totals(
    group_by: str, *, start: dt.date | dt.datetime, end: dt.date | dt.datetime, scope_queryset=None
) -> list[Totals]:
    """Totals of the records started in [start, end) per instrument, unit, department or region.

    ``scope_queryset``: the management units (an ``Organization`` queryset, e.g. ``units_for(access)``) whose
    records count; all units by default. Rows come most machine-hours first; ``"region"`` gives a row per
    province (level 1) and per city (level 2, from the first four digits of the unit's region code), province
    first, each followed by its cities.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {GROUPINGS}")
    records = _records(start, end, scope_queryset)
    if group_by == "instrument":
        sums = list(records.values("instrument_id").annotate(**_sums()))
        labels = _instrument_labels(scope_queryset, [row["instrument_id"] for row in sums])
        return _by_hours(_totals(row["instrument_id"], labels[row["instrument_id"]], row) for row in sums)
    # The unit's own facts come with its sums (one grouped read): they depend on the unit alone.
    facts = ("unit_id", "unit__name", "unit__supervising_department_id", "unit__region_id")
    grouped = list(records.values(*facts).annotate(**_sums()))
    per_unit = {row["unit_id"]: row for row in grouped}
    units = [tuple(row[fact] for fact in facts) for row in grouped]
    if group_by == "unit":
        return _by_hours(_totals(pk, name, per_unit[pk]) for pk, name, _dept, _region in units)
    if group_by == "department":
        names = dict(Department.objects.filter(pk__in={u[2] for u in units}).values_list("pk", "name"))
        rows: dict = {}
        for pk, _name, department_id, _region in units:
            row = _totals(pk, "", per_unit[pk])
            rows.setdefault(department_id, Totals(department_id, names.get(department_id, ""))).add(row)
        return _by_hours(rows.values())
    return _region_rows({pk: region for pk, _name, _dept, region in units}, per_unit)


def _instrument_labels(units: QuerySet[Organization] | None, ids: list[int]) -> dict[int, str]:
    units = Organization.objects.management_units() if units is None else units
    found = Instrument.objects.filter(unit__in=units.order_by().values("pk")).values_list(
        "pk", "name", "asset_number"
    )
    labels = {pk: f"{name}（{asset}）" for pk, name, asset in found}
    # Instruments moved to a unit outside the scope after their records were written.
    moved = [pk for pk in ids if pk not in labels]
    if moved:
        found = Instrument.objects.filter(pk__in=moved).values_list("pk", "name", "asset_number")
        labels.update((pk, f"{name}（{asset}）") for pk, name, asset in found)
    return labels


def _city_code(region_code: str) -> str:
    return region_code if codes.level_of(region_code) == 1 else region_code[:4] + "00"


def _region_rows(unit_regions: dict[int, str], per_unit: dict[int, dict]) -> list[Totals]:
    rows: dict[str, Totals] = {}
    for unit_id, region_code in unit_regions.items():
        row = _totals(unit_id, "", per_unit[unit_id])
        city = _city_code(region_code)
        province = region_code[:2] + "0000"
        rows.setdefault(province, Totals(province, "", level=Region.Level.PROVINCE)).add(row)
        if city != province:
            rows.setdefault(city, Totals(city, "", level=Region.Level.CITY)).add(row)
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for code, row in rows.items():
        # Counties the province administers directly have no city above them (GB/T 2260 "…90…" codes).
        row.label = names.get(code) or _("省直辖县级行政区划")
    return sorted(rows.values(), key=lambda row: (row.key[:2], row.level, row.key))


def period_totals(start, end, scope_queryset=None) -> Totals:
    """One row for the whole scope and period."""
    return _totals(None, "", _records(start, end, scope_queryset).aggregate(**_sums()))


def monthly_totals(start, end, scope_queryset=None) -> list[tuple[dt.date, Totals]]:
    """A row per local month of [start, end), in one query: a UNION of one range aggregate per month, each read
    from the covering index like ``usage_totals`` (grouping by a computed month would sort every record)."""
    start, end = moment(start), moment(end)
    months = month_starts(start, end)
    bounds = [max(start, moment(m)) for m in months] + [end]
    parts = [
        _records(bounds[i], bounds[i + 1], scope_queryset)
        .annotate(month=Value(i))
        .values("month")
        .annotate(**_sums())
        for i in range(len(months))
    ]
    # Without GROUP BY every part yields one row, also for a month without records.
    rows = {row["month"]: row for row in parts[0].union(*parts[1:], all=True)} if parts else {}
    return [(m, _totals(m, m.strftime("%Y-%m"), rows[i])) for i, m in enumerate(months)]


def annual_hours(instrument, year: int) -> AnnualHours:
    """An instrument's operating (machine) hours and external-service hours in a calendar year, as the national
    record of large instruments asks for."""
    return annual_hours_of_years(instrument, [year])[year]


def annual_hours_of_years(instrument, years) -> dict[int, AnnualHours]:
    """``annual_hours`` of several years, from one read."""
    sums = {}
    for year in years:
        start, end = period(year)
        in_year = Q(started_at__gte=start, started_at__lt=end)
        sums[f"total_{year}"] = Sum("machine_hours", filter=in_year)
        sums[f"external_{year}"] = Sum("machine_hours", filter=in_year & Q(is_external=True))
    row = UsageRecord.objects.filter(instrument=instrument).aggregate(**sums)
    return {
        year: AnnualHours(to_fen(row[f"total_{year}"] or 0), to_fen(row[f"external_{year}"] or 0))
        for year in years
    }


def between_units(unit_ids, year: int) -> dict:
    """Services the units gave each other's people in ``year`` (an alliance's figures): count, hours, income."""
    start, end = period(year)
    row = (
        _records(start, end, Organization.objects.filter(pk__in=unit_ids))
        .filter(user_organization_id__in=unit_ids)
        .exclude(user_organization_id=F("unit_id"))
        .aggregate(services=Count("pk"), hours=Sum("machine_hours"), income=Sum("fee"))
    )
    # SQLite sums decimals as floats: back to two places.
    return {
        "services": row["services"],
        "hours": to_fen(row["hours"] or 0),
        "income": to_fen(row["income"] or 0),
    }
