"""The registration events moved into the one audit trail."""

from django.db import migrations

from yiqi.core.migration_support import copy_events


def forward(apps, schema_editor):
    copy_events(
        apps,
        apps.get_model("registry", "RegistrationEvent").objects.all(),
        target=("registry", "instrument"),
        object_field="instrument_id",
        row=lambda e: {
            "action": e.action,
            "from_state": e.from_status,
            "to_state": e.to_status,
            "comment": e.comment,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_private_import_files"),
        ("core", "0002_auditevent"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
