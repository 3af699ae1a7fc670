# Instrument photos and documents leave the public MEDIA_ROOT for private storage, served only by the attachment
# view. The files keep their names (so the rows keep theirs); the public copies are deleted once the migration has
# committed, so a failed migration leaves every file where the database says it is.

from django.conf import settings
from django.db import migrations, models, transaction

import yiqi.core.storage
from yiqi.core.storage import copy_stored_files, remove_stored_files


def _names(apps):
    Attachment = apps.get_model("registry", "InstrumentAttachment")
    return list(Attachment.objects.exclude(file="").order_by("pk").values_list("file", flat=True))


def _move(apps, schema_editor, source, target):
    copied, _missing = copy_stored_files(_names(apps), source_root=source, target_root=target)
    transaction.on_commit(
        lambda: remove_stored_files(copied, root=source), using=schema_editor.connection.alias
    )


def to_private(apps, schema_editor):
    _move(apps, schema_editor, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)


def to_public(apps, schema_editor):
    _move(apps, schema_editor, settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_one_audit_trail"),
    ]

    operations = [
        migrations.AlterField(
            model_name="instrumentattachment",
            name="file",
            field=models.FileField(
                storage=yiqi.core.storage.private_storage, upload_to="instruments/%Y/%m/", verbose_name="文件"
            ),
        ),
        migrations.RunPython(to_private, to_public, elidable=True),
    ]
