"""The waitlist: users wait for taken time; freed time is offered to them first come first served, and an offer
keeps the window for its user until it expires, is declined or is accepted (``lifecycle.accept_offer``). Each step
is a transition of ``WAITLIST_MACHINE``."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import access_for
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Deployment
from yiqi.registry.models import Instrument

from ..availability import as_local, held_bookings_between, live_offers_between, settings_or_defaults
from ..models import WaitlistEntry
from .common import aware, when
from .rules import unbookable_reason

W = WaitlistEntry.Status

# Who takes a step (``Transition.who``): the entry's own user, or the platform itself.
OWNER, PLATFORM = "owner", "platform"

WAITLIST_MACHINE = StateMachine(
    WaitlistEntry,
    [
        Transition("offer", gettext_lazy("通知空出时段"), (W.WAITING,), W.OFFERED, who=PLATFORM),
        Transition("accept", gettext_lazy("确认预约"), (W.OFFERED,), W.ACCEPTED, who=OWNER),
        Transition("decline", gettext_lazy("放弃候补"), (W.WAITING, W.OFFERED), W.CANCELLED, who=OWNER),
        Transition("expire", gettext_lazy("过期"), (W.WAITING, W.OFFERED), W.EXPIRED, who=PLATFORM),
    ],
    lock_related=("instrument", "user"),
    refusal_field="status",
)


def _offer_valid_for() -> dt.timedelta:
    """How long a freed slot is held for the waiting user it is offered to (the deployment's policy)."""
    return dt.timedelta(hours=Deployment.current().waitlist_offer_hours)


def join_waitlist(*, user, instrument: Instrument, starts_at, ends_at, purpose: str = "") -> WaitlistEntry:
    """Wait for a taken time window (booked, or offered to someone else); the user is offered it if it frees up."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录再候补。"))
    reason = unbookable_reason(access_for(user), instrument, settings_or_defaults(instrument))
    if reason:
        raise ValidationError({"instrument": reason})
    start, end = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    now = timezone.now()
    if start <= now:
        raise ValidationError({"starts_at": _("开始时间已过，请选择将来的时间。")})
    taken = (
        held_bookings_between(instrument, start, end).exists()
        or live_offers_between(instrument, start, end, now).exclude(user=user).exists()
    )
    if not taken:
        raise ValidationError({"starts_at": _("该时段目前无人预约，请直接预约。")})
    if WaitlistEntry.objects.filter(
        instrument=instrument,
        user=user,
        status__in=(W.WAITING, W.OFFERED),
        starts_at__lt=end,
        ends_at__gt=start,
    ).exists():
        raise ValidationError({"starts_at": _("您已在候补这一时段。")})
    entry = WaitlistEntry.objects.create(
        instrument=instrument, user=user, starts_at=start, ends_at=end, purpose=(purpose or "").strip()[:300]
    )
    WAITLIST_MACHINE.record_created(entry, actor=user)
    return entry


def offer_freed_time(instrument: Instrument, start: dt.datetime, end: dt.datetime) -> list[WaitlistEntry]:
    """Offer waiting users, first come first served, every window touching ``[start, end)`` that is now wholly
    free (no held booking, no outstanding offer). An offer is open for two hours, or until the window starts."""
    now = timezone.now()
    lead = dt.timedelta(hours=settings_or_defaults(instrument).lead_time_hours)
    candidates = list(
        WaitlistEntry.objects.select_for_update()
        .filter(
            instrument=instrument,
            status=W.WAITING,
            starts_at__lt=end,
            ends_at__gt=start,
            starts_at__gte=now + lead,
        )
        .order_by("created_at", "id")
    )
    if not candidates:
        return []
    span_start = min(entry.starts_at for entry in candidates)
    span_end = max(entry.ends_at for entry in candidates)
    taken = list(held_bookings_between(instrument, span_start, span_end).values_list("starts_at", "ends_at"))
    taken += WaitlistEntry.objects.filter(
        instrument=instrument, status=W.OFFERED, starts_at__lt=span_end, ends_at__gt=span_start
    ).values_list("starts_at", "ends_at")
    offered = []
    for entry in candidates:
        if any(s < entry.ends_at and e > entry.starts_at for s, e in taken):
            continue
        entry = WAITLIST_MACHINE.run(entry, "offer", actor=None, prepare=_offer(now))
        taken.append((entry.starts_at, entry.ends_at))
        offered.append(entry)
        slot = when(entry.starts_at, entry.ends_at)
        notify(
            [entry.user],
            Phrase(
                gettext_lazy("候补时段已空出：%(instrument)s %(when)s"), instrument=instrument.name, when=slot
            ),
            Phrase(
                gettext_lazy("请在 %(deadline)s 前确认预约，逾期将通知下一位候补用户。"),
                deadline=f"{as_local(entry.offer_expires_at):%Y-%m-%d %H:%M}",
            ),
            reverse("booking:waitlist"),
            kind="waitlist_offer",
            context={"entry": entry, "when": slot},
        )
    return offered


def _offer(now: dt.datetime):
    def prepare(entry: WaitlistEntry, step: Transition) -> None:
        entry.offered_at = now
        entry.offer_expires_at = min(now + _offer_valid_for(), entry.starts_at)

    return prepare


def own_entry(user):
    """``permitted`` for the user's own steps: nobody answers for another user."""

    def permitted(entry: WaitlistEntry, step: Transition) -> bool:
        if user is None or entry.user_id != user.pk:
            raise PermissionDenied(_("这不是您的候补。"))
        return True

    return permitted


@transaction.atomic
def decline_offer(entry: WaitlistEntry, *, user) -> WaitlistEntry:
    """Leave the waitlist; a declined offer goes to the next user waiting."""
    entry = WAITLIST_MACHINE.run(
        entry,
        "decline",
        actor=user,
        permitted=own_entry(user),
        refusal=lambda entry: (
            _("该候补当前状态为“%(status)s”，无需取消。") % {"status": entry.get_status_display()}
        ),
    )
    if entry.offered_at is not None:  # only a waiting entry is ever offered: this one held its window
        offer_freed_time(entry.instrument, entry.starts_at, entry.ends_at)
    return entry


@transaction.atomic
def expire_offers() -> int:
    """Offers not taken up in time pass to the next user waiting; windows already begun stop waiting."""
    now = timezone.now()
    expired = list(
        WaitlistEntry.objects.select_for_update().filter(status=W.OFFERED, offer_expires_at__lte=now)
    )
    for entry in expired:
        entry = WAITLIST_MACHINE.run(entry, "expire", actor=None)
        offer_freed_time(entry.instrument, entry.starts_at, entry.ends_at)
    for entry in WaitlistEntry.objects.select_for_update().filter(status=W.WAITING, starts_at__lte=now):
        WAITLIST_MACHINE.run(entry, "expire", actor=None)
    return len(expired)
