"""The ordering user's first download of a results file now comes from the sensitive-read log: each stamped
``downloaded_at`` becomes a "download" audit row by the ordering user at that time, then the column goes."""

from django.db import migrations

from yiqi.core.migration_support import BATCH, content_type


def to_read_log(apps, schema_editor):
    OrderResult = apps.get_model("orders", "OrderResult")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ct = content_type(apps, "orders", "orderresult")
    downloaded = OrderResult.objects.filter(downloaded_at__isnull=False).select_related("order__instrument")
    batch = []
    for result in downloaded.order_by("pk").iterator(chunk_size=BATCH):
        order = result.order
        batch.append(
            AuditEvent(
                content_type_id=ct.pk,
                object_id=result.pk,
                action="download",
                actor_id=order.user_id,
                created_at=result.downloaded_at,
                data={
                    "unit": order.instrument.unit_id,
                    "what": f"委托单 {order.number} 的结果文件：{result.original_name}",
                    "order": order.pk,
                },
            )
        )
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_one_audit_trail"),
        ("core", "0002_auditevent"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(to_read_log, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="orderresult", name="downloaded_at"),
    ]
