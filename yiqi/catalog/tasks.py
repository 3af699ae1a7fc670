"""Scheduled upkeep of the search index (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import availability
from .indexing import rebuild_index


# 19:30 UTC is 03:30 in Beijing: folds the day's re-indexed records back into the packed postings.
@db_periodic_task(crontab(hour="19", minute="30"))
def nightly_search_index_rebuild() -> dict:
    return rebuild_index()


# Every 30 minutes: the "free slots this week" facet follows the booking calendar.
@db_periodic_task(crontab(minute="*/30"))
def refresh_free_slots() -> int:
    return availability.refresh_free_slots()
