"""Business rules of self-operation bookings: who may book what and when, the booking's life, the waitlist,
and the settings an instrument manager keeps. Views, the API and background tasks all call these.

No two slot-holding bookings of one instrument overlap: every write that could create or move held time locks
the instrument's ``ServiceSettings`` row first (PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``),
checks, and inserts; PostgreSQL's exclusion constraint ``booking_no_overlap`` is the last line of defence.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access, access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import organizations_of, users_with_role
from yiqi.fees import services as fees
from yiqi.fees.models import Charge
from yiqi.notifications.services import notify
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import can_manage_service, can_serve, is_open_for_service, sharing_admits
from yiqi.usage import services as usage

from .availability import (
    Availability,
    BusyPeriod,
    as_local,
    availability,
    blackouts_between,
    clip,
    covers,
    held_bookings_between,
    is_statutory_holiday,
    local_days,
    local_midnight,
    minutes_of,
    open_periods,
    settings_for,
    settings_or_defaults,
    weekly_hours,
)
from .models import (
    Blackout,
    Booking,
    BookingEvent,
    BookingStatus,
    OpenHours,
    Qualification,
    ServiceSettings,
    WaitlistEntry,
)

# The booking contract other apps and views rely on (availability and settings_for live in .availability).
__all__ = [
    "Availability",
    "BusyPeriod",
    "accept_offer",
    "add_blackout",
    "approve",
    "availability",
    "available_actions",
    "bookable",
    "cancel",
    "check_in",
    "complete",
    "decline_offer",
    "expire_offers",
    "grant_qualification",
    "is_qualified",
    "join_waitlist",
    "mark_no_show",
    "reject",
    "remove_blackout",
    "request_booking",
    "revoke_qualification",
    "save_service_settings",
    "send_reminders",
    "set_open_hours",
    "settings_for",
    "visible_bookings",
]

S = BookingStatus
MAX_REPEAT_WEEKS = 26
OFFER_VALID_FOR = dt.timedelta(hours=2)
REMIND_BEFORE = dt.timedelta(hours=24)


def booking_url(booking) -> str:
    return reverse("booking:detail", args=[booking.pk])


def _when(start: dt.datetime, end: dt.datetime) -> str:
    """A local time range for messages: ``2026-03-09 09:00–11:00`` (the end date only when it differs)."""
    start, end = as_local(start), as_local(end)
    same_day = start.date() == end.date()
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" if same_day else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
    )


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _service_staff(instrument: Instrument) -> list:
    staff = users_with_role(Role.UNIT_ADMIN, organization_id=instrument.unit_id) | users_with_role(
        Role.TECHNICIAN, organization_id=instrument.unit_id
    )
    return [instrument.manager, *staff]


def _conf(instrument: Instrument) -> ServiceSettings:
    """The settings, from ``select_related`` when the caller joined them."""
    try:
        return instrument.service_settings
    except ServiceSettings.DoesNotExist:
        return settings_or_defaults(instrument)


def _event(booking: Booking, source: str, actor, comment: str = "") -> None:
    BookingEvent.objects.create(
        booking=booking, from_status=source, to_status=booking.status, actor=actor, comment=comment[:500]
    )


# --- who may book ------------------------------------------------------------------------------------------------


def _unbookable_reason(access: Access, instrument: Instrument, conf: ServiceSettings) -> str | None:
    if not is_open_for_service(instrument) or not instrument.offers_self_operation:
        return _("该仪器目前不提供自主上机预约。")
    if not sharing_admits(access, instrument):
        return _("该仪器仅供本单位内部使用。")
    if not conf.bookings_open:
        return _("该仪器暂停接受在线预约。")
    return None


def bookable(access: Access, instrument: Instrument) -> bool:
    """Open for service, self-operation offered, bookings open, and the sharing mode lets this user in.

    Anonymous visitors count as would-be external users (they are asked to log in when they book).
    """
    return _unbookable_reason(access, instrument, settings_or_defaults(instrument)) is None


def _user_organization(user, chosen) -> Organization | None:
    organizations = list(organizations_of(user))
    if chosen is None or chosen == "":
        return organizations[0] if organizations else None
    chosen_id = chosen.pk if isinstance(chosen, Organization) else chosen
    for organization in organizations:
        if str(organization.pk) == str(chosen_id):
            return organization
    raise ValidationError({"user_organization": _("请选择您所属的单位。")})


def is_qualified(user, instrument: Instrument, on_date: dt.date) -> bool:
    """An unrevoked qualification on this instrument that has not expired by ``on_date``."""
    return Qualification.objects.filter(
        instrument=instrument, user=user, revoked_at__isnull=True, expires_on__gte=on_date
    ).exists()


# --- the rules a requested time must pass -------------------------------------------------------------------------


def _aware(value, field_name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field_name: _("请填写有效的日期和时间。")})
    return as_local(value)


def _check_times(conf: ServiceSettings, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict:
    """Rules that need no database: order, lead time, horizon, slot alignment, length. Field → message."""
    errors: dict[str, str] = {}
    if end <= start:
        return {"ends_at": _("结束时间必须晚于开始时间。")}
    if start <= now:
        errors["starts_at"] = _("开始时间已过，请选择将来的时间。")
    elif start < now + dt.timedelta(hours=conf.lead_time_hours):
        errors["starts_at"] = _("须至少提前 %(hours)d 小时预约。") % {"hours": conf.lead_time_hours}
    if end > now + dt.timedelta(days=conf.horizon_days):
        errors["ends_at"] = _("最多可预约 %(days)d 天以内的时间。") % {"days": conf.horizon_days}
    slot = conf.slot_minutes
    for name, moment in (("starts_at", start), ("ends_at", end)):
        local = as_local(moment)
        if (local.hour * 60 + local.minute) % slot or local.second or local.microsecond:
            errors.setdefault(
                name, _("时间须按 %(slot)d 分钟的整数倍选择（如 09:00、09:30）。") % {"slot": slot}
            )
    length = int((end - start).total_seconds() // 60)
    if length < conf.min_booking_minutes:
        errors.setdefault(
            "ends_at", _("预约时长不能少于 %(minutes)d 分钟。") % {"minutes": conf.min_booking_minutes}
        )
    elif length > conf.max_booking_minutes:
        errors.setdefault(
            "ends_at",
            _("预约时长不能超过 %(hours)s 小时。") % {"hours": _hours(conf.max_booking_minutes)},
        )
    return errors


def _week_of(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The local ISO week (Monday 00:00 to the next Monday 00:00) holding ``moment``."""
    day = as_local(moment).date()
    monday = day - dt.timedelta(days=day.weekday())
    return local_midnight(monday), local_midnight(monday + dt.timedelta(days=7))


