"""Scheduled monitoring jobs (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import reconciliation, rollup, services


@db_periodic_task(crontab(minute="*"))
def roll_up_telemetry() -> int:
    """New samples into intervals, daily hours and verified usage hours, every minute."""
    return rollup.roll_up()


@db_periodic_task(crontab(minute="20", hour="2"))
def reconcile_telemetry() -> int:
    """The last three days against bookings and usage records, nightly."""
    return reconciliation.reconcile_recent(days=3)


@db_periodic_task(crontab(minute="5"))
def monitoring_alerts() -> int:
    """Devices offline for hours and instruments idle for days, to their unit's inbox, hourly."""
    return services.alert_offline_devices() + services.alert_idle_instruments()


@db_periodic_task(crontab(minute="40"))
def maintain_telemetry_samples() -> dict:
    """Day partitions ahead, days past retention dropped, hourly."""
    return services.maintain_samples()
