"""Background tasks of bookings (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services
from .services import calendar_data


@db_periodic_task(crontab(minute="*/10"))
def send_booking_reminders() -> int:
    """Reminders a day before confirmed bookings, each sent once (see ``services.send_reminders``)."""
    return services.send_reminders()


@db_periodic_task(crontab(minute="*/10"))
def pass_on_expired_waitlist_offers() -> int:
    """Offers not confirmed in time go to the next user waiting (see ``services.expire_offers``)."""
    return services.expire_offers()


@db_periodic_task(crontab(minute="*/10"))
def mark_missed_bookings() -> int:
    """Confirmed bookings not checked in within the grace period become no-shows (``services.mark_missed_bookings``)."""
    return services.mark_missed_bookings()


@db_periodic_task(crontab(minute="5"))
def expire_booking_suspensions() -> int:
    """Suspensions past their end are closed (see ``services.credit.expire_suspensions``)."""
    return services.credit.expire_suspensions()


@db_periodic_task(crontab(hour="8", minute="15"))
def warn_calendar_running_out() -> bool:
    """The platform authority is told before the statutory-holiday data ends (``services.calendar_data``)."""
    return calendar_data.warn_if_calendar_ends_soon()
