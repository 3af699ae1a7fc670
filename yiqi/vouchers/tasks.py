"""Background tasks of vouchers (Huey; inline in tests)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import quotas


@db_periodic_task(crontab(hour="0", minute="20"))
def expire_vouchers() -> int:
    """Unused balances of programmes past their use-by date expire (``quotas.expire_due``; idempotent)."""
    return quotas.expire_due()
