"""Helpers for the data migrations that moved per-model event tables into ``AuditEvent`` and linked the service
records. They take the migration's historical ``apps``; keep them working on those historical models."""

from django.db.models import OuterRef, Subquery

BATCH = 2000


def content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def copy_events(apps, events, *, target: tuple[str, str], object_field: str, row) -> None:
    """Copy an old event table into ``core.AuditEvent``. ``row(event)`` returns the action, from_state, to_state,
    comment and data of the audit row; the object, actor and time are taken as they were."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    ct = content_type(apps, *target)
    batch = []
    for event in events.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            AuditEvent(
                content_type_id=ct.pk,
                object_id=getattr(event, object_field),
                actor_id=event.actor_id,
                created_at=event.created_at,
                **row(event),
            )
        )
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)


def link_records(rows, apps, *, via: str, kind_model: tuple[str, str]) -> None:
    """Set ``record`` on each of ``rows`` from the service record of the booking or order it points to by ``via``."""
    Kind = apps.get_model(*kind_model)
    rows.filter(**{f"{via}__isnull": False}).update(
        record_id=Subquery(Kind.objects.filter(pk=OuterRef(f"{via}_id")).values("record_id")[:1])
    )