@dataclass
class _HeldTime:
    user_id: int
    is_internal: bool
    start: dt.datetime
    end: dt.datetime


@dataclass
class _Rules:
    """Everything the checks of one request (a single booking or a weekly series) need, loaded once."""

    instrument: Instrument
    conf: ServiceSettings
    user: object
    is_internal: bool
    span_start: dt.datetime
    span_end: dt.datetime
    hours: list = field(default_factory=list)
    blackouts: list = field(default_factory=list)
    held: list[_HeldTime] = field(default_factory=list)
    qualified_until: dt.date | None = None

    def load(self) -> "_Rules":
        weeks_from, weeks_to = _week_of(self.span_start)[0], _week_of(self.span_end)[1]
        self.hours = weekly_hours(self.instrument)
        if self.conf.requires_qualification:
            self.qualified_until = Qualification.objects.filter(
                instrument=self.instrument, user=self.user, revoked_at__isnull=True
            ).aggregate(until=Max("expires_on"))["until"]
        self.blackouts = blackouts_between(self.instrument, self.span_start, self.span_end)
        self.held = [
            _HeldTime(*row)
            for row in held_bookings_between(self.instrument, weeks_from, weeks_to).values_list(
                "user_id", "is_internal", "starts_at", "ends_at"
            )
        ]
        return self

    def check(self, start: dt.datetime, end: dt.datetime) -> dict:
        """The first rule this time breaks, as ``{field: message}``; empty when it may be booked."""
        conf = self.conf
        periods = open_periods(self.hours, start, end, skip_holidays=False)
        if not covers(periods, start, end):
            return {"starts_at": _("所选时间不在开放时间内，请对照可预约时段选择。")}
        if conf.closed_on_holidays:
            holidays = [day for day in local_days(start, end) if is_statutory_holiday(day)]
            if holidays:
                return {
                    "starts_at": _("%(date)s 是法定节假日，仪器不开放。") % {"date": holidays[0].isoformat()}
                }
        for blackout_start, blackout_end in self.blackouts:
            if blackout_start < end and blackout_end > start:
                return {
                    "starts_at": _("%(when)s 仪器停机或保留，不能预约。")
                    % {"when": _when(blackout_start, blackout_end)}
                }
        for held in self.held:
            if held.start < end and held.end > start:
                return {"starts_at": _overlap_message(held.start, held.end)}
        if conf.requires_qualification:
            for day in (as_local(start).date(), as_local(end - dt.timedelta(microseconds=1)).date()):
                if self.qualified_until is None or day > self.qualified_until:
                    return {
                        "instrument": _(
                            "您在 %(date)s 没有有效的上机资格，请先参加培训并由机组负责人授予资格。"
                        )
                        % {"date": day.isoformat()}
                    }
        return self._check_weeks(start, end)

    def _check_weeks(self, start: dt.datetime, end: dt.datetime) -> dict:
        conf = self.conf
        week_start, week_end = _week_of(start)
        while week_start < end:
            new = minutes_of(clip([(start, end)], week_start, week_end))
            if conf.weekly_quota_hours:
                used = minutes_of(
                    clip(
                        [(h.start, h.end) for h in self.held if h.user_id == self.user.pk],
                        week_start,
                        week_end,
                    )
                )
                if used + new > conf.weekly_quota_hours * 60:
                    return {
                        "ends_at": _(
                            "超出每周预约上限：%(week)s 这一周您已预约 %(used)s 小时，本次 %(new)s 小时，"
                            "每人每周最多 %(limit)d 小时。"
                        )
                        % {
                            "week": as_local(week_start).date().isoformat(),
                            "used": _hours(used),
                            "new": _hours(new),
                            "limit": conf.weekly_quota_hours,
                        }
                    }
            if conf.internal_reserved_percent and not self.is_internal:
                open_minutes = minutes_of(
                    clip(
                        open_periods(self.hours, week_start, week_end, skip_holidays=conf.closed_on_holidays),
                        week_start,
                        week_end,
                    )
                )
                allowed = open_minutes * (100 - conf.internal_reserved_percent) // 100
                used = minutes_of(
                    clip([(h.start, h.end) for h in self.held if not h.is_internal], week_start, week_end)
                )
                if used + new > allowed:
                    return {
                        "ends_at": _(
                            "%(week)s 这一周对外开放的机时已约满：本仪器保留 %(percent)d%% 的开放时间用于本单位"
                            "教学科研，这一周对外还可预约 %(left)s 小时。"
                        )
                        % {
                            "week": as_local(week_start).date().isoformat(),
                            "percent": conf.internal_reserved_percent,
                            "left": _hours(max(allowed - used, 0)),
                        }
                    }
            week_start, week_end = week_end, _week_of(week_end)[1]
        return {}


