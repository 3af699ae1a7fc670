"""Platform-wide scheduled work (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .maintenance import refresh_planner_statistics


# 19:00 UTC is 03:00 in Beijing, when the platform is quiet.
@db_periodic_task(crontab(hour="19", minute="0"))
def nightly_planner_statistics() -> None:
    refresh_planner_statistics()
