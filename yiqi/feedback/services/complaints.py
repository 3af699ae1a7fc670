"""Complaints: filed by any signed-in user about a unit or one of its instruments, numbered ``TS`` + date +
sequence, due within the handling period (``deadlines``); OPEN → IN_PROGRESS (the unit accepts) → RESOLVED
(outcome recorded by the unit or its supervising department) → CLOSED (the complainant confirms, or nobody objects
in time). The complainant may reopen once.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access, access_for
from yiqi.booking.models import Booking
from yiqi.core.sequences import next_daily_number
from yiqi.core.workdays import add_working_days
from yiqi.orders.models import TestOrder
from yiqi.registry import scoping

from ..models import Complaint, ComplaintAction, ComplaintStatus
from .complaint_events import notify_parties, record_step
from .deadlines import CONFIRMATION_WORKING_DAYS, complaint_due_on
from .shared import no_rows, too_long

SUBJECT_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 3000

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
    queryset = Complaint.objects.select_related("unit", "instrument", "complainant")
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


def _check_target(access: Access, user, unit, instrument, booking, order) -> tuple:
    """(unit, instrument) complained about, consistent with each other and with the user's own booking or
    order; raises a field error otherwise."""
    if booking is not None and order is not None:
        raise ValidationError({"order": [_("一件投诉只能关联一次预约或一份委托测试单。")]})
    service = booking if booking is not None else order
    if service is not None:
        if service.user_id != user.pk:
            field = "booking" if booking is not None else "order"
            raise ValidationError({field: [_("只能关联您本人的预约或委托测试单。")]})
        if instrument is not None and instrument.pk != service.instrument_id:
            raise ValidationError({"instrument": [_("所选仪器与关联的预约或委托测试单不一致。")]})
        instrument = service.instrument
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
    booking: Booking | None = None,
    order: TestOrder | None = None,
) -> Complaint:
    """A signed-in user complains about a unit or one of its instruments, optionally about their own booking or
    order; the unit's side and its supervising department are told at once."""
    access = access_for(user)
    if not access.is_authenticated:
        raise PermissionDenied(_("请先登录再提交投诉。"))
    errors: dict[str, list[str]] = {}
    try:
        unit, instrument = _check_target(access, user, unit, instrument, booking, order)
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
        booking=booking,
        order=order,
        subject=subject,
        description=description,
        due_on=complaint_due_on(today),
    )
    record_step(complaint, ComplaintAction.FILE, "", user)
    notify_parties(complaint, ComplaintAction.FILE, user)
    return complaint


@dataclass(frozen=True)
class Step:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: a note, the state stays
    needs_comment: bool = False


STEPS = {
    step.action: step
    for step in (
        Step(A.ACCEPT, (S.OPEN,), S.IN_PROGRESS),
        Step(A.RESOLVE, (S.OPEN, S.IN_PROGRESS), S.RESOLVED, needs_comment=True),
        Step(A.CONFIRM, (S.RESOLVED,), S.CLOSED),
        Step(A.REOPEN, (S.RESOLVED,), S.IN_PROGRESS, needs_comment=True),
        Step(A.COMMENT, (S.OPEN, S.IN_PROGRESS, S.RESOLVED), None, needs_comment=True),
    )
}
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


def available_actions(complaint: Complaint, access: Access) -> list[str]:
    return [
        action
        for action, step in STEPS.items()
        if complaint.status in step.sources and _may(access, action, complaint)
    ]


@transaction.atomic
def transition(complaint: Complaint, action: str, *, actor, comment: str = "") -> Complaint:
    """One step of a complaint (accept, resolve with its outcome, confirm, reopen once, comment), recorded and
    told to the other side."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit", "instrument", "complainant")
        .get(pk=complaint.pk)
    )
    access = access_for(actor)
    if complaint.status not in step.sources:
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
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ValidationError({"comment": [MISSING_COMMENT[action]]})
    if len(comment) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError({"comment": [too_long(comment, DESCRIPTION_MAX_LENGTH)]})
    source = complaint.status
    today = timezone.localdate()
    if action == A.RESOLVE:
        complaint.outcome, complaint.resolved_at = comment, timezone.now()
        complaint.auto_close_on = add_working_days(today, CONFIRMATION_WORKING_DAYS).date
    elif action == A.REOPEN:
        # A fresh handling period, and a fresh overdue reminder if that one passes too.
        complaint.reopened_at = timezone.now()
        complaint.outcome, complaint.resolved_at, complaint.auto_close_on = "", None, None
        complaint.due_on, complaint.escalated_at = complaint_due_on(today), None
    if step.target:
        complaint.status = step.target
    complaint.save()
    record_step(complaint, action, source, actor, comment)
    notify_parties(complaint, action, actor, comment)
    return complaint