def _overlap_message(start: dt.datetime, end: dt.datetime) -> str:
    return _("该时段已被预约（%(when)s），请选择其他时间。") % {"when": _when(start, end)}


def _series_error(errors: dict, index: int, start: dt.datetime) -> ValidationError:
    """Errors of the n-th occurrence of a series say which one it is."""
    if index:
        prefix = _("第 %(n)d 次（%(date)s）：") % {"n": index + 1, "date": as_local(start).date().isoformat()}
        errors = {name: prefix + message for name, message in errors.items()}
    return ValidationError(errors)


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
    access = access_for(user)
    conf = settings_for(instrument)
    reason = _unbookable_reason(access, instrument, conf)
    if reason:
        raise ValidationError({"instrument": reason})
    organization = _user_organization(user, user_organization)
    is_internal = organization is not None and organization.pk == instrument.unit_id
    purpose = (purpose or "").strip()
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    errors = {}
    if not purpose:
        errors["purpose"] = _("请填写用途或实验内容。")
    elif len(purpose) > 300:
        errors["purpose"] = _("用途或实验内容不能超过 300 字。")
    if sample_count is None or sample_count < 0:
        errors["sample_count"] = _("样品数不能为负数。")
    if repeat_weeks is None or not 0 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        errors["repeat_weeks"] = _("重复周数须在 0 到 %(max)d 之间。") % {"max": MAX_REPEAT_WEEKS}
    elif repeat_weeks and not is_internal:
        errors["repeat_weeks"] = _("只有本单位用户可以按周重复预约。")
    if errors:
        raise ValidationError(errors)
    # Weekly in local wall-clock time (Shanghai keeps no daylight saving, but the rule is local time).
    occurrences = [
        ((start + dt.timedelta(weeks=n)).astimezone(dt.UTC), (end + dt.timedelta(weeks=n)).astimezone(dt.UTC))
        for n in range(repeat_weeks + 1)
    ]
    now = timezone.now()
    for index, (s, e) in enumerate(occurrences):
        errors = _check_times(conf, s, e, now)
        if errors:
            raise _series_error(errors, index, s)
    try:
        with transaction.atomic():
            return _create_bookings(
                user, instrument, organization, is_internal, occurrences, purpose, sample_count or 0
            )
    except IntegrityError as exc:
        # A concurrent writer won the slot between our check and insert (PostgreSQL's exclusion constraint).
        if "booking_no_overlap" in str(exc):
            raise ValidationError({"starts_at": _("该时段已被预约，请选择其他时间。")}) from exc
        raise


