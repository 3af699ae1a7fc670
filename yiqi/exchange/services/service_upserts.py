"""Service records (bookings, orders) pushed by a unit's own booking system or LIMS, keyed by the system's own ids.

Who was served: the system names its user by its own reference (``user_id``) with name, phone, email and, for an
outside user, the organisation's credit code. The platform keeps each such person as an account of their own that
cannot log in (``is_active`` off, no password), mapped by (unit, reference) in ``ExternalId``; the national
record's applicant and the usage record read it like any user's. A later push with new contact details corrects it.

Which state: the one the system sends (open, completed or closed), reached only along the service record's steps
(``servicerecords.services.MACHINE``: open → completed, open → closed); a completed or closed record is final, as it
is for the platform's own services. Each creation and each step is one audit event. A completed record carries its
times, hours and the amount the unit charged; it gets its usage record (the figures, the national report) but no
platform charge, rating request or webhook: the system booked, served and charged it itself.

A batch is checked whole before anything is written; one refused record refuses the batch with every problem by
index, id and field. The same batch again changes nothing. The writes are a fixed number of bulk statements
whatever the batch's size.
"""

import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.core.money import hours_between, to_fen
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus
from yiqi.usage import services as usage_services

from .. import receivers
from ..models import ExternalId, UnitKey
from .upserts import MAX_BATCH, BatchRefused, Outcome, digest, refuse_all

User = get_user_model()
Kind = ExternalId.Kind
RECORD_FIELDS = [
    "kind", "instrument", "unit", "user", "user_organization", "is_internal", "reference", "content",
    "planned_hours", "sample_count", "started_at", "ended_at", "hours", "status",
]  # fmt: skip


def _username(unit_id: int, reference: str) -> str:
    return f"sys{unit_id}-{hashlib.sha256(reference.encode()).hexdigest()[:24]}"


class _Batch:
    """What a batch refers to, read in one query each: instruments, organisations, mappings, users, records."""

    def __init__(self, unit_id: int, items: list[dict]):
        self.unit_id = unit_id
        self.instruments = {
            i.asset_number: i
            for i in Instrument.objects.filter(
                unit_id=unit_id, asset_number__in={item["instrument"] for item in items}
            )
        }
        codes = {item["user_organization"] for item in items if item.get("user_organization")}
        self.organizations = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
        mapped = ExternalId.objects.filter(unit_id=unit_id, kind__in=[Kind.SERVICE, Kind.USER]).filter(
            external_id__in={item["id"] for item in items} | {item["user_id"] for item in items}
        )
        self.services, self.people = {}, {}
        for mapping in mapped:
            (self.services if mapping.kind == Kind.SERVICE else self.people)[mapping.external_id] = mapping
        self.users = {
            u.pk: u for u in User.objects.filter(pk__in=[m.object_id for m in self.people.values()])
        }
        self.records = {
            r.pk: r
            for r in ServiceRecord.objects.select_for_update(of=("self",)).filter(
                pk__in=[m.object_id for m in self.services.values()], unit_id=unit_id
            )
        }
        self.new_people: dict[str, object] = {}
        self.touched: dict[int, object] = {}  # known accounts a changed record names: their details as sent

    def person(self, item: dict):
        """The account standing for the system's user ``item["user_id"]``, its contact details as sent."""
        reference = item["user_id"]
        mapping = self.people.get(reference)
        user = self.new_people.get(reference) or (self.users.get(mapping.object_id) if mapping else None)
        if user is None:
            user = User(
                username=_username(self.unit_id, reference), is_active=False, password=make_password(None)
            )
            self.new_people[reference] = user
        elif user.pk is not None:
            self.touched[user.pk] = user
        user.full_name = item["user_name"].strip()
        user.phone = item.get("user_phone", "")
        user.email = item.get("user_email", "")
        return user


def _check_times(item: dict, status: str) -> dict:
    """Times and hours of a pushed service: a completed one needs both times (ended, not in the future) and hours
    within them (the span when not sent)."""
    errors: dict[str, list[str]] = {}
    start, end, hours = item.get("started_at"), item.get("ended_at"), item.get("hours")
    if status == ServiceStatus.COMPLETED:
        if start is None:
            errors["started_at"] = [_("已完成的服务须填写实际开始时间。")]
        if end is None:
            errors["ended_at"] = [_("已完成的服务须填写实际结束时间。")]
    if end is not None and start is None and "started_at" not in errors:
        errors["started_at"] = [_("填写结束时间时须同时填写开始时间。")]
    if start is not None and end is not None:
        if end <= start:
            errors["ended_at"] = [_("结束时间必须晚于开始时间。")]
        elif end > timezone.now():
            errors["ended_at"] = [_("结束时间晚于当前时间。")]
        elif hours is not None and hours > hours_between(start, end):
            errors["hours"] = [
                _("有效机时不能超过起止时间之差（%(span)s 小时）。") % {"span": hours_between(start, end)}
            ]
    if errors:
        raise ValidationError(errors)
    if hours is None and status == ServiceStatus.COMPLETED:
        hours = hours_between(start, end)
    return {"started_at": start, "ended_at": end, "hours": to_fen(hours) if hours is not None else None}


