"""Opening, re-quoting, completing and closing service records. Only the kinds' services call these; the layers
above learn of each step through ``signals``."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.core.bulk import insert
from yiqi.core.models import AuditEvent
from yiqi.core.money import hours_between
from yiqi.core.workflow import StateMachine, Transition

from . import signals
from .models import ServiceRecord, ServiceStatus


def build(
    kind: str,
    *,
    instrument,
    user,
    unit=None,
    user_organization=None,
    is_internal: bool = False,
    reference: str = "",
    content: str = "",
    planned_hours: Decimal = Decimal("0"),
    sample_count: int = 0,
) -> ServiceRecord:
    """An unsaved record (``unit`` only for a service without an instrument); ``open_records`` saves it (alone or with others) and has it priced."""
    return ServiceRecord(
        kind=kind,
        instrument=instrument,
        unit_id=instrument.unit_id if instrument is not None else unit.pk,
        user=user,
        user_organization=user_organization,
        is_internal=is_internal,
        reference=reference[:40],
        content=content[:300],
        planned_hours=planned_hours,
        sample_count=sample_count,
    )


# Called inside the kind's own transaction: no savepoint (two round trips) of its own.
@transaction.atomic(savepoint=False)
def open_records(
    records: list[ServiceRecord], *, priced: bool = True, member_category: str | None = None
) -> list[ServiceRecord]:
    """Save new records; ``priced``: their quantities are known now (a booked time), so have them quoted. An order
    is priced later, when staff estimate its hours (``requote``). ``member_category``: the alliance member price
    category of the records' user organisation at the unit when the caller has already read it ('' for none)."""
    ServiceRecord.objects.bulk_create(records)
    if priced:
        signals.services_opened.send(sender=ServiceRecord, records=records, member_category=member_category)
    return records


def open_record(kind: str, *, priced: bool = True, **fields) -> ServiceRecord:
    return open_records([build(kind, **fields)], priced=priced)[0]


# The record's own steps: the kinds take them through ``complete`` and ``close`` below; a record pushed by a unit's
# own system, which has no kind's row, is checked against them in ``step_to`` and audited in bulk.
MACHINE = StateMachine(
    ServiceRecord,
    [
        Transition("complete", gettext_lazy("记为已完成"), (ServiceStatus.OPEN,), ServiceStatus.COMPLETED),
        Transition("close", gettext_lazy("记为未完成"), (ServiceStatus.OPEN,), ServiceStatus.CLOSED),
    ],
    refusal_field="status",
)


def _refusal(record: ServiceRecord) -> str:
    return _("服务记录已%(status)s，不能再更改。") % {"status": record.get_status_display()}


def _require_open(record: ServiceRecord) -> None:
    if record.status != ServiceStatus.OPEN:
        raise ValidationError({"status": [_refusal(record)]})


@transaction.atomic
def requote(
    record: ServiceRecord, *, planned_hours: Decimal | None = None, reference: str | None = None
) -> None:
    """The planned quantities changed (e.g. staff estimated an order's hours): price it again."""
    _require_open(record)
    if planned_hours is not None:
        record.planned_hours = planned_hours
    if reference is not None:
        record.reference = reference[:40]
    record.save(update_fields=["planned_hours", "reference", "updated_at"])
    signals.service_quoted.send(sender=ServiceRecord, record=record)


@transaction.atomic
def complete(
    record: ServiceRecord,
    *,
    actor,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    hours: Decimal | None = None,
    sample_count: int | None = None,
) -> ServiceRecord:
    """The service was delivered: what was done, for the bill, the usage record and the national report. Called in
    the kind's own step, which holds the kind's row locked."""

    def prepare(record, _step):
        record.started_at = started_at
        record.ended_at = ended_at
        record.hours = hours if hours is not None else hours_between(started_at, ended_at)
        if sample_count is not None:
            record.sample_count = sample_count
        record.completed_at = timezone.now()

    MACHINE.take(record, MACHINE.step("complete"), actor=actor, prepare=prepare, refusal=_refusal)
    signals.service_completed.send(sender=ServiceRecord, record=record, actor=actor)
    return record


@transaction.atomic
def close(record: ServiceRecord, *, actor) -> ServiceRecord:
    """The service will not happen: cancelled, rejected or missed. Called in the kind's own step."""
    MACHINE.take(record, MACHINE.step("close"), actor=actor, refusal=_refusal)
    signals.service_closed.send(sender=ServiceRecord, record=record, actor=actor)
    return record


# --- services a unit's own system booked, served and charged ---------------------------------------------------------


def step_to(record: ServiceRecord, status: str) -> Transition | None:
    """The step that takes ``record`` (as stored) to ``status``, None when it is there already; refused on
    ``status`` when the machine has no such step, e.g. back from completed to open."""
    if record.status == status:
        return None
    for step in MACHINE.transitions.values():
        if step.target == status and record.status in step.sources:
            return step
    raise ValidationError(
        {
            "status": [
                _("服务记录当前为“%(from)s”，不能改为“%(to)s”。")
                % {"from": MACHINE.state_label(record.status), "to": MACHINE.state_label(status)}
            ]
        }
    )


@transaction.atomic(savepoint=False)
def save_settled(
    new: list[ServiceRecord], changed: list[tuple[ServiceRecord, str]], *, actor, fields: list[str]
) -> None:
    """Save records of services a unit's own system booked, delivered and charged, as the system reports them:
    ``new`` in one insert (each audited as created in its state), ``changed`` — each with its state before, from
    which ``step_to`` allowed the new one — in one update of ``fields`` (each step audited, in one insert). Such a
    record is neither quoted, billed nor rated here: the unit charged it already, and its user knows the unit's
    system, not the platform."""
    now = timezone.now()
    for record in [*new, *(r for r, _b in changed)]:
        record.updated_at = now
        if record.status == ServiceStatus.COMPLETED and record.completed_at is None:
            record.completed_at = now
    ServiceRecord.objects.bulk_create(new)
    if changed:
        ServiceRecord.objects.bulk_update([r for r, _b in changed], [*fields, "completed_at", "updated_at"])
    events = [AuditEvent.build(r, "create", actor=actor, to_state=r.status) for r in new]
    events += [
        AuditEvent.build(r, step_to(ServiceRecord(status=before), r.status).action, actor=actor,
                         from_state=before, to_state=r.status)
        for r, before in changed
        if before != r.status
    ]  # fmt: skip
    insert(events)
