"""Background tasks of ratings and complaints (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import close_unconfirmed_complaints, remind_overdue_complaints


# 00:45 UTC is 08:45 in Beijing: the reminders arrive at the start of the working day.
@db_periodic_task(crontab(hour="0", minute="45"))
def complaint_deadlines() -> dict:
    """Remind the unit and its department of overdue complaints (once each) and close resolved ones the
    complainant left unanswered."""
    return {"reminded": remind_overdue_complaints(), "closed": close_unconfirmed_complaints()}
