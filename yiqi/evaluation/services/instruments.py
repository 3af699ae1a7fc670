"""Instrument level: instruments ranked by the year's machine-hours (verified where telemetry checked them, as the
round scores units), external-service hours and sharing rate, compared with their class across the province; and
the long-idle list (no use in the last ``YIQI_EVALUATION_IDLE_MONTHS`` months). Each list is one annotated query
over the units the visitor may see (``usage.totals.units_for``): the authority all, a department its units, unit
staff their own."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, FloatField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.organizations.models import Department
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.usage.models import UsageRecord
from yiqi.usage.totals import sees_usage_totals, units_for

from .figures import bounds

HOURS = DecimalField(max_digits=14, decimal_places=2)
# Orderings the ranking offers; each is an annotation of ``ranked``.
ORDERS = ("scored_hours", "hours", "verified", "external", "sharing_rate")


def may_see(access: Access) -> bool:
    return sees_usage_totals(access)


def _base(access: Access, filters: dict) -> QuerySet[Instrument]:
    """Published, not scrapped instruments of the visible units, narrowed by the page's filters."""
    rows = Instrument.objects.filter(
        unit__in=units_for(access).order_by().values("pk"),
        registration_status=RegistrationStatus.PUBLISHED,
    ).exclude(operating_status=Instrument.OperatingStatus.SCRAPPED)
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("department"):
        rows = rows.filter(unit__supervising_department=filters["department"])
    if filters.get("category"):
        rows = rows.filter(category__code__startswith=filters["category"].code[:2])
    if filters.get("min_value") is not None:
        rows = rows.filter(original_value__gte=filters["min_value"])
    if filters.get("max_value") is not None:
        rows = rows.filter(original_value__lte=filters["max_value"])
    return rows.select_related("unit", "category")


def _in_year(year: int) -> Q:
    since, until = bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return Q(usage_records__started_at__gte=since, usage_records__started_at__lt=until)


def ranked(access: Access, *, year: int, order: str = "scored_hours", **filters) -> QuerySet[Instrument]:
    """The instruments with the year's declared hours, verified hours (None where telemetry checked nothing), the
    hours the round would score (verified, else declared), external-service hours and sharing rate, best first."""
    period = _in_year(year)
    zero = Value(Decimal("0"), output_field=HOURS)
    rows = _base(access, filters).annotate(
        hours=Coalesce(Sum("usage_records__machine_hours", filter=period), zero, output_field=HOURS),
        external=Coalesce(
            Sum("usage_records__machine_hours", filter=period & Q(usage_records__is_external=True)),
            zero,
            output_field=HOURS,
        ),
        verified=Sum("usage_records__verified_hours", filter=period),
    )
    rows = rows.annotate(
        scored_hours=Coalesce(F("verified"), F("hours"), output_field=HOURS),
        sharing_rate=Cast(F("external"), FloatField()) / NullIf(Cast(F("hours"), FloatField()), 0.0),
    )
    order = order if order in ORDERS else ORDERS[0]
    return rows.order_by(F(order).desc(nulls_last=True), "-original_value", "pk")


def class_averages(year: int, category_codes) -> dict[str, Decimal]:
    """Across the province: declared machine-hours per published instrument of each class (the first two digits of
    the classification code), for the classes in ``category_codes`` (two queries, whatever their number)."""
    classes = {code[:2] for code in category_codes}
    if not classes:
        return {}
    since, until = bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    published = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).exclude(
        operating_status=Instrument.OperatingStatus.SCRAPPED
    )
    in_class = Q()
    for prefix in classes:
        in_class |= Q(category__code__startswith=prefix)
    counts: dict[str, int] = {}
    for code, n in published.filter(in_class).values_list("category_id").annotate(n=Count("pk")):
        counts[code[:2]] = counts.get(code[:2], 0) + n
    hours: dict[str, Decimal] = {}
    for code, total in (
        UsageRecord.objects.filter(
            started_at__gte=since,
            started_at__lt=until,
            instrument__in=published.filter(in_class).values("pk"),
        )
        .values_list("instrument__category_id")
        .annotate(total=Sum("machine_hours"))
    ):
        hours[code[:2]] = hours.get(code[:2], Decimal(0)) + (total or Decimal(0))
    return {
        prefix: (hours.get(prefix, Decimal(0)) / counts[prefix]).quantize(Decimal("0.1"))
        for prefix in classes
        if counts.get(prefix)
    }


def idle_months() -> int:
    return settings.YIQI_EVALUATION_IDLE_MONTHS


def idle_since(months: int | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """The instant ``months`` months (the setting by default) before ``now``, same day of the month or its last."""
    months = idle_months() if months is None else months
    now = timezone.localtime(now)
    month_index = now.year * 12 + now.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def long_idle(access: Access, *, months: int | None = None, **filters) -> QuerySet[Instrument]:
    """Instruments in use since before the window with no use in it: no usage record started since then, other
    than records telemetry found the instrument did not run for (verified 0 h). Longest idle first."""
    since = idle_since(months)
    used = Q(usage_records__verified_hours__isnull=True) | Q(usage_records__verified_hours__gt=0)
    return (
        _base(access, filters)
        .filter(
            Q(start_of_use_date__lte=since.date())
            | Q(start_of_use_date__isnull=True, acceptance_date__lte=since.date())
        )
        .annotate(last_used=Max("usage_records__started_at", filter=used))
        .filter(Q(last_used__lt=since) | Q(last_used__isnull=True))
        .order_by(F("last_used").asc(nulls_first=True), "-original_value", "pk")
    )


def choices(access: Access) -> tuple[QuerySet, QuerySet | None]:
    """The units and departments the filters offer: what the visitor oversees (no department filter for staff)."""
    if access.is_platform_admin or access.is_evaluator:
        departments = Department.objects.order_by("name")
    elif access.department_ids:
        departments = Department.objects.filter(pk__in=access.department_ids).order_by("name")
    else:
        departments = None
    return units_for(access), departments


def ranking_rows(page, year: int) -> list[dict]:
    """One page of ``ranked`` with each instrument's hours beside its class's province average."""
    averages = class_averages(year, [row.category_id for row in page])
    rows = []
    for instrument in page:
        average = averages.get(instrument.category_id[:2])
        rows.append(
            {
                "instrument": instrument,
                "class_average": average,
                "of_average": None
                if not average
                else (instrument.scored_hours / average * 100).quantize(Decimal(1)),
                "sharing_percent": None
                if instrument.sharing_rate is None
                else Decimal(str(instrument.sharing_rate * 100)).quantize(Decimal("0.1")),
            }
        )
    return rows
