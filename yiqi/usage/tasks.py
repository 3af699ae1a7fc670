"""Background tasks of usage (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/10"))
def end_overdue_usage() -> int:
    """Self-operation nobody checked out of ends at the booked end after the grace (``services.end_overdue_usage``)."""
    return services.end_overdue_usage()
