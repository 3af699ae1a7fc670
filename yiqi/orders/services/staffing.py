"""The technicians responsible for an order."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.services import users_with_role
from yiqi.core.models import AuditEvent
from yiqi.notifications.services import Phrase, notify

from ..models import TestOrder
from .notices import order_mail
from .visibility import FINAL_STATES, serves
from .workflow import locked


def assignable_staff(order: TestOrder):
    """Technicians of the instrument's unit."""
    return users_with_role(Role.TECHNICIAN, organization_id=order.instrument.unit_id).order_by(
        "full_name", "pk"
    )


@transaction.atomic
def assign_staff(order: TestOrder, staff, *, actor) -> TestOrder:
    """Set the technicians responsible for the order (they then see its samples and results)."""
    order = locked(order)
    if not serves(access_for(actor), order):
        raise PermissionDenied(_("您无权为该委托单指派人员。"))
    if order.status in FINAL_STATES:
        raise ValidationError({"staff": [_("已结束的委托单不能再指派人员。")]})
    staff = list(staff)
    allowed = set(assignable_staff(order).values_list("pk", flat=True))
    strangers = [str(user) for user in staff if user.pk not in allowed]
    if strangers:
        raise ValidationError(
            {"staff": [_("以下人员不是本单位的实验技术人员：%(names)s。") % {"names": "、".join(strangers)}]}
        )
    before = set(order.assigned_staff.values_list("pk", flat=True))
    order.assigned_staff.set(staff)
    AuditEvent.record(
        order,
        "assign_staff",
        actor=actor,
        from_state=order.status,
        to_state=order.status,
        comment=_("负责人员：%(names)s") % {"names": "、".join(str(user) for user in staff) or "—"},
    )
    added = [user for user in staff if user.pk not in before]
    notify(
        added,
        Phrase(
            gettext_lazy("您被指派负责委托测试 %(number)s（%(instrument)s）"),
            number=order.number,
            instrument=order.instrument.name,
        ),
        "",
        reverse("orders:detail", args=[order.pk]),
        **order_mail(order, "assignee"),
    )
    return order
