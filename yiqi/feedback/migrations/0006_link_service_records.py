"""Ratings and complaints point to the service record; the complaint events moved into the one audit trail."""

from django.db import migrations

from yiqi.core.migration_support import copy_events, link_records


def forward(apps, schema_editor):
    for model in ("Rating", "Complaint"):
        rows = apps.get_model("feedback", model).objects.all()
        link_records(rows, apps, via="booking", kind_model=("booking", "Booking"))
        link_records(rows, apps, via="order", kind_model=("orders", "TestOrder"))
    copy_events(
        apps,
        apps.get_model("feedback", "ComplaintEvent").objects.all(),
        target=("feedback", "complaint"),
        object_field="complaint_id",
        row=lambda e: {
            "action": e.action or "comment",
            "from_state": e.from_status,
            "to_state": e.to_status,
            "comment": e.comment,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_service_record"),
        ("booking", "0004_fill_service_records"),
        ("orders", "0004_fill_service_records"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
