"""Opening, re-quoting, completing and closing service records. Only the kinds' services call these; the layers
above learn of each step through ``signals``."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.core.money import hours_between

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


def _require_open(record: ServiceRecord) -> None:
    if record.status != ServiceStatus.OPEN:
        raise ValidationError(
            {"status": [_("服务记录已%(status)s，不能再更改。") % {"status": record.get_status_display()}]}
        )


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
    """The service was delivered: what was done, for the bill, the usage record and the national report."""
    _require_open(record)
    record.status = ServiceStatus.COMPLETED
    record.started_at = started_at
    record.ended_at = ended_at
    record.hours = hours if hours is not None else hours_between(started_at, ended_at)
    if sample_count is not None:
        record.sample_count = sample_count
    record.completed_at = timezone.now()
    record.save()
    signals.service_completed.send(sender=ServiceRecord, record=record, actor=actor)
    return record


@transaction.atomic
def close(record: ServiceRecord, *, actor) -> ServiceRecord:
    """The service will not happen: cancelled, rejected or missed."""
    _require_open(record)
    record.status = ServiceStatus.CLOSED
    record.save(update_fields=["status", "updated_at"])
    signals.service_closed.send(sender=ServiceRecord, record=record, actor=actor)
    return record