def _apply(batch: _Batch, item: dict, record: ServiceRecord | None, user) -> ServiceRecord:
    """The record as ``item`` says (new when ``record`` is None), after every check; raises ValidationError."""
    status = item["status"]
    if record is not None:
        if record.status != ServiceStatus.OPEN and record.status == status:
            raise ValidationError(
                {
                    "status": [
                        _("该服务记录已%(status)s，不能再更改。") % {"status": record.get_status_display()}
                    ]
                }
            )
        records.step_to(record, status)
    instrument = batch.instruments[item["instrument"]]
    organization = batch.organizations.get(item.get("user_organization") or "")
    times = _check_times(item, status)
    fields = {
        "instrument": instrument,
        "user": user,
        "user_organization": organization,
        "is_internal": item["is_internal"]
        if item.get("is_internal") is not None
        else organization is None or organization.pk == batch.unit_id,
        "reference": item.get("reference", ""),
        "content": item.get("content", ""),
        "planned_hours": item.get("planned_hours", Decimal("0")),
        "sample_count": item.get("sample_count", 0),
    }
    if record is None:
        record = records.build(item["kind"], **fields)
    else:
        record.kind, record.unit_id = item["kind"], instrument.unit_id
        for name, value in fields.items():
            setattr(record, name, value)
    record.status = status
    for name, value in times.items():
        setattr(record, name, value)
    return record


def upsert_services(key: UnitKey, items: list[dict]) -> Outcome:
    """Create or move on the key's unit's service records from ``items`` (typed by the API). Raises
    ``BatchRefused`` with every problem when any record is refused; then nothing is written."""
    return upsert_unit_services(key.unit_id, items, actor=key.created_by)


def upsert_unit_services(unit_id: int, items: list[dict], *, actor) -> Outcome:
    """``upsert_services`` for a unit however its records came (its system's key, a city platform's report)."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"records": [_("一批最多 %(n)s 条记录。") % {"n": MAX_BATCH}]})
    outcome, seen = Outcome(), set()
    with transaction.atomic():
        batch = _Batch(unit_id, items)
        new, changed, settled, remembered = [], [], [], []
        for index, item in enumerate(items):
            external_id = item["id"]
            if external_id in seen:
                outcome.refuse(index, external_id, "id", _("同一批次中该 id 重复。"))
                continue
            seen.add(external_id)
            value, mapping = digest(item), batch.services.get(external_id)
            if mapping is not None and mapping.digest == value:
                outcome.unchanged += 1
                continue
            if item["instrument"] not in batch.instruments:
                outcome.refuse(index, external_id, "instrument", _("本单位没有该内部编号的仪器。"))
                continue
            if item.get("user_organization") and item["user_organization"] not in batch.organizations:
                outcome.refuse(
                    index, external_id, "user_organization", _("平台上没有该统一社会信用代码的单位。")
                )
                continue
            record = batch.records.get(mapping.object_id) if mapping is not None else None
            if mapping is not None and record is None:
                outcome.refuse(index, external_id, "id", _("该 id 对应的服务记录已不存在。"))
                continue
            before = record.status if record is not None else None
            try:
                record = _apply(batch, item, record, batch.person(item))
            except ValidationError as error:
                refuse_all(outcome, index, external_id, error)
                continue
            if before is None:
                new.append(record)
            else:
                changed.append((record, before))
            if record.status == ServiceStatus.COMPLETED:
                settled.append((record, item.get("fee") or Decimal("0"), item.get("purpose")))
            remembered.append((external_id, record, value, mapping))
            outcome.created += before is None
            outcome.updated += before is not None
        if outcome.errors:
            raise BatchRefused(outcome)
        _save_people(batch)
        records.save_settled(new, changed, actor=actor, fields=RECORD_FIELDS)
        usage_services.record_for_settled_services(settled, actor=actor)
        _remember(unit_id, remembered)
        receivers.services_changed([record.pk for record, _fee, _purpose in settled])
    return outcome


def _save_people(batch: _Batch) -> None:
    """New accounts in one insert with their mappings; known ones whose contact details changed in one update."""
    created = User.objects.bulk_create(batch.new_people.values())
    ExternalId.objects.bulk_create(
        ExternalId(unit_id=batch.unit_id, kind=Kind.USER, external_id=reference, object_id=user.pk, digest="")
        for reference, user in zip(batch.new_people, created, strict=True)
    )
    User.objects.bulk_update(list(batch.touched.values()), ["full_name", "phone", "email"])


def _remember(unit_id: int, remembered: list) -> None:
    now = timezone.now()
    ExternalId.objects.bulk_create(
        ExternalId(unit_id=unit_id, kind=Kind.SERVICE, external_id=eid, object_id=record.pk, digest=value)
        for eid, record, value, mapping in remembered
        if mapping is None
    )
    changed = []
    for _eid, _record, value, mapping in remembered:
        if mapping is not None:
            mapping.digest, mapping.updated_at = value, now
            changed.append(mapping)
    ExternalId.objects.bulk_update(changed, ["digest", "updated_at"])
