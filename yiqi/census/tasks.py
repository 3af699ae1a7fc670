from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="1", minute="0"))
def send_census_reminders() -> int:
    """Daily: remind units whose census return is not in, 7, 3 and 1 days before the deadline."""
    return services.send_due_reminders()
