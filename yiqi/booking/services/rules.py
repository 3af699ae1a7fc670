"""The checks a booking request must pass: who may book the instrument, and whether a requested time keeps to
open hours, holidays, blackouts, other bookings, live waitlist offers, qualification, quota and the internal
reserve. Nothing here writes."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.accounts.services import organizations_of
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import is_open_for_service, sharing_admits

from ..availability import (
    as_local,
    clip,
    grid_examples,
    is_on_grid,
    is_statutory_holiday,
    local_days,
    local_midnight,
    minutes_of,
    open_periods,
    period_holding,
    settings_or_defaults,
)
from ..models import Qualification, ServiceSettings
from .common import hours, when
from .reading import HeldTime, RequestFacts


def unbookable_reason(access: Access, instrument: Instrument, conf: ServiceSettings) -> str | None:
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
    return unbookable_reason(access, instrument, settings_or_defaults(instrument)) is None


def booking_organization(user, chosen, organizations=None) -> Organization | None:
    """The organisation the user books for: the one chosen (it must be theirs), else their first (by name).
    ``organizations``: the user's, when already read."""
    organizations = list(organizations_of(user)) if organizations is None else organizations
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


def check_times(
    conf: ServiceSettings, start: dt.datetime, end: dt.datetime, now: dt.datetime, *, priority_days: int = 0
) -> dict:
    """Rules that need no database: order, lead time, horizon (longer by an alliance's priority window for its
    members' users), length. Field → message. (Slots are counted from each open period's start: ``Rules.check``
    holds the open hours.)"""
    errors: dict[str, str] = {}
    if end <= start:
        return {"ends_at": _("结束时间必须晚于开始时间。")}
    if start <= now:
        errors["starts_at"] = _("开始时间已过，请选择将来的时间。")
    elif start < now + dt.timedelta(hours=conf.lead_time_hours):
        errors["starts_at"] = _("须至少提前 %(hours)d 小时预约。") % {"hours": conf.lead_time_hours}
    horizon = conf.horizon_days + priority_days
    if end > now + dt.timedelta(days=horizon):
        errors["ends_at"] = _("最多可预约 %(days)d 天以内的时间。") % {"days": horizon}
    length = int((end - start).total_seconds() // 60)
    if length < conf.min_booking_minutes:
        errors.setdefault(
            "ends_at", _("预约时长不能少于 %(minutes)d 分钟。") % {"minutes": conf.min_booking_minutes}
        )
    elif length > conf.max_booking_minutes:
        errors.setdefault(
            "ends_at",
            _("预约时长不能超过 %(hours)s 小时。") % {"hours": hours(conf.max_booking_minutes)},
        )
    return errors


def week_of(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The local ISO week (Monday 00:00 to the next Monday 00:00) holding ``moment``."""
    day = as_local(moment).date()
    monday = day - dt.timedelta(days=day.weekday())
    return local_midnight(monday), local_midnight(monday + dt.timedelta(days=7))


@dataclass
class Rules:
    """Everything the checks of one request (a single booking or a weekly series) need, read once
    (``reading.read_facts``)."""

    instrument: Instrument
    conf: ServiceSettings
    user: object
    is_internal: bool
    facts: RequestFacts

    @property
    def hours(self) -> list:
        return self.facts.hours

    @property
    def held(self) -> list[HeldTime]:
        return self.facts.held

    def check(self, start: dt.datetime, end: dt.datetime) -> dict:
        """The first rule this time breaks, as ``{field: message}``; empty when it may be booked."""
        conf = self.conf
        periods = open_periods(self.hours, start, end, skip_holidays=False)
        period = period_holding(periods, start, end)
        if period is None:
            return {"starts_at": _("所选时间不在开放时间内，请对照可预约时段选择。")}
        off_grid = grid_refusal(period, conf.slot_minutes, start, end)
        if off_grid:
            return off_grid
        if conf.closed_on_holidays:
            holidays = [day for day in local_days(start, end) if is_statutory_holiday(day)]
            if holidays:
                return {
                    "starts_at": _("%(date)s 是法定节假日，仪器不开放。") % {"date": holidays[0].isoformat()}
                }
        for blackout_start, blackout_end in self.facts.blackouts:
            if blackout_start < end and blackout_end > start:
                return {
                    "starts_at": _("%(when)s 仪器停机或保留，不能预约。")
                    % {"when": when(blackout_start, blackout_end)}
                }
        for held in self.held:
            if held.start < end and held.end > start:
                return {"starts_at": overlap_message(held.start, held.end)}
        for own in self.facts.own_elsewhere:
            if own.start < end and own.end > start:
                return {
                    "starts_at": _("您在 %(when)s 已预约“%(instrument)s”，同一时段不能再预约其他仪器。")
                    % {"when": when(own.start, own.end), "instrument": own.instrument_name}
                }
        for offer_start, offer_end, expires_at in self.facts.offers:
            if offer_start < end and offer_end > start:
                return {
                    "starts_at": _(
                        "%(when)s 已空出并留给候补用户确认，%(deadline)s 前不能预约，请选择其他时间。"
                    )
                    % {
                        "when": when(offer_start, offer_end),
                        "deadline": f"{as_local(expires_at):%Y-%m-%d %H:%M}",
                    }
                }
        if conf.requires_qualification:
            for day in (as_local(start).date(), as_local(end - dt.timedelta(microseconds=1)).date()):
                if self.facts.qualified_until is None or day > self.facts.qualified_until:
                    return {
                        "instrument": _(
                            "您在 %(date)s 没有有效的上机资格，请先参加培训并由机组负责人授予资格。"
                        )
                        % {"date": day.isoformat()}
                    }
        return self._check_weeks(start, end)

    def _check_weeks(self, start: dt.datetime, end: dt.datetime) -> dict:
        # A rule added here must also make ``counts_weeks`` true, or its week's bookings are never read.
        conf = self.conf
        week_start, week_end = week_of(start)
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
                            "used": hours(used),
                            "new": hours(new),
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
                            "left": hours(max(allowed - used, 0)),
                        }
                    }
            week_start, week_end = week_end, week_of(week_end)[1]
        return {}


def counts_weeks(conf: ServiceSettings) -> bool:
    """Whether a rule of ``Rules._check_weeks`` adds up the bookings of the request's weeks (weekly quota,
    internal reserve): only then are they all read."""
    return bool(conf.weekly_quota_hours or conf.internal_reserved_percent)


def grid_refusal(period, slot: int, start: dt.datetime, end: dt.datetime) -> dict:
    """Start and end must fall on the slot grid counted from the open period's start (the period's end also
    counts as an end); the message names valid times of that grid near the requested ones."""
    opening = f"{as_local(period[0]):%H:%M}"
    if not is_on_grid(period, start, slot) or start == period[1]:
        return {
            "starts_at": _("开始时间须从开放时段 %(opening)s 起每 %(slot)d 分钟一档选择，如 %(examples)s。")
            % {"opening": opening, "slot": slot, "examples": grid_examples(period, start, slot)}
        }
    if not is_on_grid(period, end, slot):
        return {
            "ends_at": _("结束时间须从开放时段 %(opening)s 起每 %(slot)d 分钟一档选择，如 %(examples)s。")
            % {"opening": opening, "slot": slot, "examples": grid_examples(period, end, slot, ends=True)}
        }
    return {}


def overlap_message(start: dt.datetime, end: dt.datetime) -> str:
    return _("该时段已被预约（%(when)s），请选择其他时间。") % {"when": when(start, end)}


def series_error(errors: dict, index: int, start: dt.datetime) -> ValidationError:
    """Errors of the n-th occurrence of a series say which one it is."""
    if index:
        prefix = _("第 %(n)d 次（%(date)s）：") % {"n": index + 1, "date": as_local(start).date().isoformat()}
        errors = {name: prefix + message for name, message in errors.items()}
    return ValidationError(errors)
