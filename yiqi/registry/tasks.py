"""Background tasks of the registry (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .reminders import send_registration_reminders
from .spreadsheets import process_import_job


@db_task()
def run_import_job(job_id: int) -> None:
    """Validate and write one uploaded spreadsheet (see ``spreadsheets.process_import_job``)."""
    process_import_job(job_id)


# 00:30 UTC is 08:30 in Beijing: reminders arrive at the start of the working day.
@db_periodic_task(crontab(hour="0", minute="30"))
def send_daily_registration_reminders() -> int:
    """Registration deadline reminders (see ``reminders.send_registration_reminders``)."""
    return send_registration_reminders()
