"""Helpers every part of the booking services shares: how times read in messages, time input, links."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from yiqi.notifications.services import Phrase, notify

from ..availability import as_local
from ..models import Booking


def booking_url(booking) -> str:
    return reverse("booking:detail", args=[booking.pk])


def when(start: dt.datetime, end: dt.datetime) -> str:
    """A local time range for messages: ``2026-03-09 09:00–11:00`` (the end date only when it differs)."""
    start, end = as_local(start), as_local(end)
    same_day = start.date() == end.date()
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if same_day else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
    )


def hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def aware(value, field_name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field_name: _("请填写有效的日期和时间。")})
    return as_local(value)


def booking_mail(booking: Booking, audience: str) -> dict:
    """The facts a booking's email shows (``notifications/email/booking.html``), for its user or its staff."""
    return {
        "kind": "booking",
        "context": {
            "booking": booking,
            "when": when(booking.starts_at, booking.ends_at),
            "audience": audience,
        },
    }


def tell_user(booking: Booking, subject, body="") -> None:
    """Notify the booking's user; ``subject`` (a lazy translation, written in the user's language) may use
    ``%(instrument)s`` and ``%(when)s``."""
    subject = Phrase(
        subject, instrument=booking.instrument.name, when=when(booking.starts_at, booking.ends_at)
    )
    notify([booking.user], subject, body, booking_url(booking), **booking_mail(booking, "user"))
