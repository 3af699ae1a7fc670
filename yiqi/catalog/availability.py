"""Free bookable time in the coming seven days, read from the booking calendar for the "free slots this week"
facet and tie-break. Run periodically (``tasks.refresh_free_slots``): a few queries for every instrument at once,
then one update per instrument whose free time changed, logged so that every process's columns catch up."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yiqi.booking.availability import MAX_BOOKING_SPAN, clip, open_periods, subtract
from yiqi.booking.models import SLOT_HOLDING_STATES, Blackout, Booking, OpenHours, ServiceSettings

from .cache import MAX_CHANGES
from .models import IndexChange, SearchDocument

WINDOW = dt.timedelta(days=7)


def free_minutes(now: dt.datetime | None = None) -> dict[int, int]:
    """Free bookable minutes in ``[now + lead time, now + 7 days)`` of every published self-operation
    instrument: open hours minus holidays, blackouts and held bookings, counting free stretches long enough for
    the shortest booking allowed. Instruments not taking bookings have none."""
    now = now or timezone.now()
    end = now + WINDOW
    ids = list(
        SearchDocument.objects.filter(offers_self_operation=True).order_by("id").values_list("id", flat=True)
    )
    if not ids:
        return {}
    hours: dict[int, list] = {}
    for instrument, weekday, first, last in OpenHours.objects.filter(instrument__in=ids).values_list(
        "instrument_id", "weekday", "start_minute", "end_minute"
    ):
        hours.setdefault(instrument, []).append((weekday, first, last))
    settings = {s.instrument_id: s for s in ServiceSettings.objects.filter(instrument__in=hours)}
    taken: dict[int, list] = {}
    for instrument, starts, ends in Blackout.objects.filter(
        instrument__in=hours, starts_at__lt=end, ends_at__gt=now
    ).values_list("instrument_id", "starts_at", "ends_at"):
        taken.setdefault(instrument, []).append((starts, ends))
    for instrument, starts, ends in Booking.objects.filter(
        instrument__in=hours,
        status__in=SLOT_HOLDING_STATES,
        starts_at__gte=now - MAX_BOOKING_SPAN,
        starts_at__lt=end,
        ends_at__gt=now,
    ).values_list("instrument_id", "starts_at", "ends_at"):
        taken.setdefault(instrument, []).append((starts, ends))
    out = {}
    for instrument in ids:
        conf = settings.get(instrument) or ServiceSettings(instrument_id=instrument)
        start = now + dt.timedelta(hours=conf.lead_time_hours)
        stop = min(end, now + dt.timedelta(days=conf.horizon_days))
        if not conf.bookings_open or instrument not in hours or start >= stop:
            out[instrument] = 0
            continue
        periods = open_periods(hours[instrument], start, stop, skip_holidays=conf.closed_on_holidays)
        free = clip(subtract(periods, sorted(taken.get(instrument, ()))), start, stop)
        minutes = [int((e - s).total_seconds()) // 60 for s, e in free]
        out[instrument] = sum(m for m in minutes if m >= conf.min_booking_minutes)
    return out


@transaction.atomic
def refresh_free_slots(now: dt.datetime | None = None) -> int:
    """Write the free minutes that changed into the search documents; returns how many changed."""
    current = free_minutes(now)
    stored = dict(SearchDocument.objects.values_list("id", "free_minutes"))
    changed = {doc: minutes for doc, minutes in current.items() if stored.get(doc) != minutes}
    changed |= {doc: 0 for doc, minutes in stored.items() if minutes and doc not in current}
    by_value: dict[int, list[int]] = {}
    for doc, minutes in changed.items():
        by_value.setdefault(minutes, []).append(doc)
    for minutes, docs in by_value.items():
        SearchDocument.objects.filter(id__in=docs).update(free_minutes=minutes)
    if len(changed) > MAX_CHANGES:
        IndexChange.objects.create(instrument_id=IndexChange.RELOAD_ALL)
    else:
        IndexChange.objects.bulk_create([IndexChange(instrument_id=doc) for doc in sorted(changed)])
    return len(changed)
