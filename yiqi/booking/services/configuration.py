"""What the instrument manager sets: service settings, weekly open hours, blackouts and qualifications.

The settings row is created only here, on a write path; pages and feeds read ``settings_or_defaults``. Every change
(settings, the open-hours set, a blackout added or removed, a qualification granted, renewed or revoked) leaves one
audit row with who, when and the old and new values as shown to people; ``settings_history`` lists them. Removing a
blackout is a soft delete: it stops closing time but stays with who removed it and when.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import access_for
from yiqi.core import changelog
from yiqi.core.validators import validate_near_date, validate_past_date
from yiqi.notifications.services import Phrase, notify
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import can_manage_service

from ..availability import held_bookings_between
from ..models import Blackout, OpenHours, Qualification, ServiceSettings
from .common import aware, when

SETTINGS_FIELDS = frozenset(
    f.name for f in ServiceSettings._meta.concrete_fields if f.name not in ("instrument", "updated_at")
)
_SETTINGS_ORDER = tuple(f.name for f in ServiceSettings._meta.concrete_fields if f.name in SETTINGS_FIELDS)
BLACKOUT_FIELDS = ("kind", "starts_at", "ends_at", "reason")
QUALIFICATION_FIELDS = ("trained_on", "expires_on", "training_record", "revoked_at")
HISTORY_LIMIT = 100


def _log(obj, action: str, actor, changes: dict, *, instrument: Instrument, about: str = "") -> None:
    changelog.record_change(obj, action, actor=actor, changes=changes, instrument=instrument.pk, about=about)


def settings_history(instrument: Instrument) -> list[dict]:
    """The latest changes to the instrument's booking settings, open hours, blackouts and qualifications, newest
    first, as plain rows."""
    events = changelog.history_of([ServiceSettings, Blackout, Qualification], instrument=instrument.pk)
    return changelog.change_rows(events[:HISTORY_LIMIT])


def settings_for(instrument: Instrument) -> ServiceSettings:
    """The stored settings, created with the defaults if missing. Write paths only: reads use
    ``settings_or_defaults``."""
    conf, _created = ServiceSettings.objects.get_or_create(instrument=instrument)
    return conf


def lock_settings(instrument: Instrument) -> ServiceSettings:
    """The settings row locked for this transaction (created first if missing): the lock that serialises every
    write to the instrument's bookings and settings on PostgreSQL. Call inside ``transaction.atomic``."""
    locked = ServiceSettings.objects.select_for_update().filter(pk=instrument.pk).first()
    if locked is None:
        settings_for(instrument)
        locked = ServiceSettings.objects.select_for_update().get(pk=instrument.pk)
    return locked


def _require_manager(actor, instrument: Instrument) -> None:
    if not can_manage_service(access_for(actor), instrument):
        raise PermissionDenied(_("只有该仪器的机组负责人和单位管理员可以设置预约规则。"))


@transaction.atomic
def save_service_settings(instrument: Instrument, *, actor, **fields) -> ServiceSettings:
    _require_manager(actor, instrument)
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise ValidationError(_("未知的设置项：%(names)s") % {"names": "、".join(sorted(unknown))})
    conf = lock_settings(instrument)
    before = changelog.snapshot(conf, _SETTINGS_ORDER)
    for name, value in fields.items():
        setattr(conf, name, value)
    conf.full_clean()
    conf.save()
    changes = changelog.diff(before, changelog.snapshot(conf, _SETTINGS_ORDER))
    if changes:
        _log(conf, "update", actor, changes, instrument=instrument)
    return conf


def _shown_hours(periods) -> dict[str, str]:
    """Open hours as shown to people: weekday label -> ``08:00–12:00、13:00–17:00``."""
    days = dict(OpenHours._meta.get_field("weekday").flatchoices)
    shown: dict[str, list[str]] = {}
    for weekday, first, last in sorted(periods):
        shown.setdefault(str(days[weekday]), []).append(
            f"{first // 60:02d}:{first % 60:02d}–{last // 60:02d}:{last % 60:02d}"
        )
    return {day: "、".join(spans) for day, spans in shown.items()}


