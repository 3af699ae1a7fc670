"""Usage records of bookings and orders point to the service record; their change log moved into the audit trail."""

from django.db import migrations

from yiqi.core.migration_support import copy_events, link_records


def forward(apps, schema_editor):
    UsageRecord = apps.get_model("usage", "UsageRecord")
    link_records(UsageRecord.objects.all(), apps, via="booking", kind_model=("booking", "Booking"))
    link_records(UsageRecord.objects.all(), apps, via="order", kind_model=("orders", "TestOrder"))
    copy_events(
        apps,
        apps.get_model("usage", "UsageRecordEvent").objects.all(),
        target=("usage", "usagerecord"),
        object_field="record_number",
        row=lambda e: {"action": e.action, "data": {"unit": e.unit_id, "changes": e.changes}},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("usage", "0003_service_record"),
        ("booking", "0004_fill_service_records"),
        ("orders", "0004_fill_service_records"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
