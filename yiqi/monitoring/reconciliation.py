"""Reconciliation: telemetry against bookings and usage records, per instrument and period.

Five kinds of item, each found only where telemetry covers the time in question (no data is no evidence):
- suspect record: a usage record during which the instrument ran less than ``SUSPECT_SHARE`` of the time;
- unrecorded use: a run of at least ``MIN_RUN`` with less than half of it inside any usage record or booking;
- booking not run: a confirmed or completed booking in whose time the instrument never ran (a likely no-show);
- overrun: running on for more than ``OVERRUN_GRACE`` past a booking's end, with no record or booking after it;
- long idle: no running for ``YIQI_MONITORING_IDLE_DAYS`` days while monitored.
A sixth comes from the layer above: an interlock enabled with no booking behind it (``record_unbooked_use``).

The unit explains an item (repair, calibration, maintenance, other); the authority accepts the explanation or
confirms the item; confirmed items count in the yearly evaluation. The scheduled job runs daily over the last
days and is idempotent (one item per instrument, kind and start).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.booking.models import Booking, BookingStatus
from yiqi.core.workflow import StateMachine, Transition
from yiqi.registry.models import Instrument
from yiqi.usage.models import UsageRecord

from . import services
from .models import InstrumentMonitor, MachineState, ReconciliationItem, StateInterval, seconds_to_hours
from .rollup import DEFAULT_PROFILE, load_tracker, running_seconds_between

Kind = ReconciliationItem.Kind
Status = ReconciliationItem.Status

SUSPECT_SHARE = 0.1
MIN_RUN = dt.timedelta(minutes=15)
MERGE_GAP = dt.timedelta(minutes=10)  # runs this close together are one run
OVERRUN_GRACE = dt.timedelta(minutes=15)
BOOKED_STATES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)

ITEMS = StateMachine(
    ReconciliationItem,
    [
        Transition(
            "explain", gettext_lazy("说明"), (Status.OPEN, Status.EXPLAINED), Status.EXPLAINED, who="unit"
        ),
        Transition("accept", gettext_lazy("认可说明"), (Status.EXPLAINED,), Status.ACCEPTED, who="authority"),
        Transition(
            "confirm",
            gettext_lazy("确认问题"),
            (Status.OPEN, Status.EXPLAINED),
            Status.CONFIRMED,
            who="authority",
            needs_comment=True,
        ),
    ],
    missing_comment=gettext_lazy("请填写确认意见。"),
)


# --- finding -----------------------------------------------------------------------------------------------------


def _spans(instrument_id: int, start: dt.datetime, end: dt.datetime, monitor) -> list:
    spans = list(
        StateInterval.objects.current()
        .filter(instrument_id=instrument_id, end__gt=start, start__lt=end)
        .order_by("start")
        .values_list("state", "start", "end")
    )
    if monitor is not None and monitor.state:
        period = dt.timedelta(seconds=DEFAULT_PROFILE.sample_period_seconds)
        profile = getattr(monitor.instrument, "monitoring_profile", None)
        if profile is not None:
            period = dt.timedelta(seconds=profile.sample_period_seconds)
        spans.append(load_tracker(monitor).open_interval(period))
    return spans


def _runs(spans) -> list[tuple[dt.datetime, dt.datetime, float]]:
    """Running spans merged across short breaks: (start, end, running seconds)."""
    runs: list[list] = []
    for state, start, end in spans:
        if state != MachineState.RUNNING:
            continue
        if runs and start - runs[-1][1] <= MERGE_GAP:
            runs[-1][1] = max(runs[-1][1], end)
            runs[-1][2] += (end - start).total_seconds()
        else:
            runs.append([start, end, (end - start).total_seconds()])
    return [tuple(run) for run in runs]


def _covered_share(start, end, windows) -> float:
    inside = sum(
        max(0.0, (min(end, w_end) - max(start, w_start)).total_seconds()) for w_start, w_end in windows
    )
    return inside / max((end - start).total_seconds(), 1.0)


def _hours(seconds: float) -> Decimal:
    return seconds_to_hours(seconds)


def find_for_instrument(
    instrument, start: dt.datetime, end: dt.datetime, *, now=None
) -> list[ReconciliationItem]:
    """The items telemetry shows for one instrument in [start, end) (not saved)."""
    now = now or timezone.now()
    monitor = InstrumentMonitor.objects.filter(instrument=instrument).select_related("instrument").first()
    spans = _spans(instrument.pk, start, end, monitor)
    if not spans:
        return []
    coverage_start, coverage_end = spans[0][1], max(s[2] for s in spans)
    items = []

    def item(kind, item_start, item_end, **fields):
        items.append(
            ReconciliationItem(
                instrument=instrument,
                unit_id=instrument.unit_id,
                kind=kind,
                started_at=item_start,
                ended_at=max(item_end, item_start),
                **fields,
            )
        )

    def covered(a, b):
        return running_seconds_between(spans, a, b)[1]

    records = list(
        UsageRecord.objects.filter(instrument=instrument, started_at__lt=end, ended_at__gt=start).order_by(
            "started_at"
        )
    )
    bookings = list(
        Booking.objects.filter(
            instrument=instrument, status__in=BOOKED_STATES, starts_at__lt=end, ends_at__gt=start
        ).order_by("starts_at")
    )
    for record in records:
        running, seen = running_seconds_between(spans, record.started_at, record.ended_at)
        span = (record.ended_at - record.started_at).total_seconds()
        if seen and record.ended_at <= coverage_end and running < SUSPECT_SHARE * span:
            item(
                Kind.SUSPECT_RECORD,
                record.started_at,
                record.ended_at,
                usage_record=record,
                telemetry_hours=_hours(running),
                recorded_hours=record.machine_hours,
            )
    for booking in bookings:
        if booking.ends_at > now or not covered(booking.starts_at, booking.ends_at):
            continue
        running, _seen = running_seconds_between(spans, booking.starts_at, booking.ends_at)
        if running == 0:
            item(Kind.BOOKING_NOT_RUN, booking.starts_at, booking.ends_at, booking=booking)
    windows = [(r.started_at, r.ended_at) for r in records] + [(b.starts_at, b.ends_at) for b in bookings]
    # Running that an interlock session without a booking already stands for is that item, not a second one.
    windows += _unbooked_sessions(instrument.pk, start, end)
    for run_start, run_end, running in _runs(spans):
        if run_start < start or run_start >= end:
            continue
        if running >= MIN_RUN.total_seconds() and _covered_share(run_start, run_end, windows) < 0.5:
            item(Kind.UNRECORDED_USE, run_start, run_end, telemetry_hours=_hours(running))
            continue
        for booking in bookings:
            past_end = run_end - booking.ends_at
            if not (run_start < booking.ends_at < run_end) or past_end <= OVERRUN_GRACE:
                continue
            if _covered_share(booking.ends_at, run_end, windows) < 0.5:
                running_after, _seen = running_seconds_between(spans, booking.ends_at, run_end)
                item(
                    Kind.OVERRUN,
                    booking.ends_at,
                    run_end,
                    booking=booking,
                    telemetry_hours=_hours(running_after),
                )
    idle_days = dt.timedelta(days=settings.YIQI_MONITORING_IDLE_DAYS)
    last_run_end = max((run[1] for run in _runs(spans)), default=None)
    idle_since = last_run_end or coverage_start
    if min(end, now) - idle_since >= idle_days and coverage_end - idle_since >= idle_days:
        item(Kind.LONG_IDLE, idle_since, min(end, now, coverage_end))
    return items


def _unbooked_sessions(instrument_id: int, start: dt.datetime, end: dt.datetime) -> list:
    return list(
        ReconciliationItem.objects.filter(
            instrument_id=instrument_id, kind=Kind.UNBOOKED_SESSION, started_at__lt=end, ended_at__gt=start
        ).values_list("started_at", "ended_at")
    )


def record_unbooked_use(
    instrument_id: int, started_at: dt.datetime, ended_at: dt.datetime, *, unit_id: int
) -> None:
    """The instrument was switched on with no booking behind it (an interlock override), measured from switch-on to
    switch-off: an item for the unit to explain (once per instrument and start). It is the same fact as telemetry's
    unrecorded use of that time: an open unrecorded-use item mostly inside the session gives way to it; one the
    unit has already explained stands for it."""
    same_fact = ReconciliationItem.objects.filter(
        instrument_id=instrument_id,
        kind=Kind.UNRECORDED_USE,
        started_at__lt=ended_at,
        ended_at__gt=started_at,
    )
    for found in same_fact:
        if _covered_share(found.started_at, found.ended_at, [(started_at, ended_at)]) < 0.5:
            continue
        if found.status != Status.OPEN:
            return
        found.delete()
    ReconciliationItem.objects.get_or_create(
        instrument_id=instrument_id,
        kind=Kind.UNBOOKED_SESSION,
        started_at=started_at,
        defaults={
            "unit_id": unit_id,
            "ended_at": ended_at,
            "telemetry_hours": _hours((ended_at - started_at).total_seconds()),
        },
    )


def reconcile(start: dt.datetime, end: dt.datetime, *, instruments=None, now=None) -> int:
    """Find and store the items of [start, end) for every monitored instrument; returns how many are new."""
    if instruments is None:
        instruments = Instrument.objects.filter(monitoring_devices__isnull=False).distinct()
    created = 0
    for instrument in instruments.select_related("monitoring_profile"):
        found = find_for_instrument(instrument, start, end, now=now)
        with transaction.atomic():
            existing = {
                (kind, started_at): pk
                for kind, started_at, pk in ReconciliationItem.objects.filter(instrument=instrument)
                .filter(started_at__in=[i.started_at for i in found])
                .values_list("kind", "started_at", "pk")
            }
            new = [i for i in found if (i.kind, i.started_at) not in existing]
            # An open long-idle item grows with the idleness; nothing else changes once found.
            for i in found:
                if i.kind == Kind.LONG_IDLE and (i.kind, i.started_at) in existing:
                    ReconciliationItem.objects.filter(
                        pk=existing[(i.kind, i.started_at)], status=Status.OPEN
                    ).update(ended_at=i.ended_at)
            ReconciliationItem.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
            suspects = [i.started_at for i in new if i.kind == Kind.SUSPECT_RECORD]
            if suspects:  # found now, so told now and never again
                services.alert_suspect_records(
                    ReconciliationItem.objects.filter(
                        instrument=instrument, kind=Kind.SUSPECT_RECORD, started_at__in=suspects
                    ).select_related("instrument")
                )
    return created


def reconcile_recent(*, days: int = 3, now=None) -> int:
    """The scheduled run: the last few days again, so that late telemetry and late records are taken in."""
    now = now or timezone.now()
    return reconcile(now - dt.timedelta(days=days), now, now=now)


# --- reading and deciding ----------------------------------------------------------------------------------------


def visible_items(access: Access, queryset: QuerySet | None = None) -> QuerySet[ReconciliationItem]:
    queryset = ReconciliationItem.objects.all() if queryset is None else queryset
    return services.scoped(access, queryset.select_related("instrument", "unit"))


def can_explain(access: Access, item: ReconciliationItem) -> bool:
    return services.manages(access, item.instrument) and ITEMS.allows(item, "explain")


def can_review(access: Access, item: ReconciliationItem) -> bool:
    return services.reviews(access, item.unit) and item.status in (Status.OPEN, Status.EXPLAINED)


def explain(
    access: Access, item: ReconciliationItem, *, reason: str, explanation: str, actor
) -> ReconciliationItem:
    explanation = (explanation or "").strip()
    errors = {}
    if reason not in ReconciliationItem.Reason.values:
        errors["reason"] = [_("请选择原因。")]
    if not explanation:
        errors["explanation"] = [_("请填写说明。")]
    elif len(explanation) > 1000:
        errors["explanation"] = [_("说明不能超过 %(n)s 个字。") % {"n": 1000}]
    if errors:
        raise ValidationError(errors)

    def prepare(locked, step):
        locked.reason, locked.explanation = reason, explanation
        locked.explained_by, locked.explained_at = actor, timezone.now()

    return ITEMS.run(
        item,
        "explain",
        actor=actor,
        comment=explanation,
        permitted=lambda locked, step: services.manages(access, locked.instrument),
        prepare=prepare,
    )


def review(
    access: Access, item: ReconciliationItem, *, action: str, comment: str = "", actor
) -> ReconciliationItem:
    if action not in ("accept", "confirm"):
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    if not services.reviews(access, item.unit):
        raise PermissionDenied(_("您无权审核该核对事项。"))

    def prepare(locked, step):
        locked.reviewed_by, locked.reviewed_at = actor, timezone.now()

    return ITEMS.run(
        item,
        action,
        actor=actor,
        comment=comment,
        permitted=lambda locked, step: services.reviews(access, locked.unit),
        prepare=prepare,
    )


def confirmed_items(start: dt.date, end: dt.date) -> QuerySet[ReconciliationItem]:
    """Items the authority confirmed in a period: what the yearly evaluation counts."""
    return ReconciliationItem.objects.filter(status=Status.CONFIRMED).filter(
        Q(started_at__date__gte=start) & Q(started_at__date__lt=end)
    )
