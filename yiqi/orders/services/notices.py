"""Telling the two sides of an order what happened to it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, User
from yiqi.accounts.services import users_with_role
from yiqi.notifications.services import Phrase, notify

from ..models import OrderStatus, TestOrder


def staff_contacts(order: TestOrder) -> list:
    """The unit's side of an order: its assigned staff and the instrument's manager, else the unit's admins."""
    staff_ids = set(
        users_with_role(Role.TECHNICIAN, organization_id=order.instrument.unit_id)
        .filter(assigned_test_orders=order)
        .values_list("pk", flat=True)
    )
    manager = order.instrument.manager
    if manager is not None and order.instrument.unit_id in access_for(manager).staff_unit_ids:
        staff_ids.add(manager.pk)
    if not staff_ids:
        return list(users_with_role(Role.UNIT_ADMIN, organization_id=order.instrument.unit_id))
    return list(User.objects.filter(pk__in=staff_ids))


def notify_order(order: TestOrder, recipients, comment: str = "") -> None:
    """Tell the order's user or its staff (each in their own language) what the order's status now is."""
    subject = Phrase(
        gettext_lazy("委托测试 %(number)s（%(instrument)s）：%(status)s"),
        number=order.number,
        instrument=order.instrument.name,
        status=OrderStatus(order.status).label,
    )
    recipients = list(recipients)
    staff = [person for person in recipients if person is not None and person.pk != order.user_id]
    url = reverse("orders:detail", args=[order.pk])
    if len(staff) < len(recipients):
        notify([order.user], subject, comment, url, **order_mail(order, "user"))
    notify(staff, subject, comment, url, **order_mail(order, "staff"))


def order_mail(order: TestOrder, audience: str) -> dict:
    """The facts an order's email shows (``notifications/email/order.html``) to its user, staff or assignee."""
    return {"kind": "order", "context": {"order": order, "audience": audience}}
