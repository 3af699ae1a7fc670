"""Complaints: filed by any signed-in user about a unit or one of its instruments, numbered ``TS`` + date +
sequence, due within the handling period (``deadlines``); OPEN → IN_PROGRESS (the unit accepts) → RESOLVED
(outcome recorded by the unit or its supervising department) → CLOSED (the complainant confirms, or nobody objects
in time). The complainant may reopen once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.core.models import AuditEvent
from yiqi.core.sequences import next_daily_number
from yiqi.core.workflow import Transition
from yiqi.registry import scoping
from yiqi.servicerecords.models import ServiceRecord

from ..models import Complaint, ComplaintAction, ComplaintStatus
from .complaint_events import (
    COMPLAINT_MACHINE,
    DESCRIPTION_MAX_LENGTH,
    HISTORY_LABELS,
    NOTE,
    USER_ACTIONS,
    notify_parties,
)
from .deadlines import ACTIVE_STATES, auto_close_on, complaint_due_on
from .shared import no_rows, too_long

SUBJECT_MAX_LENGTH = 100

A = ComplaintAction
S = ComplaintStatus


def _handler_q(access: Access) -> Q:
    """The unit's side: its admins, and the manager of the instrument complained about."""
    scope = no_rows()
    if access.unit_admin_unit_ids:
        scope |= Q(unit_id__in=access.unit_admin_unit_ids)
    if access.staff_unit_ids:
        scope |= Q(instrument__manager_id=access.user_id, instrument__unit_id__in=access.staff_unit_ids)
    return scope


def visible_complaints(access: Access) -> QuerySet[Complaint]:
    """Complainants see their own; the unit's side its unit's; departments their units'; the platform all."""
    queryset = Complaint.objects.select_related("unit", "instrument", "complainant", "record")
    if access.is_platform_admin:
        return queryset
    if not access.is_authenticated:
        return queryset.none()
    scope = Q(complainant_id=access.user_id) | _handler_q(access)
    if access.department_ids:
        scope |= Q(unit__supervising_department_id__in=access.department_ids)
    return queryset.filter(scope)


def handled_complaints(access: Access) -> QuerySet[Complaint]:
    return Complaint.objects.filter(_handler_q(access))


def complaints_to_handle(access: Access) -> QuerySet[Complaint]:
    """What waits for the person on the unit's side: their complaints not yet resolved (the workspace's count and
    the list it opens)."""
    return handled_complaints(access).filter(status__in=ACTIVE_STATES)


def supervised_complaints(access: Access) -> QuerySet[Complaint]:
    if access.is_platform_admin:
        return Complaint.objects.all()
    return Complaint.objects.filter(unit__supervising_department_id__in=access.department_ids)


def handles(access: Access, complaint: Complaint) -> bool:
    instrument = complaint.instrument
    return complaint.unit_id in access.unit_admin_unit_ids or (
        instrument is not None
        and access.user_id is not None
        and instrument.manager_id == access.user_id
        and instrument.unit_id in access.staff_unit_ids
    )


def supervises(access: Access, complaint: Complaint) -> bool:
    return access.is_platform_admin or complaint.unit.supervising_department_id in access.department_ids


def is_complainant(access: Access, complaint: Complaint) -> bool:
    return access.user_id is not None and complaint.complainant_id == access.user_id


def _check_text(errors: dict, field: str, text: str, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = [missing]
    elif len(text) > limit:
        errors[field] = [too_long(text, limit)]
    return text


def _check_target(access: Access, user, unit, instrument, record: ServiceRecord | None) -> tuple:
    """(unit, instrument) complained about, consistent with each other and with the user's own service record;
    raises a field error otherwise."""
    if record is not None:
        if record.user_id != user.pk:
            raise ValidationError({"record": [_("只能关联您本人的预约或委托测试单。")]})
        if instrument is not None and instrument.pk != record.instrument_id:
            raise ValidationError({"instrument": [_("所选仪器与关联的预约或委托测试单不一致。")]})
        instrument = record.instrument
    if instrument is not None:
        if not scoping.visible_instruments(access).filter(pk=instrument.pk).exists():
            raise ValidationError({"instrument": [_("所选仪器不存在。")]})
        if unit is not None and unit.pk != instrument.unit_id:
            raise ValidationError({"instrument": [_("所选仪器不属于被投诉的单位。")]})
        unit = instrument.unit
    if unit is None:
        raise ValidationError({"unit": [_("请选择被投诉的单位或仪器。")]})
    if not unit.is_management_unit:
        raise ValidationError({"unit": [_("只能投诉在平台登记仪器的管理单位。")]})
    return unit, instrument


@transaction.atomic
def file_complaint(
    *,
    user,
    subject: str,
    description: str,
    unit=None,
    instrument=None,
    record: ServiceRecord | None = None,
) -> Complaint:
    """A signed-in user complains about a unit or one of its instruments, optionally about one of their own
    service records; the unit's side and its supervising department are told at once."""
    access = access_for(user)
    if not access.is_authenticated:
        raise PermissionDenied(_("请先登录再提交投诉。"))
    errors: dict[str, list[str]] = {}
    try:
        unit, instrument = _check_target(access, user, unit, instrument, record)
    except ValidationError as error:
        errors.update(error.message_dict)
    subject = _check_text(errors, "subject", subject, SUBJECT_MAX_LENGTH, _("请填写投诉事项。"))
    description = _check_text(
        errors, "description", description, DESCRIPTION_MAX_LENGTH, _("请填写详细情况。")
    )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        number=next_daily_number("TS", today, Complaint.objects),
        complainant=user,
        unit=unit,
        instrument=instrument,
        record=record,
        subject=subject,
        description=description,
        due_on=complaint_due_on(today),
    )
    # The complaint's own word for its creation, as in the trail migrated from before.
    AuditEvent.record(complaint, A.FILE, actor=user, to_state=complaint.status)
    notify_parties(complaint, A.FILE, user)
    return complaint


