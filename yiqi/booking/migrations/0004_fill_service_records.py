"""One service record per booking, and the booking events moved into the one audit trail."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.utils import timezone

from yiqi.core.migration_support import BATCH, copy_events

CLOSED = {"cancelled", "rejected", "no_show"}
ACTIONS = {
    "confirmed": "approve",
    "rejected": "reject",
    "cancelled": "cancel",
    "checked_in": "check_in",
    "completed": "complete",
    "no_show": "no_show",
}


def _hours(start, end):
    return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def forward(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    BookingEvent = apps.get_model("booking", "BookingEvent")
    Instrument = apps.get_model("registry", "Instrument")
    ServiceRecord = apps.get_model("servicerecords", "ServiceRecord")
    unit_of = dict(Instrument.objects.values_list("pk", "unit_id"))
    completed_on = dict(
        BookingEvent.objects.filter(to_status="completed").order_by("created_at").values_list("booking_id", "created_at")
    )
    bookings = list(Booking.objects.filter(record__isnull=True).order_by("pk"))
    for start in range(0, len(bookings), BATCH):
        chunk = bookings[start : start + BATCH]
        records = []
        for b in chunk:
            done = b.status == "completed"
            began, ended = b.actual_start or b.starts_at, b.actual_end or b.ends_at
            records.append(
                ServiceRecord(
                    kind="self_operation",
                    status="completed" if done else "closed" if b.status in CLOSED else "open",
                    instrument_id=b.instrument_id,
                    unit_id=unit_of[b.instrument_id],
                    user_id=b.user_id,
                    user_organization_id=b.user_organization_id,
                    is_internal=b.is_internal,
                    reference=timezone.localtime(b.starts_at).strftime("%Y-%m-%d %H:%M"),
                    content=b.purpose[:300],
                    planned_hours=_hours(b.starts_at, b.ends_at),
                    sample_count=b.sample_count,
                    started_at=began if done else None,
                    ended_at=ended if done else None,
                    hours=_hours(began, ended) if done else None,
                    completed_at=completed_on.get(b.pk, b.updated_at) if done else None,
                )
            )
        ServiceRecord.objects.bulk_create(records)
        for b, record in zip(chunk, records, strict=True):
            record.created_at = b.created_at
            b.record_id = record.pk
        ServiceRecord.objects.bulk_update(records, ["created_at"])
        Booking.objects.bulk_update(chunk, ["record"])
    copy_events(
        apps,
        BookingEvent.objects.all(),
        target=("booking", "booking"),
        object_field="booking_id",
        row=lambda e: {
            "action": ACTIONS.get(e.to_status, "create") if e.from_status else "create",
            "from_state": e.from_status,
            "to_state": e.to_status,
            "comment": e.comment,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_service_record"),
        ("core", "0002_auditevent"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0004_private_import_files"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