def _create_bookings(user, instrument, organization, is_internal, occurrences, purpose, sample_count):
    # The lock that serialises every booking write of this instrument (PostgreSQL); re-read under it.
    conf = ServiceSettings.objects.select_for_update().get(pk=instrument.pk)
    rules = _Rules(instrument, conf, user, is_internal, occurrences[0][0], occurrences[-1][1]).load()
    for index, (start, end) in enumerate(occurrences):
        errors = rules.check(start, end)
        if errors:
            raise _series_error(errors, index, start)
        rules.held.append(_HeldTime(user.pk, is_internal, start, end))
    status = S.REQUESTED if conf.requires_approval else S.CONFIRMED
    series = uuid.uuid4() if len(occurrences) > 1 else None
    bookings = []
    for start, end in occurrences:
        booking = Booking.objects.create(
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
        _event(booking, "", user)
        fees.quote_booking(booking)
        bookings.append(booking)
    _notify_requested(bookings)
    return bookings


def _notify_requested(bookings: list[Booking]) -> None:
    first = bookings[0]
    values = {
        "instrument": first.instrument.name,
        "when": _when(first.starts_at, first.ends_at),
        "user": first.user.get_full_name(),
        "count": len(bookings),
    }
    if first.status == S.REQUESTED:
        subject = _("预约待审核：%(instrument)s %(when)s（%(user)s）") % values
    else:
        subject = _("新预约：%(instrument)s %(when)s（%(user)s）") % values
    body = _("共 %(count)d 次，每周同一时间。") % values if len(bookings) > 1 else ""
    staff = [person for person in _service_staff(first.instrument) if person != first.user]
    notify(staff, subject, body, booking_url(first))
    if first.status == S.CONFIRMED:
        notify([first.user], _("预约已确认：%(instrument)s %(when)s") % values, body, booking_url(first))


# --- the booking's life -------------------------------------------------------------------------------------------


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("instrument", "user", "user_organization")
        .get(pk=booking.pk)
    )


def _require_state(booking: Booking, *states: str) -> None:
    if booking.status not in states:
        raise ValidationError(
            {
                "status": _("预约当前状态为“%(status)s”，不能执行此操作。")
                % {"status": booking.get_status_display()}
            }
        )


def _require_server(actor, booking: Booking) -> None:
    if not can_serve(access_for(actor), booking.instrument):
        raise PermissionDenied(_("只有该仪器的机组负责人、单位管理员和实验技术人员可以执行此操作。"))


def _move(booking: Booking, status: str, actor, comment: str = "", **changes) -> Booking:
    source = booking.status
    booking.status = status
    for name, value in changes.items():
        setattr(booking, name, value)
    booking.save()
    _event(booking, source, actor, comment)
    return booking