MAX_PERIODS_PER_DAY = 6


def check_open_hours(periods, *, slot_minutes: int) -> list[tuple[int, int, int]]:
    """Weekly ``(weekday 0=Monday, start_minute, end_minute)`` periods, sorted, or a ValidationError on
    ``open_hours``: within the day, not overlapping, at most ``MAX_PERIODS_PER_DAY`` a day, each at least one slot
    long. The settings page, the API and the admin all check open hours here."""
    cleaned = []
    for weekday, start_minute, end_minute in periods:
        if not (0 <= weekday <= 6 and 0 <= start_minute < end_minute <= 1440):
            raise ValidationError(
                {"open_hours": _("开放时段无效：星期须为 0–6，时间须在 0–1440 分钟之间且结束晚于开始。")}
            )
        if end_minute - start_minute < slot_minutes:
            raise ValidationError(
                {
                    "open_hours": _("每个开放时段至少 %(minutes)d 分钟（预约的时间粒度）。")
                    % {"minutes": slot_minutes}
                }
            )
        cleaned.append((int(weekday), int(start_minute), int(end_minute)))
    cleaned.sort()
    per_day: dict[int, int] = {}
    for day, _first, _last in cleaned:
        per_day[day] = per_day.get(day, 0) + 1
        if per_day[day] > MAX_PERIODS_PER_DAY:
            raise ValidationError(
                {"open_hours": _("每天最多 %(count)d 个开放时段。") % {"count": MAX_PERIODS_PER_DAY}}
            )
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(cleaned, cleaned[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise ValidationError({"open_hours": _("同一天的开放时段不能重叠。")})
    return cleaned


@transaction.atomic
def set_open_hours(instrument: Instrument, periods, *, actor) -> None:
    """Replace the weekly open hours with ``(weekday 0=Monday, start_minute, end_minute)`` periods."""
    _require_manager(actor, instrument)
    conf = lock_settings(instrument)
    cleaned = check_open_hours(periods, slot_minutes=conf.slot_minutes)
    stored = OpenHours.objects.filter(instrument=instrument)
    before = _shown_hours(stored.values_list("weekday", "start_minute", "end_minute"))
    stored.delete()
    OpenHours.objects.bulk_create(
        OpenHours(instrument=instrument, weekday=day, start_minute=first, end_minute=last)
        for day, first, last in cleaned
    )
    changes = changelog.diff(before, _shown_hours(cleaned))
    if changes:
        _log(conf, "open_hours", actor, changes, instrument=instrument)


def check_blackout(instrument: Instrument, start: dt.datetime, end: dt.datetime) -> None:
    """A blackout may not end before it starts nor cover time a booking holds (ValidationError on the field).
    Call with the settings locked (``add_blackout``) or, from the admin, before saving."""
    if end <= start:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    held = held_bookings_between(instrument, start, end).first()
    if held is not None:
        raise ValidationError(
            {
                "starts_at": _("该时段已有预约（%(when)s），请先与用户协商取消后再设置停机。")
                % {"when": when(held.starts_at, held.ends_at)}
            }
        )


@transaction.atomic
def add_blackout(instrument: Instrument, *, starts_at, ends_at, kind, reason, actor) -> Blackout:
    """Close a window for maintenance or the unit's own use; refused while bookings hold any of it."""
    _require_manager(actor, instrument)
    start, end = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    if kind not in Blackout.Kind.values:
        raise ValidationError({"kind": _("请选择停机类型。")})
    lock_settings(instrument)
    check_blackout(instrument, start, end)
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
    shown = changelog.snapshot(blackout, BLACKOUT_FIELDS)
    _log(
        blackout,
        "create",
        actor,
        changelog.diff({}, shown),
        instrument=instrument,
        about=_blackout_about(blackout),
    )
    return blackout


@transaction.atomic
def remove_blackout(blackout: Blackout, *, actor) -> None:
    """Stop a blackout closing time. The row stays, with who removed it and when (a soft delete)."""
    _require_manager(actor, blackout.instrument)
    blackout = Blackout.objects.select_for_update().filter(pk=blackout.pk).first()
    if blackout is None:
        raise ValidationError({"blackout": _("该停机/保留时段已经删除。")})
    blackout.removed_at, blackout.removed_by = timezone.now(), actor
    blackout.save(update_fields=["removed_at", "removed_by"])
    shown = changelog.snapshot(blackout, BLACKOUT_FIELDS)
    _log(
        blackout,
        "delete",
        actor,
        changelog.diff(shown, {}),
        instrument=blackout.instrument,
        about=_blackout_about(blackout),
    )


def check_qualification_dates(trained_on: dt.date, expires_on: dt.date) -> None:
    """Training has happened (1950 … today); the qualification expires after it, within ten years from today."""
    errors = {}
    for field, day, validator in (
        ("trained_on", trained_on, validate_past_date),
        ("expires_on", expires_on, validate_near_date),
    ):
        try:
            validator(day)
        except ValidationError as error:
            errors[field] = error.messages
    if not errors and expires_on < trained_on:
        errors["expires_on"] = [_("有效期不能早于培训日期。")]
    if errors:
        raise ValidationError(errors)


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
    check_qualification_dates(trained_on, expires_on)
    stored = Qualification.objects.select_for_update().filter(instrument=instrument, user=user).first()
    before = changelog.snapshot(stored, QUALIFICATION_FIELDS) if stored is not None else {}
    qualification, _created = Qualification.objects.update_or_create(
        instrument=instrument,
        user=user,
        defaults={
            "trained_on": trained_on,
            "expires_on": expires_on,
            "training_record": (training_record or "").strip()[:300],
            "granted_by": actor,
            "revoked_at": None,
            "revoked_by": None,
        },
    )
    changes = changelog.diff(before, changelog.snapshot(qualification, QUALIFICATION_FIELDS))
    action = "grant" if stored is None or stored.revoked_at is not None else "update"
    _log(qualification, action, actor, changes, instrument=instrument, about=_person(user))
    notify(
        [user],
        Phrase(
            gettext_lazy("您已获得上机资格：%(instrument)s（有效期至 %(date)s）"),
            instrument=instrument.name,
            date=expires_on.isoformat(),
        ),
        url=reverse("booking:availability", args=[instrument.pk]),
        kind="qualification",
        context={"qualification": qualification},
    )
    return qualification


@transaction.atomic
def revoke_qualification(qualification: Qualification, *, actor) -> None:
    """Take a user's right to operate the instrument away; who did it and when are kept."""
    _require_manager(actor, qualification.instrument)
    qualification = (
        Qualification.objects.select_for_update(of=("self",))
        .select_related("instrument", "user")
        .get(pk=qualification.pk)
    )
    if qualification.revoked_at is not None:
        raise ValidationError({"status": _("该上机资格已经撤销。")})
    before = changelog.snapshot(qualification, QUALIFICATION_FIELDS)
    qualification.revoked_at, qualification.revoked_by = timezone.now(), actor
    qualification.save(update_fields=["revoked_at", "revoked_by"])
    changes = changelog.diff(before, changelog.snapshot(qualification, QUALIFICATION_FIELDS))
    _log(
        qualification,
        "revoke",
        actor,
        changes,
        instrument=qualification.instrument,
        about=_person(qualification.user),
    )


def _blackout_about(blackout: Blackout) -> str:
    return f"{blackout.get_kind_display()} {when(blackout.starts_at, blackout.ends_at)}"


def _person(user) -> str:
    return f"{user.get_full_name() or user.username}（{user.username}）"
