"""Small helpers shared by the booking pages."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.validators import validate_near_date
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from ..forms import LOCAL_INPUT_FORMAT


def visible_instrument(request, pk: int) -> Instrument:
    """The instrument if the user may see its record (published ones for everyone), else 404."""
    return get_object_or_404(
        scoping.visible_instruments(access_for(request.user)).select_related(
            "unit", "manager", "service_settings"
        ),
        pk=pk,
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight, as aware datetimes."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def parse_day(value: str | None) -> dt.date:
    """The ``?day=`` of a page; today when it is not a date between 1950 and ten years ahead."""
    try:
        day = dt.date.fromisoformat(value or "")
        validate_near_date(day)
    except (ValueError, ValidationError):
        return timezone.localdate()
    return day


def local_input(value: dt.datetime) -> str:
    """An aware datetime as the value of a datetime-local input (Shanghai wall time)."""
    return timezone.localtime(value).strftime(LOCAL_INPUT_FORMAT)


@dataclass
class Section:
    """One paginated list on a page that has several; each keeps its own page number in the query string."""

    page: Page
    previous_query: str | None
    next_query: str | None


def paginate(request, queryset, param: str, per_page: int = 20) -> Section:
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))

    def query(number: int) -> str:
        params = request.GET.copy()
        params[param] = number
        return "?" + params.urlencode()

    return Section(
        page=page,
        previous_query=query(page.previous_page_number()) if page.has_previous() else None,
        next_query=query(page.next_page_number()) if page.has_next() else None,
    )
