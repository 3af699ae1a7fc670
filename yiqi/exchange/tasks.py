"""Background tasks of the exchange (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import migration, outbox, sending, webhooks


@db_task()
def send_job(job_id: int) -> None:
    sending.send_job(job_id)


@db_periodic_task(crontab(minute="*/5"))
def resume_waiting_jobs() -> None:
    for job_id in sending.due_jobs():
        sending.send_job(job_id)


@db_task()
def rebuild_instruments(ids: list[int]) -> None:
    outbox.rebuild_instruments(ids)


@db_task()
def rebuild_services(ids: list[int]) -> None:
    outbox.rebuild_services(ids)


@db_periodic_task(crontab(minute="30", hour="2"))
def rebuild_all() -> None:
    """Nightly: yearly hours and the yearly block change with time, not with a save."""
    outbox.rebuild()


@db_task()
def deliver_webhook(delivery_id: int) -> None:
    webhooks.deliver(delivery_id)


@db_periodic_task(crontab(minute="*/5"))
def resume_webhook_deliveries() -> None:
    for delivery_id in webhooks.due_deliveries():
        webhooks.deliver(delivery_id)


@db_task()
def run_migration(job_id: int) -> None:
    """Write a previewed migration file (``migration.run``)."""
    migration.run(job_id)
