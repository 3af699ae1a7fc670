"""Plain data for the booking panels and pages: what shows, for whom, and the counts. Nothing here writes."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.core.memo import answers
from yiqi.core.queries import total
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from ..availability import format_minutes, held_bookings_between, live_offers_between, settings_or_defaults
from ..models import ACTIVE_STATES, BookingStatus, OpenHours
from . import credit
from .lifecycle import visible_bookings
from .rules import bookable

WEEKDAY_LABELS = dict(OpenHours._meta.get_field("weekday").choices)
WORKSPACE_UPCOMING = 5


def open_hours_summary(instrument: Instrument) -> list[tuple[str, str]]:
    """[('星期一', '08:00–12:00、14:00–18:00'), …] for the days that open."""
    days: dict[int, list[str]] = {}
    for period in instrument.open_hours.order_by("weekday", "start_minute"):
        days.setdefault(period.weekday, []).append(
            f"{format_minutes(period.start_minute)}–{format_minutes(period.end_minute)}"
        )
    return [(WEEKDAY_LABELS[day], "、".join(periods)) for day, periods in days.items()]


def booking_panel(access: Access, instrument: Instrument) -> dict:
    """The instrument page's booking panel: shown to its managers, and to everyone when the instrument is open
    for service and offers self-operation."""
    can_manage = scoping.can_manage_service(access, instrument)
    shown = can_manage or (instrument.offers_self_operation and scoping.is_open_for_service(instrument))
    if not shown:
        return {"shown": False}
    return {
        "shown": True,
        "instrument": instrument,
        "settings": settings_or_defaults(instrument),
        "hours": open_hours_summary(instrument),
        "bookable": bookable(access, instrument),
        "can_manage": can_manage,
    }


def booking_workspace_counts(access: Access) -> dict:
    """The workspace panel's counts as questions (``memo.answers``): requests waiting at the instruments the user
    serves, appeals waiting for a unit admin."""
    questions = {}
    if access.staff_unit_ids:
        pending = visible_bookings(access).filter(
            instrument__in=scoping.served_instruments(access).values("pk"), status=BookingStatus.REQUESTED
        )
        questions[("booking_pending", access.user_id)] = total(pending, Count("pk"))
    if access.unit_admin_unit_ids:
        questions[("booking_appeals", access.user_id)] = total(credit.appeals_to_hear(access), Count("pk"))
    return questions


def booking_workspace(access: Access) -> dict:
    """The user's next bookings and, for service staff, how many requests wait for approval."""
    visible = visible_bookings(access)
    upcoming = visible.filter(user_id=access.user_id, status__in=ACTIVE_STATES, ends_at__gte=timezone.now())
    counts = answers(booking_workspace_counts(access))
    serving = scoping.serves_instruments(access)
    return {
        "upcoming": list(upcoming[:WORKSPACE_UPCOMING]),
        "pending": counts[("booking_pending", access.user_id)] if serving else None,
        "is_service_staff": serving,
        "appeals_waiting": counts.get(("booking_appeals", access.user_id)),
        "is_authority": access.is_platform_admin,
    }


def booking_page(access: Access, instrument: Instrument) -> dict:
    """What the availability page needs to know about booking: the settings, whether this user may book, and
    whether they count as the unit's own (who may repeat weekly)."""
    return {
        "settings": settings_or_defaults(instrument),
        "bookable": bookable(access, instrument),
        "internal": instrument.unit_id in access.member_organization_ids,
    }


def taken_by_others(access: Access, instrument: Instrument, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether someone else holds part of the time (a booking or a live waitlist offer): then the page offers
    the waitlist."""
    if end <= start:
        return False
    others = held_bookings_between(instrument, start, end)
    offers = live_offers_between(instrument, start, end, timezone.now())
    if access.user_id is not None:
        others, offers = others.exclude(user_id=access.user_id), offers.exclude(user_id=access.user_id)
    return others.exists() or offers.exists()


def upcoming_and_past(bookings, now: dt.datetime):
    """A user's bookings split into those still ahead (or under way), soonest first, and the rest, latest
    first."""
    upcoming = bookings.filter(status__in=ACTIVE_STATES, ends_at__gte=now)
    past = bookings.exclude(status__in=ACTIVE_STATES, ends_at__gte=now).order_by("-starts_at", "-id")
    return upcoming, past


def service_queue(bookings, now: dt.datetime) -> dict:
    """The service desk's lists of ``bookings``: requests to decide, today's arrivals (and late ones still within
    their time), instruments in use, and the last week's completions, latest first."""
    today = timezone.localdate(now)
    return {
        "pending": bookings.filter(status=BookingStatus.REQUESTED),
        "arriving": bookings.filter(
            status=BookingStatus.CONFIRMED, starts_at__date__lte=today, ends_at__gte=now
        ),
        "in_use": bookings.filter(status=BookingStatus.CHECKED_IN),
        "completed": bookings.filter(
            status=BookingStatus.COMPLETED, ends_at__gte=now - dt.timedelta(days=7)
        ).order_by("-ends_at", "-id"),
    }
