"""Booking panels for pages other apps own: the instrument page and the workspace."""

from django import template
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.registry import scoping

from .. import services
from ..forms import format_minutes
from ..models import BookingStatus, OpenHours
from ..views.common import ACTIVE_STATES, servable_instruments

register = template.Library()

WEEKDAY_LABELS = dict(OpenHours._meta.get_field("weekday").choices)


def open_hours_summary(instrument) -> list[tuple[str, str]]:
    """[('星期一', '08:00–12:00、14:00–18:00'), …] for the days that open."""
    days: dict[int, list[str]] = {}
    for period in instrument.open_hours.order_by("weekday", "start_minute"):
        days.setdefault(period.weekday, []).append(
            f"{format_minutes(period.start_minute)}–{format_minutes(period.end_minute)}"
        )
    return [(WEEKDAY_LABELS[day], "、".join(periods)) for day, periods in days.items()]


@register.inclusion_tag("booking/_panel.html", takes_context=True)
def booking_panel(context, instrument):
    """How to book the instrument: open hours, the booking button, the manager's settings link, the .ics."""
    request = context["request"]
    access = access_for(request.user)
    can_manage = scoping.can_manage_service(access, instrument)
    shown = can_manage or (instrument.offers_self_operation and scoping.is_open_for_service(instrument))
    if not shown:
        return {"shown": False}
    return {
        "shown": True,
        "instrument": instrument,
        "settings": services.settings_for(instrument),
        "hours": open_hours_summary(instrument),
        "bookable": services.bookable(access, instrument),
        "can_manage": can_manage,
        "user": request.user,
    }


@register.inclusion_tag("booking/_workspace.html", takes_context=True)
def booking_workspace(context):
    """The user's next bookings and, for service staff, how many requests wait for approval."""
    request = context["request"]
    access = access_for(request.user)
    visible = services.visible_bookings(access)
    upcoming = visible.filter(user_id=access.user_id, status__in=ACTIVE_STATES, ends_at__gte=timezone.now())
    instruments = servable_instruments(access)
    pending = (
        visible.filter(instrument_id__in=[i.pk for i in instruments], status=BookingStatus.REQUESTED).count()
        if instruments
        else None
    )
    return {"upcoming": list(upcoming[:5]), "pending": pending, "is_service_staff": bool(instruments)}
