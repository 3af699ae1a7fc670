"""The booking's life: requesting (a single booking, a weekly series, or an accepted waitlist offer), approval,
cancellation, check-in, completion and no-shows; what a user may do with a booking and which bookings they see.

No two slot-holding bookings of one instrument overlap: on PostgreSQL the exclusion constraint
``booking_no_overlap`` is the guarantee (the loser of a race gets a field error), and the instrument's
``ServiceSettings`` row is locked only where the rules add up other users' bookings (``_needs_lock``); SQLite
serialises writers with ``BEGIN IMMEDIATE``.

Every booking owns a service record (``servicerecords``): it is opened (and so quoted) with the booking, completed
when the booking is, and closed on rejection, cancellation or a no-show; the layers above (fees, usage, feedback)
act on the record's signals. Each step is a transition of ``BOOKING_MACHINE``, which keeps the audit trail.
"""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.bulk import batched_inserts
from yiqi.core.money import hours_between
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify
from yiqi.organizations.models import Deployment
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import can_serve, served_instruments
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind

from ..availability import as_local, settings_or_defaults
from ..models import Booking, BookingStatus, CreditEvent, ServiceSettings, WaitlistEntry
from . import credit
from .common import aware, booking_mail, booking_url, tell_user, when
from .configuration import lock_settings
from .reading import HeldTime, read_facts
from .rules import (
    Rules,
    booking_organization,
    check_times,
    counts_weeks,
    series_error,
    unbookable_reason,
    week_of,
)
from .waitlist import WAITLIST_MACHINE, offer_freed_time, own_entry

S = BookingStatus
MAX_REPEAT_WEEKS = 26

# Who may take a step (``Transition.who``): the instrument's service staff, or also the booking's own user.
SERVER, USER_OR_SERVER = "server", "user_or_server"

BOOKING_MACHINE = StateMachine(
    Booking,
    [
        Transition("approve", gettext_lazy("审核通过"), (S.REQUESTED,), S.CONFIRMED, who=SERVER),
        Transition(
            "reject", gettext_lazy("审核不通过"), (S.REQUESTED,), S.REJECTED, who=SERVER, needs_comment=True
        ),
        Transition(
            "cancel", gettext_lazy("取消预约"), (S.REQUESTED, S.CONFIRMED), S.CANCELLED, who=USER_OR_SERVER
        ),
        Transition("check_in", gettext_lazy("签到上机"), (S.CONFIRMED,), S.CHECKED_IN, who=SERVER),
        Transition(
            "complete", gettext_lazy("完成上机"), (S.CONFIRMED, S.CHECKED_IN), S.COMPLETED, who=SERVER
        ),
        Transition("no_show", gettext_lazy("记为爽约"), (S.CONFIRMED,), S.NO_SHOW, who=SERVER),
    ],
    comment_max_length=500,
    missing_comment=gettext_lazy("请填写不通过的理由。"),
    lock_related=("instrument", "user", "user_organization", "record"),
    refusal_field="status",
)


def _service_staff(instrument: Instrument) -> list:
    staff = users_with_role(Role.UNIT_ADMIN, organization_id=instrument.unit_id) | users_with_role(
        Role.TECHNICIAN, organization_id=instrument.unit_id
    )
    return [instrument.manager, *staff]


# --- requesting ---------------------------------------------------------------------------------------------------


