"""The sensitive-read log as people see it: who downloaded a results file or usage evidence, who exported which
list, for which unit. Unit admins see their units' rows; the platform authority sees every row; nobody else any.

Rows are ``core.AuditEvent`` rows with action "download" or "export" (``core.changelog``); reading them writes
nothing. A page of rows costs the same queries however many rows it holds.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core import changelog
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Organization


def can_read_log(access: Access) -> bool:
    return access.is_platform_admin or bool(access.unit_admin_unit_ids)


def visible_read_log(access: Access) -> QuerySet[AuditEvent]:
    """The read-log rows the user may see, newest first; PermissionDenied for anyone who sees none by role."""
    if not can_read_log(access):
        raise PermissionDenied(_("下载与导出记录仅对单位管理员和平台管理员开放。"))
    return changelog.read_log(None if access.is_platform_admin else access.unit_admin_unit_ids)


def read_log_rows(events) -> list[dict]:
    """Plain rows for one page of ``visible_read_log``: one more query for the units' names, whatever the count."""
    events = list(events)
    unit_ids = {event.data.get("unit") for event in events} - {None}
    names = dict(Organization.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    return [
        {
            "id": event.pk,
            "at": event.created_at,
            "action": event.action,
            "action_label": str(changelog.READ_LABELS.get(event.action, event.action)),
            "actor": event.actor,
            "actor_name": (event.actor.get_full_name() or event.actor.username) if event.actor else "",
            "actor_username": event.actor.username if event.actor else "",
            "what": event.data.get("what", ""),
            "unit_id": event.data.get("unit"),
            "unit_name": names.get(event.data.get("unit"), ""),
            "filters": event.data.get("filters", {}),
        }
        for event in events
    ]
