"""Writing usage records. Every completed service record produces one when billed; staff add offline use by hand.

Manual records (the unit's own research and teaching, offline service) carry evidence, may not overlap the usage of
a completed self-operation service on the same instrument (that time is already counted), and can be corrected or
withdrawn by the unit's service staff only in the month they were entered; every change leaves an audit row.
"""

import datetime as dt
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.booking.models import Booking, BookingStatus
from yiqi.booking.services import end_unattended
from yiqi.core import changelog
from yiqi.core.bulk import insert
from yiqi.core.models import AuditEvent
from yiqi.core.money import hours_between, to_fen
from yiqi.core.uploads import EVIDENCE, CheckedUpload, check_upload
from yiqi.core.validators import check_all
from yiqi.organizations.models import Deployment
from yiqi.registry import scoping
from yiqi.registry.models import Instrument
from yiqi.servicerecords import kinds
from yiqi.servicerecords.models import ServiceKind, ServiceRecord

from .models import UsageRecord
from .signals import usage_recorded

# Where a service record's usage comes from, in the terms the usage lists and exports have always used.
SOURCE_OF_KIND = {
    ServiceKind.SELF_OPERATION: UsageRecord.Source.BOOKING,
    ServiceKind.COMMISSIONED_TESTING: UsageRecord.Source.ORDER,
}
MIN_SPAN = timedelta(minutes=1)


def _span(record: ServiceRecord) -> tuple[dt.datetime, dt.datetime]:
    """When the service ran: its actual times; without a later end, the recorded hours (at least a minute)
    from its start."""
    start = record.started_at or record.created_at
    end = record.ended_at
    if end is None or end <= start:
        end = start + max(timedelta(seconds=int((record.hours or 0) * 3600)), MIN_SPAN)
    return start, end


# What a service's usage record takes from it (``_service_values``), for updating many at once.
SERVICE_USAGE_FIELDS = (
    "instrument", "unit", "user", "user_name", "user_organization", "is_external", "purpose", "started_at",
    "ended_at", "machine_hours", "measured", "sample_count", "service_content", "fee", "recorded_by",
)  # fmt: skip


def _service_values(record: ServiceRecord, fee: Decimal, actor, purpose: str | None = None) -> dict:
    """A completed service record's usage, as its fields: what was done, at ``fee``."""
    start, end = _span(record)
    return {
        "source": SOURCE_OF_KIND[record.kind],
        "instrument_id": record.instrument_id,
        "unit_id": record.unit_id,
        "user_id": record.user_id,
        "user_name": record.user.get_full_name(),
        "user_organization_id": record.user_organization_id,
        "is_external": not record.is_internal,
        "purpose": purpose
        or (UsageRecord.Purpose.RESEARCH if record.is_internal else UsageRecord.Purpose.SERVICE),
        "started_at": start,
        "ended_at": end,
        "machine_hours": to_fen(record.hours) if record.hours is not None else hours_between(start, end),
        "measured": False,  # billed again: the layers above measure it again (``record_measured_use``)
        "sample_count": record.sample_count,
        "service_content": record.content[:300],
        "fee": to_fen(fee),
        "recorded_by": actor,
    }


@transaction.atomic
def record_for_service(record: ServiceRecord, *, fee: Decimal, actor=None) -> UsageRecord:
    """The usage record of a completed (and billed) service record: what was done, at the billed ``fee``.
    Billing again (e.g. after an adjustment) updates the one usage record of the service."""
    usage, created = UsageRecord.objects.update_or_create(
        record=record, defaults=_service_values(record, fee, actor)
    )
    _log(usage, "create" if created else "update", actor)
    return usage


