"""One service record per commissioned-testing order, and the order events moved into the one audit trail."""

from datetime import timedelta
from decimal import Decimal

from django.db import migrations

from yiqi.core.migration_support import BATCH, copy_events

CLOSED = {"cancelled", "rejected"}
ACTIONS = {
    "quoted": "quote",
    "rejected": "reject",
    "confirmed": "confirm",
    "cancelled": "cancel",
    "samples_received": "receive_samples",
    "testing": "start_testing",
    "results_ready": "publish_results",
}


def forward(apps, schema_editor):
    TestOrder = apps.get_model("orders", "TestOrder")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Instrument = apps.get_model("registry", "Instrument")
    ServiceRecord = apps.get_model("servicerecords", "ServiceRecord")
    unit_of = dict(Instrument.objects.values_list("pk", "unit_id"))
    completed_on = dict(
        OrderEvent.objects.filter(to_status="completed").order_by("created_at").values_list("order_id", "created_at")
    )
    orders = list(TestOrder.objects.filter(record__isnull=True).order_by("pk"))
    for start in range(0, len(orders), BATCH):
        chunk = orders[start : start + BATCH]
        records = []
        for o in chunk:
            done = o.status == "completed"
            hours = o.machine_hours or Decimal("0")
            began = o.tested_from or o.created_at
            ended = o.tested_until if o.tested_until and o.tested_until > began else None
            ended = ended or began + timedelta(seconds=max(int(hours * 3600), 60))
            records.append(
                ServiceRecord(
                    kind="commissioned_testing",
                    status="completed" if done else "closed" if o.status in CLOSED else "open",
                    instrument_id=o.instrument_id,
                    unit_id=unit_of[o.instrument_id],
                    user_id=o.user_id,
                    user_organization_id=o.user_organization_id,
                    is_internal=o.is_internal,
                    reference=o.number,
                    content=f"{o.sample_name}：{o.requirements}"[:300],
                    planned_hours=o.estimated_hours or Decimal("0"),
                    sample_count=o.sample_count,
                    started_at=began if done else None,
                    ended_at=ended if done else None,
                    hours=hours if done else None,
                    completed_at=completed_on.get(o.pk, o.updated_at) if done else None,
                )
            )
        ServiceRecord.objects.bulk_create(records)
        for o, record in zip(chunk, records, strict=True):
            record.created_at = o.created_at
            o.record_id = record.pk
        ServiceRecord.objects.bulk_update(records, ["created_at"])
        TestOrder.objects.bulk_update(chunk, ["record"])
    ordered_by = dict(TestOrder.objects.values_list("pk", "user_id"))

    def row(e):
        if not e.from_status:
            action = "create"
        elif e.from_status == e.to_status:  # a note on the order (results uploaded, staff assigned)
            action = "note"
        elif e.to_status == "completed":
            action = "accept" if e.actor_id == ordered_by[e.order_id] else "close"
        else:
            action = ACTIONS.get(e.to_status, e.to_status)
        return {"action": action, "from_state": e.from_status, "to_state": e.to_status, "comment": e.comment}

    copy_events(apps, OrderEvent.objects.all(), target=("orders", "testorder"), object_field="order_id", row=row)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_service_record"),
        ("core", "0002_auditevent"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0004_private_import_files"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
