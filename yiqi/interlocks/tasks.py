"""Background jobs of interlocks (Huey; inline in tests): auto-off after the grace, allow-lists, revocations."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_periodic_task(crontab(minute="*"))
def switch_off_expired() -> int:
    """Every minute: instruments whose booked time plus grace is over are switched off."""
    return services.auto_off()


@db_periodic_task(crontab(minute="*/15"))
def push_allowlists() -> int:
    """Every quarter hour: each device's allow-list of current and upcoming bookings."""
    return services.push_allowlists()


@db_task()
def revoke_closed_booking(booking_id: int) -> None:
    services.booking_closed(booking_id)