@transaction.atomic(savepoint=False)
def record_for_settled_services(settled: list[tuple[ServiceRecord, Decimal, str | None]], *, actor) -> None:
    """The usage records of completed services a unit's own system charged: for each (record, fee, purpose) what
    ``record_for_service`` writes for a billed one, in one read, one insert, one update and one insert of audit
    rows however many there are (the records' users loaded with them)."""
    existing = {
        usage.record_id: usage
        for usage in UsageRecord.objects.select_for_update(of=("self",)).filter(
            record_id__in=[record.pk for record, _fee, _purpose in settled]
        )
    }
    new, changed = [], []
    for record, fee, purpose in settled:
        usage = existing.get(record.pk) or UsageRecord(record=record)
        for name, value in _service_values(record, fee, actor, purpose).items():
            setattr(usage, name, value)
        (changed if usage.pk else new).append(usage)
    UsageRecord.objects.bulk_create(new)
    if changed:
        UsageRecord.objects.bulk_update(changed, SERVICE_USAGE_FIELDS)
    insert(
        AuditEvent.build(usage, action, **audit_fields(usage, actor))
        for action, rows in (("create", new), ("update", changed))
        for usage in rows
    )
    announce([*new, *changed])


@transaction.atomic
def record_measured_use(usage: UsageRecord, spans: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    """The instrument's interlock measured this use in ``spans`` (switch-on to switch-off): the record runs from the
    first switch-on to the last switch-off and its effective machine-hours are the time switched on, marked as
    measured. Returns whether the record changed (each change is audited and announced like any other)."""
    spans = [(start, end) for start, end in spans if end > start]
    if not spans:
        return False
    usage = UsageRecord.objects.select_for_update(of=("self",)).get(pk=usage.pk)
    start, end = min(s for s, _e in spans), max(e for _s, e in spans)
    hours = to_fen(sum(Decimal((e - s).total_seconds()) for s, e in spans) / Decimal(3600))
    before = {
        "started_at": usage.started_at,
        "ended_at": usage.ended_at,
        "machine_hours": usage.machine_hours,
    }
    after = {"started_at": start, "ended_at": end, "machine_hours": hours}
    if usage.measured and before == after:
        return False
    for field, value in after.items():
        setattr(usage, field, value)
    usage.measured = True
    usage.save(update_fields=[*after, "measured"])
    changes = {f: [_shown(before[f]), _shown(after[f])] for f in after if before[f] != after[f]}
    _log(usage, "measure", None, changes)
    return True


CHANGE_LABELS = {
    "create": gettext_lazy("登记"),
    "update": gettext_lazy("修改"),
    "measure": gettext_lazy("联锁实测"),
    "delete": gettext_lazy("删除"),
}


def service_detail_id(usage: UsageRecord, source: str) -> int | None:
    """The pk of the booking or order behind ``usage`` when it came from ``source`` (the API's ``booking`` and
    ``order`` fields); load with ``with_service_details``."""
    if usage.record_id is None or usage.source != source:
        return None
    detail = kinds.detail_of(usage.record)
    return detail.pk if detail is not None else None


def with_service_details(usage_records: QuerySet[UsageRecord]) -> QuerySet[UsageRecord]:
    return usage_records.select_related("record", *kinds.detail_relations("record__"))


def _log(usage: UsageRecord, action: str, actor, changes: dict | None = None) -> AuditEvent:
    """One audit row per change (``CHANGE_LABELS``), kept after the record is deleted. ``changes``: field name ->
    [old, new] as shown to people; for a deletion, the record's last values. A written record is announced
    (``announce``)."""
    if action != "delete":
        announce([usage])
    return AuditEvent.record(usage, action, **audit_fields(usage, actor, changes))


def audit_fields(usage: UsageRecord, actor, changes: dict | None = None) -> dict:
    return {"actor": actor, "data": {"unit": usage.unit_id, "changes": changes or {}}}


def announce(written: list[UsageRecord]) -> None:
    """Tell the layers above (``signals.usage_recorded``) once the transaction commits, in one signal for the lot:
    monitoring verifies them against their telemetry, interlocks take the hours they measured."""
    if written:
        transaction.on_commit(lambda: usage_recorded.send(sender=UsageRecord, usage_records=written))


def change_history(usage: UsageRecord) -> list[dict]:
    """The record's audit rows, oldest first, with each change under the field's label."""
    label = {field: UsageRecord._meta.get_field(field).verbose_name for field in MANUAL_FIELDS}
    label["instrument"] = _("仪器")
    return [
        {
            "at": event.created_at,
            "action_label": str(CHANGE_LABELS.get(event.action, event.action)),
            "actor": event.actor,
            "changes": [
                (label.get(field, field), old, new)
                for field, (old, new) in event.data.get("changes", {}).items()
            ],
        }
        for event in AuditEvent.objects.for_object(usage).select_related("actor")
    ]


# --- who sees and changes what ----------------------------------------------------------------------------------


def visible_usage(access: Access, queryset: QuerySet[UsageRecord] | None = None) -> QuerySet[UsageRecord]:
    """A user's own records; their units' for unit staff; supervised units' for departments; everything for the
    platform admin and evaluators."""
    queryset = UsageRecord.objects.all() if queryset is None else queryset
    if access.is_platform_admin or access.is_evaluator:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(user_id=access.user_id)
    if access.staff_unit_ids:
        scope |= Q(unit_id__in=access.staff_unit_ids)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def servable_instruments(access: Access) -> QuerySet[Instrument]:
    """The instruments whose offline use the user may record (those ``scoping.can_serve`` allows)."""
    return scoping.served_instruments(access)


def can_record(access: Access) -> bool:
    """Whether the user may record offline use at all: they serve some instrument (``servable_instruments``)."""
    return scoping.serves_instruments(access)


def can_download_evidence(access: Access, record: UsageRecord) -> bool:
    """Evidence may hold names and lab notes: the unit's staff, its department and the platform admin only."""
    return (
        access.is_platform_admin
        or record.unit_id in access.staff_unit_ids
        or record.unit.supervising_department_id in access.department_ids
    )


def open_evidence(record: UsageRecord, *, actor):
    """The record's evidence file for someone allowed to have it (None when it has none); every download is a row
    of the sensitive-read log."""
    if not can_download_evidence(access_for(actor), record):
        raise PermissionDenied(_("佐证材料仅对本单位人员、主管部门和平台管理员开放。"))
    if not record.evidence:
        return None
    name = PurePath(record.evidence.name).name
    changelog.record_read(
        record,
        changelog.DOWNLOAD,
        actor=actor,
        unit_id=record.unit_id,
        what=_("使用记录（%(instrument)s，%(user)s）的佐证材料：%(name)s")
        % {"instrument": record.instrument, "user": record.user_name, "name": name},
    )
    return record.evidence


def _require_changeable(access: Access, record: UsageRecord) -> None:
    if not scoping.can_serve(access, record.instrument):
        raise PermissionDenied(_("您无权修改该使用记录。"))
    if record.source != UsageRecord.Source.MANUAL:
        raise ValidationError(_("预约和委托测试产生的使用记录不能手工修改或删除。"))
    # Closed months stay as reported: a record can be corrected only in the month it was entered.
    if timezone.localtime(record.created_at).strftime("%Y%m") != timezone.localtime().strftime("%Y%m"):
        raise ValidationError(_("线下登记的记录只能在登记当月修改或删除。"))


def can_change(access: Access, record: UsageRecord) -> bool:
    try:
        _require_changeable(access, record)
    except (PermissionDenied, ValidationError):
        return False
    return True


# --- evidence ---------------------------------------------------------------------------------------------------


def validate_evidence(upload) -> CheckedUpload:
    """Evidence is a real PDF, JPG, PNG, .xlsx or .docx of at most 10 MB; errors are on ``evidence``."""
    return check_upload(upload, EVIDENCE, field="evidence")


# --- manual records ---------------------------------------------------------------------------------------------

MANUAL_FIELDS = (
    "instrument",
    "user_name",
    "user_organization",
    "purpose",
    "started_at",
    "ended_at",
    "machine_hours",
    "sample_count",
    "service_content",
    "fee",
    "evidence",
)


def aware(value: dt.datetime) -> dt.datetime:
    """Naive times are Asia/Shanghai (the platform's time zone), whatever the server's."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, File):  # a stored file or an upload
        return PurePath(value.name).name if value else ""
    return str(value)


def _snapshot(record: UsageRecord) -> dict[str, str]:
    shown = {field: _shown(getattr(record, field)) for field in MANUAL_FIELDS}
    shown["purpose"] = str(record.get_purpose_display())
    return shown


class Reads:
    """What the checks of a manual record read from the database, for one record at a time (the forms)."""

    references_read = ()  # references the caller read itself, not read again by the model's checks
    check_constraints = True  # the model's constraints, each a query

    def self_operation_overlapping(self, instrument, start, end, exclude_pk) -> UsageRecord | None:
        """The usage of a completed self-operation service on ``instrument`` overlapping [start, end), if any."""
        return (
            UsageRecord.objects.filter(
                instrument=instrument,
                record__kind=ServiceKind.SELF_OPERATION,
                started_at__lt=end,
                ended_at__gt=start,
            )
            .exclude(pk=exclude_pk)
            .order_by("started_at")
            .first()
        )


ONE_AT_A_TIME = Reads()


def apply_values(
    record: UsageRecord,
    access: Access,
    values: dict,
    *,
    evidence_required: bool,
    reads: Reads = ONE_AT_A_TIME,
) -> None:
    """Set a manual record's fields from ``values`` and check them, reporting every problem at once."""
    instrument = values["instrument"]
    if instrument is None or not scoping.can_serve(access, instrument):
        raise PermissionDenied(_("您只能为本单位由您服务的仪器登记使用记录。"))
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (values["user_name"] or "").strip():
        refuse("user_name", _("请填写使用人。"))
    start, end, span = values["started_at"], values["ended_at"], None
    if start is None:
        refuse("started_at", _("请填写开始时间。"))
    if end is None:
        refuse("ended_at", _("请填写结束时间。"))
    if start is not None and end is not None:
        start, end = aware(start), aware(end)
        if end <= start:
            refuse("ended_at", _("结束时间必须晚于开始时间。"))
        elif end > timezone.now():
            refuse("ended_at", _("不能登记尚未结束的使用：结束时间晚于当前时间。"))
        else:
            span = hours_between(start, end)
            clash = reads.self_operation_overlapping(instrument, start, end, record.pk)
            if clash is not None:
                refuse(
                    "started_at",
                    _(
                        "该时段与已完成预约的上机（%(start)s 至 %(end)s）重叠，这段机时已经计入，不能重复登记。"
                    )
                    % {"start": _shown(clash.started_at), "end": _shown(clash.ended_at)},
                )

    hours = values["machine_hours"]
    if hours in (None, ""):
        hours = span
    else:
        hours = _decimal(hours)
        if hours is None or hours <= 0:
            refuse("machine_hours", _("有效机时必须是大于 0 的数。"))
        elif span is not None and hours > span:
            refuse("machine_hours", _("有效机时不能超过起止时间之差（%(span)s 小时）。") % {"span": span})
    fee = _decimal(values["fee"] if values["fee"] not in (None, "") else 0)
    if fee is None or fee < 0:
        refuse("fee", _("收费金额不能为负数。"))

    upload = values["evidence"]
    if upload:
        try:
            checked = validate_evidence(upload)
        except ValidationError as error:
            errors.setdefault("evidence", []).extend(error.messages)
        else:
            upload.name = checked.stored_name
            record.evidence = upload
    elif evidence_required:
        refuse("evidence", _("线下登记须上传佐证材料（使用登记表、实验记录、服务合同等）。"))

    organization = values["user_organization"]
    record.instrument = instrument
    record.unit_id = instrument.unit_id
    record.user_name = (values["user_name"] or "").strip()
    record.user_organization = organization
    record.is_external = organization is not None and organization.pk != instrument.unit_id
    record.purpose = values["purpose"]
    record.started_at, record.ended_at = start, end
    record.sample_count = values["sample_count"] or 0
    record.service_content = values["service_content"] or ""
    if hours is not None and "machine_hours" not in errors:
        record.machine_hours = to_fen(hours)
    if "fee" not in errors:
        record.fee = to_fen(fee)
    unset = ["machine_hours"] if record.machine_hours is None else []
    check_all(
        record, errors, exclude=[*unset, *reads.references_read], validate_constraints=reads.check_constraints
    )


@transaction.atomic
def record_manual_usage(
    *,
    actor,
    instrument,
    purpose: str,
    user_name: str = "",
    started_at: dt.datetime,
    ended_at: dt.datetime,
    evidence=None,
    user_organization=None,
    machine_hours: Decimal | None = None,
    sample_count: int = 0,
    service_content: str = "",
    fee: Decimal | None = None,
) -> UsageRecord:
    """Record use that did not come through the platform. ``machine_hours`` defaults to the span from start to
    end and may be lower, never higher; the use is external service when the user's organisation is given and is
    not the owning unit."""
    values = {
        "instrument": instrument,
        "user_name": user_name,
        "user_organization": user_organization,
        "purpose": purpose,
        "started_at": started_at,
        "ended_at": ended_at,
        "machine_hours": machine_hours,
        "sample_count": sample_count,
        "service_content": service_content,
        "fee": fee,
        "evidence": evidence,
    }
    record = UsageRecord(source=UsageRecord.Source.MANUAL, recorded_by=actor)
    apply_values(record, access_for(actor), values, evidence_required=True)
    record.save()
    _log(record, "create", actor)
    return record


@transaction.atomic
def update_manual_usage(record: UsageRecord, *, actor, **changes) -> UsageRecord:
    """Correct a manual record (its unit's service staff, in the month it was entered). Fields not given keep their
    values; ``evidence`` replaces the file when given; ``machine_hours=None`` means the full span."""
    unknown = set(changes) - set(MANUAL_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    record = (
        UsageRecord.objects.select_related("instrument", "unit")
        .select_for_update(of=("self",))
        .get(pk=record.pk)
    )
    old_file = record.evidence.name
    before = revise(record, access_for(actor), changes)
    record.save()
    if old_file and record.evidence.name != old_file:
        _delete_file_on_commit(record.evidence.storage, old_file)
    _log(record, "update", actor, changes_since(before, record))
    return record


def revise(
    record: UsageRecord, access: Access, changes: dict, reads: Reads = ONE_AT_A_TIME
) -> dict[str, str]:
    """Apply ``changes`` to a manual record under a correction's rules and check it (nothing saved); returns what
    it said before, for ``changes_since``."""
    _require_changeable(access, record)
    before = _snapshot(record)
    values = {field: getattr(record, field) for field in MANUAL_FIELDS} | {"evidence": None} | changes
    apply_values(record, access, values, evidence_required=False, reads=reads)
    return before


def changes_since(before: dict[str, str], record: UsageRecord) -> dict[str, list[str]]:
    """The audit row's changes: field name -> [old, new] as shown to people."""
    after = _snapshot(record)
    return {field: [before[field], after[field]] for field in MANUAL_FIELDS if before[field] != after[field]}


@transaction.atomic
def delete_manual_usage(record: UsageRecord, *, actor) -> None:
    """Withdraw a manual record; its audit rows keep who deleted it, when, and what it said."""
    record = (
        UsageRecord.objects.select_related("instrument", "unit")
        .select_for_update(of=("self",))
        .get(pk=record.pk)
    )
    _require_changeable(access_for(actor), record)
    _log(record, "delete", actor, {f: [v, ""] for f, v in _snapshot(record).items()})
    storage, name = record.evidence.storage, record.evidence.name
    record.delete()
    _delete_file_on_commit(storage, name)


def _delete_file_on_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- self-operation nobody checked out of --------------------------------------------------------------------------


def end_overdue_usage(now: dt.datetime | None = None) -> int:
    """Self-operation still checked in past the booked end plus the deployment's grace ends at the booked end (the
    scheduled job): the booking completes, and billing writes its usage record as for any completed service."""
    now = now or timezone.now()
    grace = dt.timedelta(minutes=Deployment.current().checkout_grace_minutes)
    ended = 0
    for pk in Booking.objects.filter(status=BookingStatus.CHECKED_IN, ends_at__lte=now - grace).values_list(
        "pk", flat=True
    ):
        try:
            end_unattended(Booking(pk=pk), now=now)
        except ValidationError:
            continue  # checked out meanwhile
        ended += 1
    return ended