MISSING_COMMENT = {
    A.RESOLVE: gettext_lazy("办结时须填写处理结果。"),
    A.REOPEN: gettext_lazy("要求重新办理时须说明理由。"),
    A.COMMENT: gettext_lazy("请填写意见内容。"),
}


def _may(access: Access, action: str, complaint: Complaint) -> bool:
    if action == A.ACCEPT:
        return handles(access, complaint)
    if action == A.RESOLVE:
        # The unit resolves what it has accepted; the department may step in at any time before.
        return supervises(access, complaint) or (
            complaint.status == S.IN_PROGRESS and handles(access, complaint)
        )
    if action == A.CONFIRM:
        return is_complainant(access, complaint)
    if action == A.REOPEN:
        return is_complainant(access, complaint) and complaint.reopened_at is None
    if action == A.COMMENT:
        return (
            supervises(access, complaint) or handles(access, complaint) or is_complainant(access, complaint)
        )
    return False


def step(action: str) -> Transition:
    """The declaration of one of ``USER_ACTIONS`` (an unknown action is a field error)."""
    if action == A.COMMENT:
        return NOTE
    if action not in USER_ACTIONS:
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    return COMPLAINT_MACHINE.step(action)


def available_actions(complaint: Complaint, access: Access) -> list[str]:
    return [
        action
        for action in USER_ACTIONS
        if complaint.status in step(action).sources and _may(access, action, complaint)
    ]


def history(complaint: Complaint) -> list[dict]:
    """The complaint's trail, oldest first, as plain rows (``StateMachine.history``)."""
    return COMPLAINT_MACHINE.history(complaint, labels=HISTORY_LABELS)


def _check_step(complaint: Complaint, action: str, access: Access, comment: str, upheld: bool | None) -> None:
    """The rules of one user's step on a locked complaint: its state, the one reopening, who may, the comment,
    and the decision whether it is upheld when resolving."""
    declared = step(action)
    if complaint.status not in declared.sources:
        raise ValidationError(
            {
                "action": [
                    _("投诉当前状态为“%(status)s”，不能执行此操作。")
                    % {"status": complaint.get_status_display()}
                ]
            }
        )
    if action == A.REOPEN and is_complainant(access, complaint) and complaint.reopened_at is not None:
        raise ValidationError({"action": [_("每件投诉只能要求重新办理一次。")]})
    if not _may(access, action, complaint):
        raise PermissionDenied(_("您无权对该投诉执行此操作。"))
    if declared.needs_comment and not comment:
        raise ValidationError({"comment": [MISSING_COMMENT[action]]})
    if action == A.RESOLVE and upheld is None:
        raise ValidationError({"upheld": [_("办结时须认定投诉是否成立。")]})
    if len(comment) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"comment": [too_long(comment, DESCRIPTION_MAX_LENGTH)]})


def _prepare(complaint: Complaint, declared: Transition, comment: str, upheld: bool | None) -> None:
    """What a step sets besides the state: the outcome, whether upheld and the confirmation deadline, or a fresh
    period."""
    today = timezone.localdate()
    if declared.action == A.RESOLVE:
        complaint.outcome, complaint.upheld, complaint.resolved_at = comment, upheld, timezone.now()
        complaint.auto_close_on = auto_close_on(today)
    elif declared.action == A.REOPEN:
        # A fresh handling period, and a fresh overdue reminder if that one passes too.
        complaint.reopened_at = timezone.now()
        complaint.outcome, complaint.upheld = "", None
        complaint.resolved_at, complaint.auto_close_on = None, None
        complaint.due_on, complaint.escalated_at = complaint_due_on(today), None


@transaction.atomic
def transition(
    complaint: Complaint, action: str, *, actor, comment: str = "", upheld: bool | None = None
) -> Complaint:
    """One step of a complaint (accept, resolve with its outcome and whether it is upheld, confirm, reopen once) or
    a note (comment), recorded and told to the other side."""
    declared = step(action)
    access = access_for(actor)
    comment = (comment or "").strip()
    if declared is NOTE:
        complaint = COMPLAINT_MACHINE.lock(complaint)
        _check_step(complaint, action, access, comment, upheld)
        complaint.save(update_fields=["updated_at"])
        status = complaint.status
        AuditEvent.record(complaint, action, actor=actor, from_state=status, to_state=status, comment=comment)
    else:

        def permitted(locked: Complaint, _step: Transition) -> bool:
            _check_step(locked, action, access, comment, upheld)
            return True

        complaint = COMPLAINT_MACHINE.run(
            complaint,
            action,
            actor=actor,
            comment=comment,
            permitted=permitted,
            prepare=lambda locked, declared: _prepare(locked, declared, comment, upheld),
        )
    notify_parties(complaint, action, actor, comment)
    return complaint
