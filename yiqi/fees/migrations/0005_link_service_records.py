"""Charges point to their service record; the charge events moved into the one audit trail."""

from django.db import migrations

from yiqi.core.migration_support import copy_events, link_records


def forward(apps, schema_editor):
    Charge = apps.get_model("fees", "Charge")
    link_records(Charge.objects.all(), apps, via="booking", kind_model=("booking", "Booking"))
    link_records(Charge.objects.all(), apps, via="order", kind_model=("orders", "TestOrder"))
    copy_events(
        apps,
        apps.get_model("fees", "ChargeEvent").objects.all(),
        target=("fees", "charge"),
        object_field="charge_id",
        row=lambda e: {"action": e.action, "comment": e.note, "data": {"total": str(e.total)}},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0004_service_record"),
        ("booking", "0004_fill_service_records"),
        ("orders", "0004_fill_service_records"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
