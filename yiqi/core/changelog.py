"""Plain change logs and the sensitive-read log, both rows of the one audit trail (``AuditEvent``).

A change log row: ``record_change(obj, action, actor=, changes={field: [old, new]})``, the values as shown to people
(``snapshot`` / ``diff``), plus whatever the history page needs to find it (e.g. ``instrument``). ``change_rows``
turns such rows into plain rows for a page.

A read log row: ``record_read(obj, "download" | "export", actor=, unit_id=, what=, filters=)`` on the object read
(the file's row for a download; the reader for an export, which reads a query, not an object). ``data["unit"]`` is
the unit whose data was read (None when an export spans several units): who may see the row is decided from it.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent

DOWNLOAD, EXPORT = "download", "export"
READ_ACTIONS = (DOWNLOAD, EXPORT)
READ_LABELS = {DOWNLOAD: gettext_lazy("下载"), EXPORT: gettext_lazy("导出")}

CHANGE_LABELS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "activate": gettext_lazy("启用"),
    "deactivate": gettext_lazy("停用"),
    "move": gettext_lazy("调整顺序"),
    "grant": gettext_lazy("授予"),
    "revoke": gettext_lazy("撤销"),
    "open_hours": gettext_lazy("修改开放时间"),
}


# --- values as shown to people ---------------------------------------------------------------------------------


def shown(value) -> str:
    """One value as a person reads it: local times to the minute, dates, 是/否, amounts as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return formats.date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """``obj``'s ``fields`` as shown to people: a choice by its label, a related row by its name."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        values[name] = shown(value)
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """``{field: [old, new]}`` for the fields whose shown value changed (a field missing on one side is "")."""
    return {
        name: [before.get(name, ""), after.get(name, "")]
        for name in dict.fromkeys([*before, *after])
        if before.get(name, "") != after.get(name, "")
    }


def record_change(obj: models.Model, action: str, *, actor, changes: dict, comment: str = "", **data):
    """One change-log row on ``obj``: ``data={"changes": changes, **data}``."""
    return AuditEvent.record(obj, action, actor=actor, comment=comment, data={"changes": changes, **data})


def field_labels(model: type[models.Model]) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}


def change_rows(events: Iterable[AuditEvent], labels: dict[str, dict[str, str]] | None = None) -> list[dict]:
    """Plain rows for a history list. ``events`` should ``select_related("actor", "content_type")``; ``labels``
    maps a model's label (``app.Model``) to its fields' labels (default: the models' verbose names)."""
    labels = dict(labels or {})
    rows = []
    for event in events:
        model = event.content_type.model_class()
        key = model._meta.label if model else ""
        if key not in labels:
            labels[key] = field_labels(model) if model else {}
        rows.append(
            {
                "id": event.pk,
                "at": event.created_at,
                "action": event.action,
                "action_label": str(CHANGE_LABELS.get(event.action, event.action)),
                "subject": str(model._meta.verbose_name) if model else "",
                "about": event.data.get("about", ""),
                "actor": event.actor,
                "actor_name": (event.actor.get_full_name() or event.actor.username) if event.actor else "",
                "comment": event.comment,
                "changes": [
                    {"field": name, "label": labels[key].get(name, name), "old": old, "new": new}
                    for name, (old, new) in event.data.get("changes", {}).items()
                ],
            }
        )
    return rows


def history_of(models_: Iterable[type[models.Model]], **data) -> QuerySet[AuditEvent]:
    """Change-log rows of the given models whose ``data`` carries ``data`` (e.g. ``instrument=pk``), newest
    first; rows of deleted objects included."""
    events = AuditEvent.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(m) for m in models_],
    ).exclude(action__in=READ_ACTIONS)
    for key, value in data.items():
        events = events.filter(**{f"data__{key}": value})
    return events.select_related("actor", "content_type").order_by("-created_at", "-id")


# --- the sensitive-read log -------------------------------------------------------------------------------------


def record_read(
    obj: models.Model,
    action: str,
    *,
    actor,
    unit_id: int | None,
    what: str,
    filters: dict | None = None,
    **data,
) -> AuditEvent:
    """Someone read something sensitive: a file (``download``, on the file's row) or a list (``export``, on the
    reader, with its ``filters`` as shown to people, see ``filters_shown``)."""
    if action not in READ_ACTIONS:
        raise ValueError(action)
    payload = {"unit": unit_id, "what": str(what), **data}
    if action == EXPORT:
        payload["filters"] = dict(filters or {})
    return AuditEvent.record(obj, action, actor=actor, data=payload)


def record_export(actor, *, unit_id: int | None, what: str, filters: dict | None = None) -> AuditEvent:
    """An export of a list: logged on the reader (an export reads a query, not one object)."""
    return record_read(actor, EXPORT, actor=actor, unit_id=unit_id, what=what, filters=filters)


def filters_shown(form) -> dict[str, str]:
    """A filter form's non-empty values under their labels, as shown to people (choices by their labels)."""
    if form is None or not form.is_valid():
        return {}
    result = {}
    for name, value in form.cleaned_data.items():
        field = form.fields[name]
        values = list(value) if isinstance(value, list | tuple | QuerySet) else [value]
        labels = {}
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels = {str(key): label for key, label in field.choices}
        text = "、".join(str(labels.get(str(v), shown(v))) for v in values if v not in (None, ""))
        if text:
            result[str(field.label or name)] = text
    return result


def sole_unit(queryset: QuerySet, field: str = "unit_id") -> int | None:
    """The one unit whose rows ``queryset`` holds, or None when it holds several (or none)."""
    units = list(queryset.order_by().values_list(field, flat=True).distinct()[:2])
    return units[0] if len(units) == 1 else None


def read_log(unit_ids: Iterable[int] | None = None) -> QuerySet[AuditEvent]:
    """Read-log rows, newest first: all of them (``unit_ids=None``) or those about the given units."""
    rows = AuditEvent.objects.filter(action__in=READ_ACTIONS)
    if unit_ids is not None:
        rows = rows.filter(data__unit__in=sorted(unit_ids))
    return rows.select_related("actor").order_by("-created_at", "-id")


def first_downloads(model: type[models.Model], object_ids: Iterable[int], *, by: dict[int, int]) -> dict:
    """object id -> when ``by[object id]`` (a user id) first downloaded it, from the read log, in one query."""
    object_ids = list(object_ids)
    if not object_ids:
        return {}
    first: dict[int, dt.datetime] = {}
    rows = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=object_ids,
        action=DOWNLOAD,
        actor_id__in=set(by.values()),
    ).values_list("object_id", "actor_id", "created_at")
    for object_id, actor_id, at in rows.order_by("created_at"):
        if by.get(object_id) == actor_id:
            first.setdefault(object_id, at)
    return first


def first_download_subquery(model: type[models.Model], *, user_field: str):
    """An annotation: when the user in ``user_field`` (an ``OuterRef`` path) first downloaded the row."""
    return models.Subquery(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=models.OuterRef("pk"),
            action=DOWNLOAD,
            actor_id=models.OuterRef(user_field),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
