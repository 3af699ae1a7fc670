import datetime as dt

from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.census import services


def open_census(*units, year: int | None = None, days: int = 20, actor=None):
    """A census opened by the authority for ``units``, due in ``days`` days."""
    return services.open_census(
        year=year or timezone.localdate().year - 1,
        deadline=timezone.localdate() + dt.timedelta(days=days),
        access=Access(is_platform_admin=True),
        actor=actor,
        unit_ids=[unit.pk for unit in units],
    )
