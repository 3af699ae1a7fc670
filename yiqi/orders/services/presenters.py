"""Plain data for the commissioned-testing panels and pages: what shows, for whom, and the counts. Views and the
template tags only call these; nothing here writes."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core.memo import answers
from yiqi.core.queries import total
from yiqi.registry import scoping
from yiqi.registry.models import Instrument

from ..models import OrderStatus as S
from ..models import TestOrder
from .results import visible_results
from .visibility import (
    OPEN_STATES,
    RESULTS_PUBLISHED_STATES,
    can_assign,
    can_download_results,
    can_see_confidential,
    can_upload_results,
    confidential_orders,
    handled_orders,
    has_queue,
    order_refusal,
)
from .workflow import ORDER_MACHINE, TRANSITIONS, available_actions

PANEL_OPEN_ORDERS = 5
WORKSPACE_OPEN_ORDERS = 10


def order_panel(access: Access, instrument: Instrument) -> dict:
    """The instrument page's panel: whether the instrument takes orders and why this user may not order, the
    user's open orders on it, and whether they manage its service (set up the form, see the queue)."""
    offered = instrument.offers_commissioned_testing
    refusal = order_refusal(access, instrument, require_login=False)
    # The panel lists them only when the instrument takes orders.
    mine = (
        list(
            TestOrder.objects.filter(user_id=access.user_id, instrument=instrument, status__in=OPEN_STATES)[
                :PANEL_OPEN_ORDERS
            ]
        )
        if offered and access.is_authenticated
        else []
    )
    return {
        "instrument": instrument,
        "offered": offered,
        "refusal": refusal,
        "logged_in": access.is_authenticated,
        "manages": scoping.can_manage_service(access, instrument),
        "my_open_orders": mine,
    }


# The workspace card's counts of handled open orders: the status each counts.
WORKSPACE_COUNTS = {
    "waiting_quote": S.SUBMITTED,
    "waiting_samples": S.CONFIRMED,
    "waiting_test": S.SAMPLES_RECEIVED,
    "testing": S.TESTING,
}


def order_workspace_counts(access: Access) -> dict:
    """The workspace card's counts as questions (``memo.answers``): the orders the user handles in each state."""
    if not access.is_authenticated:
        return {}
    handled = handled_orders(access)
    return {
        ("orders", name, access.user_id): total(handled.filter(status=status), Count("pk"))
        for name, status in WORKSPACE_COUNTS.items()
    }


def order_workspace(access: Access) -> dict:
    """The workspace card: the user's open orders; for unit staff, how many orders they handle wait for a quote,
    for the samples, or are being tested."""
    if not access.is_authenticated:
        return {"show": False}
    counts = answers(order_workspace_counts(access))
    open_orders = TestOrder.objects.filter(user_id=access.user_id, status__in=OPEN_STATES).select_related(
        "instrument"
    )
    return {
        "show": True,
        "open_orders": list(open_orders[:WORKSPACE_OPEN_ORDERS]),
        "is_staff": has_queue(access),
        **{name: counts[("orders", name, access.user_id)] for name in WORKSPACE_COUNTS},
    }


def status_tabs(orders: QuerySet[TestOrder], status: str) -> tuple[QuerySet[TestOrder], dict]:
    """``orders`` narrowed to ``status`` when it is one (anything else: all of them), and the list's tabs: the
    chosen status, (status, label, count) for every status, and the total."""
    counts = dict(orders.order_by().values_list("status").annotate(n=Count("pk")))
    if status in S.values:
        orders = orders.filter(status=status)
    tabs = [(value, label, counts.get(value, 0)) for value, label in S.choices]
    return orders, {"tabs": tabs, "status": status, "total": sum(counts.values())}


def queue_rows(access: Access, orders) -> list[tuple[TestOrder, bool]]:
    """(order, whether the user may open it) for a page of the queue, in one query: staff not handling an order see
    only its number, instrument, status and dates."""
    ids = [order.pk for order in orders]
    confidential = set(confidential_orders(access).filter(pk__in=ids).values_list("pk", flat=True))
    return [(order, order.pk in confidential) for order in orders]


def answer_rows(order: TestOrder) -> list[tuple[str, str]]:
    """(question, answer) in the form's order; questions removed since keep their key as label."""
    questions = {q.key: q for q in order.instrument.order_form_fields.all()}
    keys = [key for key in questions if key in order.answers]
    keys += [key for key in order.answers if key not in questions]
    rows = []
    for key in keys:
        value = order.answers[key]
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        rows.append((questions[key].label if key in questions else key, value))
    return rows


def order_page(access: Access, order: TestOrder) -> dict:
    """The order page: whether the user sees the samples, answers and results (``confidential``), the steps they
    may take, the order's history, whether results are published, and whether they may upload results
    (``may_upload``) or assign staff (``may_assign``)."""
    confidential = can_see_confidential(access, order)
    actions = [TRANSITIONS[name] for name in available_actions(order, access)]
    page = {
        "order": order,
        "own_order": order.user_id == access.user_id,
        "confidential": confidential,
        "actions": actions,
        "action_names": {step.action for step in actions},
        "events": ORDER_MACHINE.history(order),
        "results_published": order.status in RESULTS_PUBLISHED_STATES,
    }
    if confidential:
        page.update(
            answers=answer_rows(order),
            results=list(visible_results(access, order)),
            assigned=list(order.assigned_staff.all()),
            can_download=can_download_results(access, order),
        )
    page["may_upload"] = can_upload_results(access, order)
    page["may_assign"] = can_assign(access, order)
    return page
