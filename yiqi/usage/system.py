"""Use that a unit's own system logged and pushed (through the unit's key), a batch at a time.

Each pushed record gets the checks of a manual record (``services.apply_values``), the system's own log standing in
for uploaded evidence; a correction follows the manual record's rules (its unit, the month it was entered). The whole
batch is checked before anything is written (``check_system_usage``), reading what the checks need in one query each
whatever the batch's size; then it is written in one insert, one update and one insert of audit rows
(``save_system_usage``), and announced once after the commit.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqi.accounts.access import Access
from yiqi.core.bulk import insert
from yiqi.core.models import AuditEvent
from yiqi.servicerecords.models import ServiceKind

from .models import UsageRecord
from .services import MANUAL_FIELDS, Reads, announce, apply_values, audit_fields, aware, changes_since, revise

# What a correction may change, for updating many at once.
SYSTEM_USAGE_FIELDS = (
    "instrument", "unit", "user_name", "user_organization", "is_external", "purpose", "started_at", "ended_at",
    "machine_hours", "sample_count", "service_content", "fee",
)  # fmt: skip


class _BatchReads(Reads):
    """What the checks read, once for the batch: the completed self-operation usage on the batch's instruments over
    its whole span. The caller read the references (the instrument and its unit, the user's organisation, the
    recorder) and ``apply_values`` checks what the constraints say, so the model's checks leave them out."""

    references_read = ("instrument", "unit", "user_organization", "recorded_by")
    check_constraints = False

    def __init__(self, batch: list[dict]):
        self.usage = defaultdict(list)
        spans = [
            (aware(v["started_at"]), aware(v["ended_at"])) for v in batch if v["started_at"] and v["ended_at"]
        ]
        instruments = {v["instrument"].pk for v in batch if v["instrument"] is not None}
        if not spans or not instruments:
            return
        rows = UsageRecord.objects.filter(
            instrument_id__in=instruments,
            record__kind=ServiceKind.SELF_OPERATION,
            started_at__lt=max(end for _start, end in spans),
            ended_at__gt=min(start for start, _end in spans),
        ).only("instrument_id", "started_at", "ended_at")
        for usage in rows.order_by("started_at", "pk"):
            self.usage[usage.instrument_id].append(usage)

    def self_operation_overlapping(self, instrument, start, end, exclude_pk) -> UsageRecord | None:
        return next(
            (
                usage
                for usage in self.usage[instrument.pk]
                if usage.started_at < end and usage.ended_at > start and usage.pk != exclude_pk
            ),
            None,
        )


@dataclass
class CheckedUsage:
    record: UsageRecord  # as it will be saved
    before: dict[str, str] | None  # what a corrected record said (``services.changes_since``); None when new


def check_system_usage(
    access: Access, pushed: list[tuple[dict, int | None]], *, actor
) -> tuple[list[CheckedUsage], dict[int, Exception]]:
    """Check every (values, pk of the record it corrects or None) of a batch pushed by a system whose reach is
    ``access``; ``values`` hold the manual fields but evidence, the instrument and organisation read by the caller.
    Returns the checked records in order and the problems by position: a ``ValidationError``, a
    ``PermissionDenied``, or ``UsageRecord.DoesNotExist`` for a record that is gone. Nothing is written; the
    records corrected are locked until the transaction ends."""
    batch = [
        {field: values.get(field) for field in MANUAL_FIELDS if field != "evidence"} for values, _pk in pushed
    ]
    reads = _BatchReads(batch)
    existing = (
        UsageRecord.objects.select_related("instrument", "user_organization")
        .select_for_update(of=("self",))
        .in_bulk([pk for _values, pk in pushed if pk is not None])
    )
    checked, problems = [], {}
    for position, ((_values, pk), values) in enumerate(zip(pushed, batch, strict=True)):
        try:
            if pk is None:
                record, before = UsageRecord(source=UsageRecord.Source.MANUAL, recorded_by=actor), None
                apply_values(
                    record, access, values | {"evidence": None}, evidence_required=False, reads=reads
                )
            else:
                record = existing.get(pk)
                if record is None:
                    raise UsageRecord.DoesNotExist
                before = revise(record, access, values, reads)
        except (ValidationError, PermissionDenied, UsageRecord.DoesNotExist) as problem:
            problems[position] = problem
            continue
        checked.append(CheckedUsage(record, before))
    return checked, problems


@transaction.atomic(savepoint=False)
def save_system_usage(checked: list[CheckedUsage], *, actor) -> None:
    """Write a batch that ``check_system_usage`` passed: the new records in one insert, the corrected ones in one
    update, an audit row each in one insert, all announced together after the commit."""
    new = [usage.record for usage in checked if usage.before is None]
    corrected = [usage for usage in checked if usage.before is not None]
    UsageRecord.objects.bulk_create(new)
    UsageRecord.objects.bulk_update([usage.record for usage in corrected], SYSTEM_USAGE_FIELDS)
    insert(
        [
            *(AuditEvent.build(record, "create", **audit_fields(record, actor)) for record in new),
            *(
                AuditEvent.build(
                    usage.record,
                    "update",
                    **audit_fields(usage.record, actor, changes_since(usage.before, usage.record)),
                )
                for usage in corrected
            ),
        ]
    )
    announce([usage.record for usage in checked])
