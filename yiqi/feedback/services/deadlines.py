"""Complaint deadlines: the handling period in working days on the statutory calendar, and the daily job that
reminds about overdue complaints and closes resolved ones nobody answered."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.core.models import AuditEvent
from yiqi.core.workdays import add_working_days
from yiqi.organizations.models import Deployment

from ..models import Complaint, ComplaintAction, ComplaintStatus
from .complaint_events import COMPLAINT_MACHINE, notify_parties

A = ComplaintAction
S = ComplaintStatus

ACTIVE_STATES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)


def complaint_working_days() -> int:
    """The handling period the deployment sets, in working days."""
    return Deployment.current().complaint_working_days


def complaint_due_on(filed_on: dt.date) -> dt.date:
    """The last day of the handling period: that many working days after filing, on the statutory calendar."""
    return add_working_days(filed_on, complaint_working_days()).date


def auto_close_on(resolved_on: dt.date) -> dt.date:
    """A resolved complaint closes itself after the deployment's confirmation period without an answer."""
    return add_working_days(resolved_on, Deployment.current().complaint_confirmation_working_days).date


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(status__in=ACTIVE_STATES, due_on__lt=today or timezone.localdate())


@transaction.atomic
def remind_overdue_complaints(today: dt.date | None = None) -> int:
    """Past the handling period and not resolved: remind the unit's side and the department, once per period."""
    today = today or timezone.localdate()
    overdue = (
        Complaint.objects.select_for_update(of=("self",))
        .filter(overdue_q(today), escalated_at__isnull=True)
        .select_related("unit", "instrument", "complainant")
        .order_by("due_on", "id")
    )
    count = 0
    for complaint in overdue:
        complaint.escalated_at = timezone.now()
        complaint.save(update_fields=["escalated_at", "updated_at"])
        note = _("已超过办理期限（%(date)s）仍未办结。") % {"date": complaint.due_on.isoformat()}
        status = complaint.status
        AuditEvent.record(complaint, A.ESCALATE, actor=None, from_state=status, to_state=status, comment=note)
        notify_parties(complaint, A.ESCALATE, None, note)
        count += 1
    return count


@transaction.atomic
def close_unconfirmed_complaints(today: dt.date | None = None) -> int:
    """Resolved complaints the complainant neither confirmed nor reopened in time close themselves."""
    today = today or timezone.localdate()
    expired = (
        Complaint.objects.select_for_update(of=("self",))
        .filter(status=S.RESOLVED, auto_close_on__lte=today)
        .select_related("unit", "instrument", "complainant")
        .order_by("auto_close_on", "id")
    )
    count = 0
    note = _("投诉人在 %(days)d 个工作日内未确认或提出异议，投诉自动关闭。") % {
        "days": Deployment.current().complaint_confirmation_working_days
    }
    for complaint in expired:
        complaint = COMPLAINT_MACHINE.run(complaint, A.AUTO_CLOSE, actor=None, comment=note)
        notify_parties(complaint, A.AUTO_CLOSE, None, note)
        count += 1
    return count
