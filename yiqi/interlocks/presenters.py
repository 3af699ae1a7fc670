"""Plain data for the interlock pages: the list of switches a person may see, and one switch's page."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.booking.models import Booking
from yiqi.registry.scoping import can_serve

from . import services
from .models import Interlock, InterlockState


def _bookable_now(access: Access, instrument_ids) -> set[int]:
    """Instruments among ``instrument_ids`` on which the user holds a booking that enables them now (one query)."""
    if not access.is_authenticated:
        return set()
    now = timezone.now()
    grace = dt.timedelta(minutes=settings.YIQI_INTERLOCK_GRACE_MINUTES)
    return set(
        Booking.objects.filter(
            user_id=access.user_id,
            instrument_id__in=instrument_ids,
            status__in=services.ENABLING_STATES,
            starts_at__lte=now + grace,
            ends_at__gt=now,
        ).values_list("instrument_id", flat=True)
    )


def interlock_list(access: Access) -> QuerySet[Interlock]:
    return (
        services.visible_interlocks(access)
        .select_related("instrument", "device", "user", "unit")
        .order_by("unit__name", "instrument__name", "id")
    )


def interlock_rows(access: Access, interlocks) -> list[dict]:
    interlocks = list(interlocks)
    bookable = _bookable_now(access, {i.instrument_id for i in interlocks})
    return [_row(access, interlock, bookable) for interlock in interlocks]


def _row(access: Access, interlock: Interlock, bookable: set[int]) -> dict:
    mine = interlock.user_id is not None and interlock.user_id == access.user_id
    serving = can_serve(access, interlock.instrument)
    return {
        "interlock": interlock,
        "state_label": interlock.get_state_display(),
        "unlocked": interlock.state == InterlockState.UNLOCKED,
        "user_name": interlock.user.get_full_name() or interlock.user.get_username()
        if interlock.user
        else "",
        "can_enable": interlock.instrument_id in bookable and interlock.state != InterlockState.UNLOCKED,
        "can_release": interlock.state == InterlockState.UNLOCKED and (mine or serving),
        "can_override": serving,
    }


def interlock_page(access: Access, interlock: Interlock) -> dict:
    serving = can_serve(access, interlock.instrument)
    sessions = services.visible_sessions(access).filter(interlock=interlock).select_related("user", "booking")
    page = {
        **_row(access, interlock, _bookable_now(access, {interlock.instrument_id})),
        "sessions": list(sessions[:20]),
        "grace_minutes": settings.YIQI_INTERLOCK_GRACE_MINUTES,
    }
    if serving or access.is_platform_admin or access.department_ids:
        page["commands"] = list(interlock.commands.select_related("requested_by", "for_user")[:20])
        page["history"] = services.INTERLOCK_MACHINE.history(interlock)
    return page
