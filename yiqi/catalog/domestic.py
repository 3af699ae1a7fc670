"""Domestic instruments (国产科学仪器): the public showcase with each instrument's use figures and ratings, and the
domestic share by class, value and hours that the authority follows across the province and a department across
its units.

Made in China is read from the registry's country of origin (``DOMESTIC_COUNTRY``), never stored twice; the
registry's two flags say whether it is an original design or has its core parts replaced with domestic ones.
Every figure is a grouped query, so a page costs the same number of queries whatever its rows.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.core.money import to_fen
from yiqi.feedback.models import Rating
from yiqi.organizations.models import Organization
from yiqi.registry.models import DOMESTIC_COUNTRY, Instrument, InstrumentCategory, RegistrationStatus
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord
from yiqi.usage.totals import period

from .cache import DOMESTIC_KINDS

SHOWCASE_PAGE_SIZE = 24
USE_WINDOW_DAYS = 365  # the showcase's use figures: the last twelve months
FLAG_FIELDS = {"original": "domestic_original", "core_parts": "domestic_core_parts"}
FLAG_CHOICES = [(k, label) for k, label in DOMESTIC_KINDS if k in FLAG_FIELDS]
MADE_IN_CHINA = Q(country_of_origin=DOMESTIC_COUNTRY)
ONE_DECIMAL = Decimal("0.1")


def published_domestic() -> QuerySet[Instrument]:
    return Instrument.objects.filter(MADE_IN_CHINA, registration_status=RegistrationStatus.PUBLISHED)


# --- the showcase -----------------------------------------------------------------------------------------------


@dataclass
class UseFigures:
    machine_hours: Decimal = Decimal("0.00")
    verified_hours: Decimal | None = None  # None: no monitored use in the window
    services: int = 0
    ratings: int = 0
    rating: Decimal | None = None  # average overall score to one decimal


class ShowcaseItem(NamedTuple):
    instrument: Instrument
    use: UseFigures


def use_figures(instrument_ids: list[int], now: dt.datetime | None = None) -> dict[int, UseFigures]:
    """Each instrument's hours and completed services of the last twelve months and its ratings: three grouped
    queries, whatever the number of instruments."""
    since = (now or timezone.now()) - dt.timedelta(days=USE_WINDOW_DAYS)
    figures = {pk: UseFigures() for pk in instrument_ids}
    hours = (
        UsageRecord.objects.filter(instrument_id__in=instrument_ids, started_at__gte=since)
        .order_by()
        .values("instrument_id")
        .annotate(machine=Sum("machine_hours"), verified=Sum("verified_hours"))
    )
    for row in hours:
        figure = figures[row["instrument_id"]]
        figure.machine_hours = to_fen(row["machine"] or 0)
        figure.verified_hours = None if row["verified"] is None else to_fen(row["verified"])
    services = (
        ServiceRecord.objects.filter(
            instrument_id__in=instrument_ids, status=ServiceStatus.COMPLETED, completed_at__gte=since
        )
        .order_by()
        .values_list("instrument_id")
        .annotate(n=Count("id"))
    )
    for pk, count in services:
        figures[pk].services = count
    ratings = (
        Rating.objects.filter(instrument_id__in=instrument_ids)
        .order_by()
        .values_list("instrument_id")
        .annotate(n=Count("id"), total=Sum("overall"))
    )
    for pk, count, total in ratings:
        figures[pk].ratings = count
        figures[pk].rating = (Decimal(total) / count).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return figures


def showcase(*, kind: str = "", top_class: str = "", page=1) -> dict:
    """One page of published domestic instruments, original designs and core-part substitutes first, with their
    use figures; ``kind`` narrows to ``original`` or ``core_parts``, ``top_class`` to a class (two digits)."""
    instruments = published_domestic().select_related("unit", "category")
    if kind in FLAG_FIELDS:
        instruments = instruments.filter(**{FLAG_FIELDS[kind]: True})
    if len(top_class) == 2 and top_class.isascii() and top_class.isdigit():
        instruments = instruments.filter(category__code__startswith=top_class)
    instruments = instruments.order_by("-domestic_original", "-domestic_core_parts", "-original_value", "pk")
    page_obj = Paginator(instruments, SHOWCASE_PAGE_SIZE).get_page(page)
    figures = use_figures([i.pk for i in page_obj])
    counts = published_domestic().aggregate(
        instruments=Count("id"),
        original=Count("id", filter=Q(domestic_original=True)),
        core_parts=Count("id", filter=Q(domestic_core_parts=True)),
    )
    return {
        "page_obj": page_obj,
        "items": [ShowcaseItem(instrument, figures[instrument.pk]) for instrument in page_obj],
        "counts": counts,
    }


def top_classes() -> list[tuple[str, str]]:
    """(two-digit code, name) of the national classification's top classes."""
    return [
        (code[:2], name)
        for code, name in InstrumentCategory.objects.filter(parent__isnull=True)
        .order_by("code")
        .values_list("code", "name")
    ]


