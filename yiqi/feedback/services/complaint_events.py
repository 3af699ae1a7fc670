"""A complaint's state machine and messages: every step leaves one audit row and tells the other side."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.workflow import StateMachine, Transition
from yiqi.notifications.services import Phrase, notify

from ..models import Complaint, ComplaintAction, ComplaintStatus
from .shared import unit_side

A = ComplaintAction
S = ComplaintStatus

DESCRIPTION_MAX_LENGTH = 3000  # the description, and each step's comment

# Who takes each step (``Transition.who``): the unit's side (or its department), the complainant, the daily job.
UNIT, COMPLAINANT, SYSTEM = "unit", "complainant", "system"

COMPLAINT_MACHINE = StateMachine(
    Complaint,
    [
        Transition(A.ACCEPT, A.ACCEPT.label, (S.OPEN,), S.IN_PROGRESS, who=UNIT),
        Transition(
            A.RESOLVE, A.RESOLVE.label, (S.OPEN, S.IN_PROGRESS), S.RESOLVED, who=UNIT, needs_comment=True
        ),
        Transition(A.CONFIRM, A.CONFIRM.label, (S.RESOLVED,), S.CLOSED, who=COMPLAINANT),
        Transition(
            A.REOPEN, A.REOPEN.label, (S.RESOLVED,), S.IN_PROGRESS, who=COMPLAINANT, needs_comment=True
        ),
        Transition(A.AUTO_CLOSE, A.AUTO_CLOSE.label, (S.RESOLVED,), S.CLOSED, who=SYSTEM),
    ],
    comment_max_length=DESCRIPTION_MAX_LENGTH,
    lock_related=("unit", "instrument", "complainant"),
)
# A note on an open case: recorded in the trail, the state stays. Not a transition, but checked like one.
NOTE = Transition(
    A.COMMENT,
    A.COMMENT.label,
    (S.OPEN, S.IN_PROGRESS, S.RESOLVED),
    lambda complaint: complaint.status,
    needs_comment=True,
)
# What people may do from the complaint's page or the API, in the order the buttons appear.
USER_ACTIONS = (A.ACCEPT, A.RESOLVE, A.CONFIRM, A.REOPEN, A.COMMENT)
# Trail entries written outside the transitions, named for the history.
HISTORY_LABELS = {
    A.FILE: A.FILE.label,
    A.COMMENT: A.COMMENT.label,
    A.ESCALATE: A.ESCALATE.label,
}


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
    subject = Phrase(
        gettext_lazy("投诉 %(number)s（%(subject)s）：%(action)s"),
        number=complaint.number,
        subject=complaint.subject,
        action=A(action).label,
    )
    notify(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        subject,
        comment,
        reverse("feedback:complaint_detail", args=[complaint.pk]),
        kind="complaint",
        context={"complaint": complaint, "action": A(action).label},
    )
