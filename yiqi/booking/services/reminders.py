"""Reminders to users a day before their confirmed bookings."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from yiqi.notifications.services import Phrase
from yiqi.organizations.models import Deployment

from ..models import Booking, BookingStatus
from .common import tell_user


def send_reminders() -> int:
    """Remind each user once, about a day before a confirmed booking starts."""
    now = timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=Deployment.current().booking_reminder_hours),
    ).select_related("instrument", "user")
    sent = 0
    for booking in due:
        with transaction.atomic():
            # The conditional update claims the reminder, so overlapping runs never send it twice.
            if not Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            place = " ".join(part for part in (booking.instrument.building, booking.instrument.room) if part)
            tell_user(
                booking,
                gettext_lazy("上机提醒：%(instrument)s %(when)s"),
                Phrase(gettext_lazy("地点：%(place)s"), place=place) if place else "",
            )
            sent += 1
    return sent