def _void_charge(booking: Booking, actor) -> None:
    charge = Charge.objects.filter(booking=booking).first()
    if charge is not None:
        fees.void(charge, actor=actor)


def _tell_user(booking: Booking, subject: str, body: str = "") -> None:
    values = {"instrument": booking.instrument.name, "when": _when(booking.starts_at, booking.ends_at)}
    notify([booking.user], subject % values, body, booking_url(booking))


@transaction.atomic
def approve(booking: Booking, *, actor, comment: str = "") -> Booking:
    booking = _locked(booking)
    _require_server(actor, booking)
    _require_state(booking, S.REQUESTED)
    if booking.ends_at <= timezone.now():
        raise ValidationError({"status": _("预约时段已过，不能再审核通过。")})
    _move(booking, S.CONFIRMED, actor, comment, decided_by=actor, decided_at=timezone.now())
    _tell_user(booking, _("预约已通过审核：%(instrument)s %(when)s"), comment)
    return booking


@transaction.atomic
def reject(booking: Booking, *, actor, comment: str) -> Booking:
    booking = _locked(booking)
    _require_server(actor, booking)
    _require_state(booking, S.REQUESTED)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("请填写不通过的理由。")})
    _move(booking, S.REJECTED, actor, comment, decided_by=actor, decided_at=timezone.now())
    _void_charge(booking, actor)
    _tell_user(booking, _("预约未通过审核：%(instrument)s %(when)s"), comment)
    _offer_freed_time(booking.instrument, booking.starts_at, booking.ends_at)
    return booking


def _cancel_refusal(booking: Booking, access: Access, now: dt.datetime) -> str | None:
    """Why ``access`` may not cancel this booking now (None: they may)."""
    if booking.status == S.CANCELLED:
        return _("该预约已经取消，无需重复取消。")
    if booking.status not in (S.REQUESTED, S.CONFIRMED):
        return _("预约当前状态为“%(status)s”，不能取消。") % {"status": booking.get_status_display()}
    if can_serve(access, booking.instrument):
        return None if now < booking.ends_at else _("预约时段已结束，不能取消。")
    if booking.user_id != access.user_id:
        return _("您只能取消自己的预约。")
    cutoff = _conf(booking.instrument).cancellation_cutoff_hours
    if now > booking.starts_at - dt.timedelta(hours=cutoff):
        return _("开始前 %(hours)d 小时内不能自行取消，请联系机组负责人。") % {"hours": cutoff}
    return None


@transaction.atomic
def cancel(booking: Booking, *, actor, reason: str = "") -> Booking:
    """The user cancels before the cutoff, or service staff at any time before the end; the waitlist is offered
    the freed time."""
    booking = _locked(booking)
    access = access_for(actor)
    if booking.user_id != access.user_id and not can_serve(access, booking.instrument):
        raise PermissionDenied(_("您只能取消自己的预约。"))
    refusal = _cancel_refusal(booking, access, timezone.now())
    if refusal:
        raise ValidationError({"status": refusal})
    reason = (reason or "").strip()
    _move(booking, S.CANCELLED, actor, reason)
    _void_charge(booking, actor)
    values = {
        "instrument": booking.instrument.name,
        "when": _when(booking.starts_at, booking.ends_at),
        "user": booking.user.get_full_name(),
    }
    if actor.pk == booking.user_id:
        notify(
            _service_staff(booking.instrument),
            _("预约已由用户取消：%(instrument)s %(when)s（%(user)s）") % values,
            reason,
            booking_url(booking),
        )
    else:
        _tell_user(booking, _("您的预约已被取消：%(instrument)s %(when)s"), reason)
    _offer_freed_time(booking.instrument, booking.starts_at, booking.ends_at)
    return booking


@transaction.atomic
def check_in(booking: Booking, *, actor, at: dt.datetime | None = None) -> Booking:
    """The user has arrived: the actual start is recorded (now unless given)."""
    booking = _locked(booking)
    _require_server(actor, booking)
    _require_state(booking, S.CONFIRMED)
    now = timezone.now()
    at = now if at is None else _aware(at, "at")
    if at > now:
        raise ValidationError({"at": _("签到时间不能晚于当前时间。")})
    if at >= booking.ends_at:
        raise ValidationError({"at": _("签到时间不能晚于预约结束时间。")})
    return _move(booking, S.CHECKED_IN, actor, actual_start=at)