def request_booking(
    *,
    user,
    instrument: Instrument,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    sample_count: int = 0,
    user_organization=None,
    repeat_weeks: int = 0,
) -> list[Booking]:
    """Book instrument time after every rule passes; a weekly series (internal users) is all-or-nothing.

    Returns the created bookings (one unless ``repeat_weeks``), confirmed at once unless the instrument's
    bookings need approval. Nothing is written when any rule refuses.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录再预约。"))
    purpose = (purpose or "").strip()
    start, end = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    errors = {}
    if not purpose:
        errors["purpose"] = _("请填写用途或实验内容。")
    elif len(purpose) > 300:
        errors["purpose"] = _("用途或实验内容不能超过 300 字。")
    if sample_count is None or sample_count < 0:
        errors["sample_count"] = _("样品数不能为负数。")
    weeks = repeat_weeks if isinstance(repeat_weeks, int) and 0 <= repeat_weeks <= MAX_REPEAT_WEEKS else 0
    if weeks != repeat_weeks:
        errors["repeat_weeks"] = _("重复周数须在 0 到 %(max)d 之间。") % {"max": MAX_REPEAT_WEEKS}
    # Weekly in local wall-clock time (Shanghai keeps no daylight saving, but the rule is local time).
    occurrences = [
        ((start + dt.timedelta(weeks=n)).astimezone(dt.UTC), (end + dt.timedelta(weeks=n)).astimezone(dt.UTC))
        for n in range(weeks + 1)
    ]
    try:
        with transaction.atomic(), batched_inserts():
            return _create_bookings(
                user, instrument, user_organization, occurrences, purpose, sample_count or 0, errors
            )
    except IntegrityError as exc:
        # A concurrent writer won the slot between our check and insert (PostgreSQL's exclusion constraint).
        if "booking_no_overlap" in str(exc):
            raise ValidationError({"starts_at": _("该时段已被预约，请选择其他时间。")}) from exc
        raise


def _needs_lock(conf: ServiceSettings) -> bool:
    """Whether this request must hold the settings row lock while it checks and inserts.

    PostgreSQL's exclusion constraint ``booking_no_overlap`` alone keeps held time from overlapping, so a plain
    booking runs without the lock (the loser of a race gets the constraint's refusal); only the rules that add up
    other users' bookings (weekly quota, internal reserve) need them serialised. SQLite serialises every write
    transaction anyway (``BEGIN IMMEDIATE``)."""
    return connection.vendor == "postgresql" and counts_weeks(conf)


def _create_bookings(user, instrument, chosen_organization, occurrences, purpose, sample_count, errors):
    now = timezone.now()
    # The settings read with the instrument; read again under the lock when the rules need it.
    conf = settings_or_defaults(instrument)
    if _needs_lock(conf):
        conf = lock_settings(instrument)
    span = (occurrences[0][0], occurrences[-1][1])
    # Held bookings over the whole weeks only when a rule adds them up; the overlap check needs the span alone
    # (a busy week holds hundreds).
    weeks = (week_of(span[0])[0], week_of(span[1])[1]) if counts_weeks(conf) else span
    facts = read_facts(instrument, user, span=span, weeks=weeks, now=now)
    refusal = credit.Standing(None, facts.suspension).refusal()
    if refusal:
        raise ValidationError({"instrument": refusal})
    organization = booking_organization(user, chosen_organization, facts.organizations)
    is_internal = organization is not None and organization.pk == instrument.unit_id
    if len(occurrences) > 1 and not is_internal:
        errors["repeat_weeks"] = _("只有本单位用户可以按周重复预约。")
    if errors:
        raise ValidationError(errors)
    reason = unbookable_reason(access_for(user), instrument, conf)
    if reason:
        raise ValidationError({"instrument": reason})
    terms = facts.alliance_terms.get(organization.pk) if organization is not None else None
    for index, (start, end) in enumerate(occurrences):
        errors = check_times(conf, start, end, now, priority_days=terms.priority_days if terms else 0)
        if errors:
            raise series_error(errors, index, start)
    rules = Rules(instrument, conf, user, is_internal, facts)
    for index, (start, end) in enumerate(occurrences):
        errors = rules.check(start, end)
        if errors:
            raise series_error(errors, index, start)
        rules.held.append(HeldTime(user.pk, is_internal, start, end))
    status = S.REQUESTED if conf.requires_approval else S.CONFIRMED
    series = uuid.uuid4() if len(occurrences) > 1 else None
    service_records = records.open_records(
        [
            records.build(
                ServiceKind.SELF_OPERATION,
                instrument=instrument,
                user=user,
                user_organization=organization,
                is_internal=is_internal,
                reference=f"{as_local(start):%Y-%m-%d %H:%M}",
                content=purpose,
                planned_hours=hours_between(start, end),
                sample_count=sample_count,
            )
            for start, end in occurrences
        ],
        member_category=terms.member_category if terms else "",
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            record=record,
            instrument=instrument,
            user=user,
            user_organization=organization,
            is_internal=is_internal,
            status=status,
            starts_at=start,
            ends_at=end,
            purpose=purpose,
            sample_count=sample_count,
            series=series,
        )
        for record, (start, end) in zip(service_records, occurrences, strict=True)
    )
    BOOKING_MACHINE.record_created_many(bookings, actor=user)
    _notify_requested(bookings, [instrument.manager, *facts.staff])
    return bookings


def _notify_requested(bookings: list[Booking], service_staff: list | None = None) -> None:
    first = bookings[0]
    values = {
        "instrument": first.instrument.name,
        "when": when(first.starts_at, first.ends_at),
        "user": first.user.get_full_name(),
        "count": len(bookings),
    }
    if first.status == S.REQUESTED:
        subject = Phrase(gettext_lazy("预约待审核：%(instrument)s %(when)s（%(user)s）"), **values)
    else:
        subject = Phrase(gettext_lazy("新预约：%(instrument)s %(when)s（%(user)s）"), **values)
    body = Phrase(gettext_lazy("共 %(count)d 次，每周同一时间。"), **values) if len(bookings) > 1 else ""
    if service_staff is None:
        service_staff = _service_staff(first.instrument)
    staff = [person for person in service_staff if person != first.user]
    notify(staff, subject, body, booking_url(first), **booking_mail(first, "staff"))
    if first.status == S.CONFIRMED:
        tell_user(first, gettext_lazy("预约已确认：%(instrument)s %(when)s"), body)


# --- the booking's life -------------------------------------------------------------------------------------------


def _permitted(actor):
    """``permitted`` for every step: the instrument's service staff take their steps; cancelling is also for the
    booking's own user, before the cutoff (staff: before the end)."""

    def permitted(booking: Booking, step: Transition) -> bool:
        access = access_for(actor)
        if step.who == SERVER and not can_serve(access, booking.instrument):
            raise PermissionDenied(_("只有该仪器的机组负责人、单位管理员和实验技术人员可以执行此操作。"))
        if step.who == USER_OR_SERVER:
            if booking.user_id != access.user_id and not can_serve(access, booking.instrument):
                raise PermissionDenied(_("您只能取消自己的预约。"))
            refusal = _cancel_refusal(booking, access, timezone.now())
            if refusal:
                raise ValidationError({"status": refusal})
        return True

    return permitted


def _decide(booking: Booking, actor) -> None:
    booking.decided_by = actor
    booking.decided_at = timezone.now()


@transaction.atomic
def approve(booking: Booking, *, actor, comment: str = "") -> Booking:
    def prepare(booking: Booking, step: Transition) -> None:
        if booking.ends_at <= timezone.now():
            raise ValidationError({"status": _("预约时段已过，不能再审核通过。")})
        _decide(booking, actor)

    booking = BOOKING_MACHINE.run(
        booking,
        "approve",
        actor=actor,
        comment=comment,
        permitted=_permitted(actor),
        prepare=prepare,
    )
    tell_user(booking, gettext_lazy("预约已通过审核：%(instrument)s %(when)s"), comment)
    return booking


@transaction.atomic
def reject(booking: Booking, *, actor, comment: str) -> Booking:
    booking = BOOKING_MACHINE.run(
        booking,
        "reject",
        actor=actor,
        comment=comment,
        permitted=_permitted(actor),
        prepare=lambda booking, step: _decide(booking, actor),
    )
    records.close(booking.record, actor=actor)
    tell_user(booking, gettext_lazy("预约未通过审核：%(instrument)s %(when)s"), (comment or "").strip())
    offer_freed_time(booking.instrument, booking.starts_at, booking.ends_at)
    return booking


def _cancel_refusal(booking: Booking, access: Access, now: dt.datetime) -> str | None:
    """Why ``access`` may not cancel this booking now (None: they may)."""
    if booking.status == S.CANCELLED:
        return _("该预约已经取消，无需重复取消。")
    if not BOOKING_MACHINE.allows(booking, "cancel"):
        return _("预约当前状态为“%(status)s”，不能取消。") % {"status": booking.get_status_display()}
    if can_serve(access, booking.instrument):
        return None if now < booking.ends_at else _("预约时段已结束，不能取消。")
    if booking.user_id != access.user_id:
        return _("您只能取消自己的预约。")
    cutoff = settings_or_defaults(booking.instrument).cancellation_cutoff_hours
    if now > booking.starts_at - dt.timedelta(hours=cutoff):
        return _("开始前 %(hours)d 小时内不能自行取消，请联系机组负责人。") % {"hours": cutoff}
    return None


@transaction.atomic
def cancel(booking: Booking, *, actor, reason: str = "") -> Booking:
    """The user cancels before the cutoff, or service staff at any time before the end; the waitlist is offered
    the freed time."""
    booking = BOOKING_MACHINE.run(booking, "cancel", actor=actor, comment=reason, permitted=_permitted(actor))
    records.close(booking.record, actor=actor)
    now = timezone.now()
    if actor.pk == booking.user_id and credit.is_late_cancellation(booking, Deployment.current(), now):
        credit.record_mark(booking, CreditEvent.Kind.LATE_CANCELLATION, now=now)
    reason = (reason or "").strip()
    values = {
        "instrument": booking.instrument.name,
        "when": when(booking.starts_at, booking.ends_at),
        "user": booking.user.get_full_name(),
    }
    if actor.pk == booking.user_id:
        notify(
            _service_staff(booking.instrument),
            Phrase(gettext_lazy("预约已由用户取消：%(instrument)s %(when)s（%(user)s）"), **values),
            reason,
            booking_url(booking),
            **booking_mail(booking, "staff"),
        )
    else:
        tell_user(booking, gettext_lazy("您的预约已被取消：%(instrument)s %(when)s"), reason)
    offer_freed_time(booking.instrument, booking.starts_at, booking.ends_at)
    return booking


@transaction.atomic
def check_in(booking: Booking, *, actor, at: dt.datetime | None = None) -> Booking:
    """The user has arrived: the actual start is recorded (now unless given)."""

    def prepare(booking: Booking, step: Transition) -> None:
        now = timezone.now()
        start = now if at is None else aware(at, "at")
        if start > now:
            raise ValidationError({"at": _("签到时间不能晚于当前时间。")})
        if start >= booking.ends_at:
            raise ValidationError({"at": _("签到时间不能晚于预约结束时间。")})
        booking.actual_start = start

    return BOOKING_MACHINE.run(booking, "check_in", actor=actor, permitted=_permitted(actor), prepare=prepare)


@transaction.atomic
def complete(
    booking: Booking, *, actor, actual_start: dt.datetime | None = None, actual_end: dt.datetime | None = None
) -> Booking:
    """Service done: actual times recorded and the service record completed (the layers above bill it, record
    the usage and ask the user to rate it).

    By default the actual start is the check-in (or booked start) and the actual end is now or the booked end,
    whichever is earlier; an overrun must be entered.
    """

    def prepare(booking: Booking, step: Transition) -> None:
        now = timezone.now()
        start = (
            aware(actual_start, "actual_start") if actual_start else booking.actual_start or booking.starts_at
        )
        end = aware(actual_end, "actual_end") if actual_end else min(now, booking.ends_at)
        if start >= now:
            raise ValidationError({"actual_start": _("上机尚未开始，不能完成。")})
        if end <= start:
            raise ValidationError({"actual_end": _("实际结束时间必须晚于实际开始时间。")})
        if end > now:
            raise ValidationError({"actual_end": _("实际结束时间不能晚于当前时间。")})
        booking.actual_start, booking.actual_end = start, end

    booking = BOOKING_MACHINE.run(
        booking, "complete", actor=actor, permitted=_permitted(actor), prepare=prepare
    )
    return _record_completed(booking, actor=actor)


@transaction.atomic
def mark_no_show(booking: Booking, *, actor) -> Booking:
    """The user did not come; the booking no longer holds its time and owes nothing."""

    def prepare(booking: Booking, step: Transition) -> None:
        if timezone.now() < booking.starts_at:
            raise ValidationError({"status": _("预约尚未开始，不能标记爽约。")})

    booking = BOOKING_MACHINE.run(
        booking, "no_show", actor=actor, permitted=_permitted(actor), prepare=prepare
    )
    return _missed(booking, actor=actor)


def _missed(booking: Booking, *, actor) -> Booking:
    records.close(booking.record, actor=actor)
    tell_user(booking, gettext_lazy("您未按预约上机，已记为爽约：%(instrument)s %(when)s"))
    credit.record_mark(booking, CreditEvent.Kind.NO_SHOW)
    return booking


def mark_missed_bookings(now: dt.datetime | None = None) -> int:
    """Confirmed bookings nobody checked in within the deployment's grace after the start become no-shows (the
    scheduled job): each through the machine with its audit event, its service record closed, the user told and
    marked on their credit. Returns how many."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=Deployment.current().no_show_grace_minutes)
    missed = 0
    for pk in Booking.objects.filter(status=S.CONFIRMED, starts_at__lte=now - grace).values_list(
        "pk", flat=True
    ):
        try:
            with transaction.atomic():
                booking = BOOKING_MACHINE.run(
                    Booking(pk=pk),
                    "no_show",
                    actor=None,
                    comment=_("开始后 %(minutes)d 分钟内未签到，系统自动记为爽约。")
                    % {"minutes": grace.seconds // 60},
                )
                _missed(booking, actor=None)
        except ValidationError:
            continue  # checked in or cancelled meanwhile
        missed += 1
    return missed


@transaction.atomic
def end_unattended(booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """Nobody checked out: the usage ends at the booked end (the system's step, no actor); the service record is
    completed as by ``complete`` and the booking is flagged for the unit to check."""

    def prepare(booking: Booking, step: Transition) -> None:
        start = booking.actual_start or booking.starts_at
        booking.actual_start, booking.actual_end = (
            start,
            max(booking.ends_at, start + dt.timedelta(minutes=1)),
        )
        booking.ended_automatically = True

    booking = BOOKING_MACHINE.run(
        booking,
        "complete",
        actor=None,
        comment=_("预约结束后无人签退，系统按预约结束时间自动结束上机。"),
        prepare=prepare,
        refusal=lambda booking: (
            _("预约当前状态为“%(status)s”，无需自动结束。") % {"status": booking.get_status_display()}
        ),
    )
    return _record_completed(booking, actor=None)


def _record_completed(booking: Booking, *, actor) -> Booking:
    """The service record completes with the booking's actual times (the layers above bill it and record usage)."""
    records.complete(
        booking.record,
        actor=actor,
        started_at=booking.actual_start,
        ended_at=booking.actual_end,
        sample_count=booking.sample_count,
    )
    return booking


def available_actions(booking: Booking, access: Access) -> list[str]:
    """What ``access`` may do with the booking now: approve, reject, cancel, check_in, complete, no_show."""
    now = timezone.now()
    serving = can_serve(access, booking.instrument)
    allowed = {step.action for step in BOOKING_MACHINE.available(booking)} if serving else set()
    actions = [action for action in ("approve", "reject") if action in allowed and booking.ends_at > now]
    if (booking.user_id == access.user_id or serving) and _cancel_refusal(booking, access, now) is None:
        actions.append("cancel")
    if "check_in" in allowed and booking.ends_at > now:
        actions.append("check_in")
    if "complete" in allowed and (booking.actual_start or booking.starts_at) < now:
        actions.append("complete")
    if "no_show" in allowed and booking.starts_at <= now:
        actions.append("no_show")
    return actions


def visible_bookings(access: Access) -> QuerySet[Booking]:
    """Own bookings; every booking on the instruments of units where the user works; everything for admins."""
    bookings = Booking.objects.select_related(
        "instrument__service_settings", "instrument__unit", "user", "user_organization"
    )
    if access.is_platform_admin:
        return bookings
    if not access.is_authenticated:
        return bookings.none()
    return bookings.filter(Q(user_id=access.user_id) | Q(instrument__unit_id__in=access.staff_unit_ids))


@transaction.atomic
def accept_offer(entry: WaitlistEntry, *, user) -> Booking:
    """Book the offered window (through every booking rule); the entry stays offered if a rule refuses."""

    def prepare(entry: WaitlistEntry, step: Transition) -> None:
        if entry.offer_expires_at <= timezone.now():
            raise ValidationError({"status": _("确认期限已过，该时段已通知其他候补用户。")})

    entry = WAITLIST_MACHINE.run(
        entry,
        "accept",
        actor=user,
        permitted=own_entry(user),
        prepare=prepare,
        refusal=lambda entry: _("该候补没有待确认的空出时段。"),
    )
    bookings = request_booking(
        user=user,
        instrument=entry.instrument,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        purpose=entry.purpose or _("候补转预约"),
    )
    return bookings[0]


def servable_instruments(access: Access) -> list[Instrument]:
    """The instruments whose day-to-day service the user runs (``scoping.can_serve``), by name."""
    return list(served_instruments(access).only("id", "name", "unit_id", "manager_id").order_by("name", "pk"))
