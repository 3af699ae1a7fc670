"""Who sees and does what on an order (the user's samples and data are their intellectual property):

- the ordering user, the staff assigned to the order, the instrument's manager and the unit's admins (who assign
  staff) see everything: sample description, requirements, answers, results files ("confidential");
- the unit's other technicians see the order in the unit's queue as number, instrument, status and dates only
  and cannot open it;
- platform admins open an oversight view: status, order number, sample count, machine-hours and fees, never the
  sample description, requirements, answers, comments or results;
- everybody else (other units, supervising departments, anonymous) sees nothing.
"""

from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.core.memo import answers
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from ..models import OrderStatus as S
from ..models import TestOrder

OPEN_STATES = (S.SUBMITTED, S.QUOTED, S.CONFIRMED, S.SAMPLES_RECEIVED, S.TESTING, S.RESULTS_READY)
FINAL_STATES = (S.COMPLETED, S.CANCELLED, S.REJECTED)
RESULTS_PUBLISHED_STATES = (S.RESULTS_READY, S.COMPLETED)


def _assigned_to(user_id) -> QuerySet:
    return TestOrder.assigned_staff.through.objects.filter(user_id=user_id).values("testorder_id")


def _staff_q(access: Access) -> Q:
    """Orders the user handles as staff: assigned to them, on an instrument they manage, or in a unit they run."""
    staff_units = access.staff_unit_ids
    return (
        Q(instrument__unit_id__in=access.unit_admin_unit_ids)
        | Q(instrument__manager_id=access.user_id, instrument__unit_id__in=staff_units)
        | Q(pk__in=_assigned_to(access.user_id), instrument__unit_id__in=staff_units)
    )


def confidential_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders whose samples, answers and results the user may see."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(Q(user_id=access.user_id) | _staff_q(access))


def viewer_facts(access: Access, order_id: int) -> dict:
    """Whether the user sees the order's confidential part and whether they handle it as staff, as questions
    (``memo.answers``): the order page asks them with the order's own read (``memo.first_with_asked``)."""
    return {
        ("sees_order", access.user_id, order_id): Exists(confidential_orders(access).filter(pk=order_id)),
        ("handles_order", access.user_id, order_id): Exists(handled_orders(access).filter(pk=order_id)),
    }


def _fact(access: Access, order: TestOrder, name: str) -> bool:
    return answers(viewer_facts(access, order.pk))[(name, access.user_id, order.pk)]


def can_see_confidential(access: Access, order: TestOrder) -> bool:
    return _fact(access, order, "sees_order")


def handled_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders the user serves as staff (not their own as a customer)."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(_staff_q(access))


def _unit_q(access: Access) -> Q:
    service_units = access.organizations_with(Role.UNIT_ADMIN, Role.TECHNICIAN)
    return _staff_q(access) | Q(instrument__unit_id__in=service_units)


def unit_orders(access: Access) -> QuerySet[TestOrder]:
    """The queue of the units the user serves in: handled orders plus, for technicians, the rest of the unit's
    (shown as number, instrument, status and dates only)."""
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(_unit_q(access))


def has_queue(access: Access) -> bool:
    """Unit staff (any staff role) have their units' queue."""
    return bool(access.staff_unit_ids)


def visible_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders listed for the user: their own and their units' queue; every order for platform admins."""
    if access.is_platform_admin:
        return TestOrder.objects.all()
    if not access.is_authenticated:
        return TestOrder.objects.none()
    return TestOrder.objects.filter(Q(user_id=access.user_id) | _unit_q(access))


def openable_orders(access: Access) -> QuerySet[TestOrder]:
    """Orders whose page opens: the confidential ones, and every order's oversight view for platform admins."""
    if access.is_platform_admin:
        return TestOrder.objects.all()
    return confidential_orders(access)


def serves(access: Access, order: TestOrder) -> bool:
    """Acts for the unit on this order: can serve the instrument and handles the order (see ``_staff_q``)."""
    return (
        access.is_authenticated
        and scoping.can_serve(access, order.instrument)
        and _fact(access, order, "handles_order")
    )


def served_order_ids(access: Access, orders) -> set[int]:
    """The ids of those ``orders`` the user serves (see ``serves``), in one query: for lists."""
    if not access.is_authenticated:
        return set()
    candidates = [order.pk for order in orders if scoping.can_serve(access, order.instrument)]
    return set(handled_orders(access).filter(pk__in=candidates).values_list("pk", flat=True))


def can_assign(access: Access, order: TestOrder) -> bool:
    return order.status not in FINAL_STATES and serves(access, order)


def can_upload_results(access: Access, order: TestOrder) -> bool:
    return order.status == S.TESTING and serves(access, order)


def can_download_results(access: Access, order: TestOrder, *, serving: bool | None = None) -> bool:
    """Staff serving the order always; the ordering user once results are published. ``serving``: whether the
    user serves the order, when already known (see ``served_order_ids``)."""
    if serves(access, order) if serving is None else serving:
        return True
    return order.user_id == access.user_id and order.status in RESULTS_PUBLISHED_STATES


def order_refusal(access: Access, instrument: Instrument, *, require_login: bool = True) -> str | None:
    """Why this user cannot order a test on this instrument, or None if they can (or could, once logged in)."""
    if not scoping.is_open_for_service(instrument):
        return _("该仪器当前不对外服务（未发布、停用或不共享）。")
    if not instrument.offers_commissioned_testing:
        return _("该仪器不提供委托测试。")
    if not scoping.sharing_admits(access, instrument):
        return _("该仪器仅供本单位内部使用。")
    if require_login and not access.is_authenticated:
        return _("请先登录。")
    return None
