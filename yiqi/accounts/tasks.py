"""Scheduled work of the accounts app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .tokens import purge_expired_tokens


# 19:15 UTC is 03:15 in Beijing, when the platform is quiet.
@db_periodic_task(crontab(hour="19", minute="15"))
def purge_expired_api_tokens() -> int:
    return purge_expired_tokens()