# --- the domestic share -----------------------------------------------------------------------------------------


def share_units(access: Access) -> QuerySet[Organization] | None:
    """The units whose instruments the share counts: every unit for the authority (platform administrators and
    evaluators), the supervised units of a department; None for anyone else."""
    units = Organization.objects.management_units()
    if access.is_platform_admin or access.is_evaluator:
        return units
    if access.department_ids:
        return units.filter(supervising_department_id__in=access.department_ids)
    return None


def sees_domestic_share(access: Access) -> bool:
    return share_units(access) is not None


def _percent(part, whole) -> Decimal | None:
    return (
        (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
        if whole
        else None
    )


@dataclass
class ShareRow:
    code: str  # two-digit top class; "" for the total
    label: str
    instruments: int = 0
    domestic_instruments: int = 0
    value: Decimal = Decimal("0.00")
    domestic_value: Decimal = Decimal("0.00")
    hours: Decimal = Decimal("0.00")
    domestic_hours: Decimal = Decimal("0.00")
    shares: dict = field(default_factory=dict)

    def add(self, other: "ShareRow") -> None:
        for name in (
            "instruments",
            "domestic_instruments",
            "value",
            "domestic_value",
            "hours",
            "domestic_hours",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def finish(self) -> "ShareRow":
        self.shares = {
            "instruments": _percent(self.domestic_instruments, self.instruments),
            "value": _percent(self.domestic_value, self.value),
            "hours": _percent(self.domestic_hours, self.hours),
        }
        return self


def domestic_share(units: QuerySet[Organization], year: int) -> dict:
    """Per top class and in total: published instruments, their original value and the year's machine-hours,
    each with the domestic part and its share in percent (two grouped queries)."""
    unit_ids = units.order_by().values("pk")
    made_in_china = Count("id", filter=MADE_IN_CHINA)
    instruments = (
        Instrument.objects.filter(unit__in=unit_ids, registration_status=RegistrationStatus.PUBLISHED)
        .order_by()
        .annotate(top=Substr("category_id", 1, 2))
        .values("top")
        .annotate(
            n=Count("id"),
            domestic=made_in_china,
            value=Sum("original_value"),
            domestic_value=Sum("original_value", filter=MADE_IN_CHINA),
        )
    )
    start, end = period(year)
    hours = (
        UsageRecord.objects.filter(unit__in=unit_ids, started_at__gte=start, started_at__lt=end)
        .order_by()
        .annotate(top=Substr("instrument__category_id", 1, 2))
        .values("top")
        .annotate(
            hours=Sum("machine_hours"),
            domestic_hours=Sum("machine_hours", filter=Q(instrument__country_of_origin=DOMESTIC_COUNTRY)),
        )
    )
    labels = dict(top_classes())
    rows: dict[str, ShareRow] = {}
    for row in instruments:
        share = rows.setdefault(row["top"], ShareRow(row["top"], labels.get(row["top"], row["top"])))
        share.instruments, share.domestic_instruments = row["n"], row["domestic"]
        share.value, share.domestic_value = to_fen(row["value"] or 0), to_fen(row["domestic_value"] or 0)
    for row in hours:
        share = rows.setdefault(row["top"], ShareRow(row["top"], labels.get(row["top"], row["top"])))
        share.hours, share.domestic_hours = to_fen(row["hours"] or 0), to_fen(row["domestic_hours"] or 0)
    total = ShareRow("", "")
    for row in rows.values():
        total.add(row)
    return {
        "year": year,
        "rows": [rows[code].finish() for code in sorted(rows)],
        "total": total.finish(),
    }
