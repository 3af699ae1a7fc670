"""A complaint's record and messages: every step leaves an event row and tells the other side."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.notifications.services import notify

from ..models import Complaint, ComplaintAction, ComplaintEvent
from .shared import unit_side

A = ComplaintAction


def record_step(complaint: Complaint, action: str, source: str, actor, comment: str = "") -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        from_status=source,
        to_status=complaint.status,
        actor=actor,
        comment=comment,
    )


def department_side(complaint: Complaint) -> list:
    return list(
        users_with_role(Role.DEPARTMENT_ADMIN, department_id=complaint.unit.supervising_department_id)
    )


def notify_parties(complaint: Complaint, action: str, actor, comment: str = "") -> None:
    """Tell the other side. The department hears of new, reopened, overdue complaints and of every note."""
    complainant = [complaint.complainant]
    unit, department = unit_side(complaint.unit_id, complaint.instrument), department_side(complaint)
    recipients = {
        A.FILE: unit + department,
        A.ACCEPT: complainant,
        A.RESOLVE: complainant + unit,
        A.CONFIRM: unit,
        A.REOPEN: unit + department,
        A.COMMENT: complainant + unit + department,
        A.ESCALATE: unit + department,
        A.AUTO_CLOSE: complainant + unit,
    }[action]
    subject = _("投诉 %(number)s（%(subject)s）：%(action)s") % {
        "number": complaint.number,
        "subject": complaint.subject,
        "action": A(action).label,
    }
    notify(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        subject,
        comment,
        reverse("feedback:complaint_detail", args=[complaint.pk]),
    )