@transaction.atomic
def complete(
    booking: Booking, *, actor, actual_start: dt.datetime | None = None, actual_end: dt.datetime | None = None
) -> Booking:
    """Service done: actual times recorded, the bill issued, a usage record written, the user asked to rate.

    By default the actual start is the check-in (or booked start) and the actual end is now or the booked end,
    whichever is earlier; an overrun must be entered.
    """
    booking = _locked(booking)
    _require_server(actor, booking)
    _require_state(booking, S.CONFIRMED, S.CHECKED_IN)
    now = timezone.now()
    start = (
        _aware(actual_start, "actual_start") if actual_start else booking.actual_start or booking.starts_at
    )
    end = _aware(actual_end, "actual_end") if actual_end else min(now, booking.ends_at)
    if start >= now:
        raise ValidationError({"actual_start": _("上机尚未开始，不能完成。")})
    if end <= start:
        raise ValidationError({"actual_end": _("实际结束时间必须晚于实际开始时间。")})
    if end > now:
        raise ValidationError({"actual_end": _("实际结束时间不能晚于当前时间。")})
    _move(booking, S.COMPLETED, actor, actual_start=start, actual_end=end)
    fees.bill_booking(booking)
    usage.record_for_booking(booking, actor=actor)
    _tell_user(
        booking,
        _("上机已完成，请评价服务：%(instrument)s %(when)s"),
        _("请对本次服务的及时性、态度和结果质量进行评价，您的评价将用于仪器开放共享考核。"),
    )
    return booking


@transaction.atomic
def mark_no_show(booking: Booking, *, actor) -> Booking:
    """The user did not come; the booking no longer holds its time and owes nothing."""
    booking = _locked(booking)
    _require_server(actor, booking)
    _require_state(booking, S.CONFIRMED)
    if timezone.now() < booking.starts_at:
        raise ValidationError({"status": _("预约尚未开始，不能标记爽约。")})
    _move(booking, S.NO_SHOW, actor)
    _void_charge(booking, actor)
    _tell_user(booking, _("您未按预约上机，已记为爽约：%(instrument)s %(when)s"))
    return booking


def available_actions(booking: Booking, access: Access) -> list[str]:
    """What ``access`` may do with the booking now: approve, reject, cancel, check_in, complete, no_show."""
    now = timezone.now()
    serving = can_serve(access, booking.instrument)
    status = booking.status
    actions = []
    if serving and status == S.REQUESTED and booking.ends_at > now:
        actions += ["approve", "reject"]
    if (booking.user_id == access.user_id or serving) and _cancel_refusal(booking, access, now) is None:
        actions.append("cancel")
    if serving and status == S.CONFIRMED and booking.ends_at > now:
        actions.append("check_in")
    if (
        serving
        and status in (S.CONFIRMED, S.CHECKED_IN)
        and (booking.actual_start or booking.starts_at) < now
    ):
        actions.append("complete")
    if serving and status == S.CONFIRMED and booking.starts_at <= now:
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


# --- waitlist -----------------------------------------------------------------------------------------------------

W = WaitlistEntry.Status


