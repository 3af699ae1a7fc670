"""iCalendar feeds: a user's own bookings (behind a secret token) and an instrument's busy time (public).

Times are written in UTC, so no VTIMEZONE is needed; calendar apps show them in the reader's zone.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from yiqi.accounts.access import ANONYMOUS

from . import services
from .models import Booking, BookingStatus, CalendarFeed, new_feed_token

PRODID = "-//Yiqi//Instrument bookings//ZH"
# How far back a user's feed reaches; older bookings have left the calendar app's view anyway.
USER_FEED_HISTORY = dt.timedelta(days=180)
INSTRUMENT_FEED_HISTORY = dt.timedelta(days=7)

ICAL_STATUS = {
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.CHECKED_IN: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
    BookingStatus.REJECTED: "CANCELLED",
    BookingStatus.NO_SHOW: "CANCELLED",
}


def feed_of(user) -> CalendarFeed | None:
    """The user's feed if they have asked for one; reading never makes one (``reset_feed`` does, on a POST)."""
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def reset_feed(user) -> CalendarFeed:
    """The user's secret address: the first one, or a new one in place of the old, which stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    feed.token = new_feed_token()
    feed.save()
    return feed


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def user_calendar(user, *, absolute_url: Callable[[str], str]) -> bytes:
    """The user's own bookings: instrument, place and status. ``absolute_url`` turns a path into a link."""
    calendar = _calendar(_("我的仪器预约"))
    stamp = _utc(timezone.now())
    bookings = (
        Booking.objects.filter(user=user, ends_at__gte=timezone.now() - USER_FEED_HISTORY)
        .select_related("instrument", "instrument__unit")
        .order_by("starts_at", "id")
    )
    for booking in bookings:
        instrument = booking.instrument
        url = absolute_url(reverse("booking:detail", args=[booking.pk]))
        event = Event()
        event.add("uid", f"booking-{booking.pk}@yiqi")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(booking.starts_at))
        event.add("dtend", _utc(booking.ends_at))
        event.add("summary", f"{instrument.name}（{booking.get_status_display()}）")
        event.add("location", instrument.location or instrument.unit.name)
        event.add("status", ICAL_STATUS[booking.status])
        event.add(
            "description",
            "\n".join(
                [
                    f"{_('状态')}：{booking.get_status_display()}",
                    f"{_('管理单位')}：{instrument.unit.name}",
                    f"{_('用途/实验内容')}：{booking.purpose}",
                    url,
                ]
            ),
        )
        event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()


def instrument_calendar(instrument) -> bytes:
    """When the instrument is taken, as anonymous ``availability`` reports it: no names, no booking ids."""
    now = timezone.now()
    start = now - INSTRUMENT_FEED_HISTORY
    end = now + dt.timedelta(days=services.settings_or_defaults(instrument).horizon_days + 1)
    calendar = _calendar(_("%(name)s 预约占用") % {"name": instrument.name})
    stamp = _utc(now)
    for block in services.availability(instrument, start, end, access=ANONYMOUS).busy:
        begins, ends = _utc(block.start), _utc(block.end)
        event = Event()
        event.add("uid", f"busy-{instrument.pk}-{begins:%Y%m%dT%H%M%SZ}-{ends:%Y%m%dT%H%M%SZ}@yiqi")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("dtend", ends)
        event.add("summary", _("已占用"))
        event.add("location", instrument.location or instrument.unit.name)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
