"""Plain data for the interlock pages: the list of switches a person may see, and one switch's page."""

from django.db.models import Min, QuerySet
from django.utils import timezone

from yiqi.accounts.access import Access
from yiqi.booking.models import Booking
from yiqi.registry.scoping import can_serve

from . import configuration, services
from .models import Interlock, InterlockState


def _bookable_now(access: Access, interlocks) -> set[int]:
    """The interlocks among ``interlocks`` the user holds a booking for that lets them switch on now, each with its
    own grace (one query)."""
    if not access.is_authenticated or not interlocks:
        return set()
    now = timezone.now()
    starts = dict(
        Booking.objects.filter(
            user_id=access.user_id,
            instrument_id__in={i.instrument_id for i in interlocks},
            status__in=services.ENABLING_STATES,
            starts_at__lte=now + max(services.grace(i) for i in interlocks),
            ends_at__gt=now,
        )
        .order_by()
        .values_list("instrument_id")
        .annotate(first=Min("starts_at"))
    )
    return {
        i.pk
        for i in interlocks
        if i.instrument_id in starts and starts[i.instrument_id] <= now + services.grace(i)
    }


def interlock_list(access: Access) -> QuerySet[Interlock]:
    return (
        services.visible_interlocks(access)
        .select_related("instrument", "device", "user", "unit")
        .order_by("unit__name", "instrument__name", "id")
    )


def interlock_rows(access: Access, interlocks) -> list[dict]:
    interlocks = list(interlocks)
    bookable = _bookable_now(access, interlocks)
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
        "can_enable": interlock.pk in bookable and interlock.state != InterlockState.UNLOCKED,
        "can_release": interlock.state == InterlockState.UNLOCKED and (mine or serving),
        "can_override": serving,
    }


def interlock_page(access: Access, interlock: Interlock) -> dict:
    serving = can_serve(access, interlock.instrument)
    sessions = services.visible_sessions(access).filter(interlock=interlock).select_related("user", "booking")
    page = {
        **_row(access, interlock, _bookable_now(access, [interlock])),
        "sessions": list(sessions[:20]),
        "grace_minutes": int(services.grace(interlock).total_seconds() // 60),
        "can_configure": configuration.can_configure(access, interlock),
    }
    if serving or access.is_platform_admin or access.department_ids:
        page["commands"] = list(interlock.commands.select_related("requested_by", "for_user")[:20])
        page["history"] = services.INTERLOCK_MACHINE.history(interlock, labels=configuration.LABELS)
    return page