def join_waitlist(*, user, instrument: Instrument, starts_at, ends_at, purpose: str = "") -> WaitlistEntry:
    """Wait for a taken time window; the user is offered it if it frees up."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("请先登录再候补。"))
    reason = _unbookable_reason(access_for(user), instrument, settings_or_defaults(instrument))
    if reason:
        raise ValidationError({"instrument": reason})
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    if start <= timezone.now():
        raise ValidationError({"starts_at": _("开始时间已过，请选择将来的时间。")})
    if not held_bookings_between(instrument, start, end).exists():
        raise ValidationError({"starts_at": _("该时段目前无人预约，请直接预约。")})
    if WaitlistEntry.objects.filter(
        instrument=instrument,
        user=user,
        status__in=(W.WAITING, W.OFFERED),
        starts_at__lt=end,
        ends_at__gt=start,
    ).exists():
        raise ValidationError({"starts_at": _("您已在候补这一时段。")})
    return WaitlistEntry.objects.create(
        instrument=instrument, user=user, starts_at=start, ends_at=end, purpose=(purpose or "").strip()[:300]
    )


def _offer_freed_time(instrument: Instrument, start: dt.datetime, end: dt.datetime) -> list[WaitlistEntry]:
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
        .select_related("user", "instrument")
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
        entry.status = W.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(now + OFFER_VALID_FOR, entry.starts_at)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        taken.append((entry.starts_at, entry.ends_at))
        offered.append(entry)
        notify(
            [entry.user],
            _("候补时段已空出：%(instrument)s %(when)s")
            % {"instrument": instrument.name, "when": _when(entry.starts_at, entry.ends_at)},
            _("请在 %(deadline)s 前确认预约，逾期将通知下一位候补用户。")
            % {"deadline": f"{as_local(entry.offer_expires_at):%Y-%m-%d %H:%M}"},
            reverse("booking:waitlist"),
        )
    return offered


def _locked_entry(entry: WaitlistEntry, user) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().select_related("instrument").get(pk=entry.pk)
    if user is None or entry.user_id != user.pk:
        raise PermissionDenied(_("这不是您的候补。"))
    return entry


@transaction.atomic
def accept_offer(entry: WaitlistEntry, *, user) -> Booking:
    """Book the offered window (through every booking rule); the entry stays offered if a rule refuses."""
    entry = _locked_entry(entry, user)
    if entry.status != W.OFFERED:
        raise ValidationError({"status": _("该候补没有待确认的空出时段。")})
    if entry.offer_expires_at <= timezone.now():
        raise ValidationError({"status": _("确认期限已过，该时段已通知其他候补用户。")})
    bookings = request_booking(
        user=user,
        instrument=entry.instrument,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        purpose=entry.purpose or _("候补转预约"),
    )
    entry.status = W.ACCEPTED
    entry.save(update_fields=["status"])
    return bookings[0]


@transaction.atomic
def decline_offer(entry: WaitlistEntry, *, user) -> WaitlistEntry:
    """Leave the waitlist; a declined offer goes to the next user waiting."""
    entry = _locked_entry(entry, user)
    if entry.status not in (W.WAITING, W.OFFERED):
        raise ValidationError(
            {"status": _("该候补当前状态为“%(status)s”，无需取消。") % {"status": entry.get_status_display()}}
        )
    was_offered = entry.status == W.OFFERED
    entry.status = W.CANCELLED
    entry.save(update_fields=["status"])
    if was_offered:
        _offer_freed_time(entry.instrument, entry.starts_at, entry.ends_at)
    return entry


@transaction.atomic
def expire_offers() -> int:
    """Offers not taken up in time pass to the next user waiting; windows already begun stop waiting."""
    now = timezone.now()
    expired = list(
        WaitlistEntry.objects.select_for_update()
        .filter(status=W.OFFERED, offer_expires_at__lte=now)
        .select_related("instrument")
    )
    for entry in expired:
        entry.status = W.EXPIRED
        entry.save(update_fields=["status"])
        _offer_freed_time(entry.instrument, entry.starts_at, entry.ends_at)
    WaitlistEntry.objects.filter(status=W.WAITING, starts_at__lte=now).update(status=W.EXPIRED)
    return len(expired)


def send_reminders() -> int:
    """Remind each user once, about a day before a confirmed booking starts."""
    now = timezone.now()
    due = Booking.objects.filter(
        status=S.CONFIRMED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).select_related("instrument", "user")
    sent = 0
    for booking in due:
        with transaction.atomic():
            # The conditional update claims the reminder, so overlapping runs never send it twice.
            if not Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            place = " ".join(part for part in (booking.instrument.building, booking.instrument.room) if part)
            _tell_user(
                booking,
                _("上机提醒：%(instrument)s %(when)s"),
                _("地点：%(place)s") % {"place": place} if place else "",
            )
            sent += 1
    return sent


# --- what the instrument manager sets -----------------------------------------------------------------------------

SETTINGS_FIELDS = frozenset(
    f.name for f in ServiceSettings._meta.concrete_fields if f.name not in ("instrument", "updated_at")
)


def _require_manager(actor, instrument: Instrument) -> None:
    if not can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("只有该仪器的机组负责人和单位管理员可以设置预约规则。"))


def _lock_settings(instrument: Instrument) -> ServiceSettings:
    settings_for(instrument)
    return ServiceSettings.objects.select_for_update().get(pk=instrument.pk)


@transaction.atomic
def save_service_settings(instrument: Instrument, *, actor, **fields) -> ServiceSettings:
    _require_manager(actor, instrument)
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise ValidationError(_("未知的设置项：%(names)s") % {"names": "、".join(sorted(unknown))})
    conf = _lock_settings(instrument)
    for name, value in fields.items():
        setattr(conf, name, value)
    conf.full_clean()
    conf.save()
    return conf


@transaction.atomic
def set_open_hours(instrument: Instrument, periods, *, actor) -> None:
    """Replace the weekly open hours with ``(weekday 0=Monday, start_minute, end_minute)`` periods."""
    _require_manager(actor, instrument)
    cleaned = []
    for weekday, start_minute, end_minute in periods:
        if not (0 <= weekday <= 6 and 0 <= start_minute < end_minute <= 1440):
            raise ValidationError(
                {"open_hours": _("开放时段无效：星期须为 0–6，时间须在 0–1440 分钟之间且结束晚于开始。")}
            )
        cleaned.append((int(weekday), int(start_minute), int(end_minute)))
    cleaned.sort()
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(cleaned, cleaned[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise ValidationError({"open_hours": _("同一天的开放时段不能重叠。")})
    _lock_settings(instrument)
    OpenHours.objects.filter(instrument=instrument).delete()
    OpenHours.objects.bulk_create(
        OpenHours(instrument=instrument, weekday=day, start_minute=first, end_minute=last)
        for day, first, last in cleaned
    )


@transaction.atomic
def add_blackout(instrument: Instrument, *, starts_at, ends_at, kind, reason, actor) -> Blackout:
    """Close a window for maintenance or the unit's own use; refused while bookings hold any of it."""
    _require_manager(actor, instrument)
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    if kind not in Blackout.Kind.values:
        raise ValidationError({"kind": _("请选择停机类型。")})
    _lock_settings(instrument)
    held = held_bookings_between(instrument, start, end).first()
    if held is not None:
        raise ValidationError(
            {
                "starts_at": _("该时段已有预约（%(when)s），请先与用户协商取消后再设置停机。")
                % {"when": _when(held.starts_at, held.ends_at)}
            }
        )
    blackout = Blackout(
        instrument=instrument,
        starts_at=start,
        ends_at=end,
        kind=kind,
        reason=(reason or "").strip(),
        created_by=actor,
    )
    blackout.full_clean()
    blackout.save()
    return blackout


@transaction.atomic
def remove_blackout(blackout: Blackout, *, actor) -> None:
    _require_manager(actor, blackout.instrument)
    blackout.delete()


@transaction.atomic
def grant_qualification(
    instrument: Instrument,
    user,
    *,
    trained_on: dt.date,
    expires_on: dt.date,
    training_record: str = "",
    actor,
) -> Qualification:
    """Let a trained user operate the instrument themself until ``expires_on`` (re-granting renews)."""
    _require_manager(actor, instrument)
    if expires_on < trained_on:
        raise ValidationError({"expires_on": _("有效期不能早于培训日期。")})
    qualification, _created = Qualification.objects.update_or_create(
        instrument=instrument,
        user=user,
        defaults={
            "trained_on": trained_on,
            "expires_on": expires_on,
            "training_record": (training_record or "").strip()[:300],
            "granted_by": actor,
            "revoked_at": None,
        },
    )
    notify(
        [user],
        _("您已获得上机资格：%(instrument)s（有效期至 %(date)s）")
        % {"instrument": instrument.name, "date": expires_on.isoformat()},
    )
    return qualification


@transaction.atomic
def revoke_qualification(qualification: Qualification, *, actor) -> None:
    _require_manager(actor, qualification.instrument)
    if qualification.revoked_at is not None:
        raise ValidationError({"status": _("该上机资格已经撤销。")})
    qualification.revoked_at = timezone.now()
    qualification.save(update_fields=["revoked_at"])
