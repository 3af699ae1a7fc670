"""Commissioned testing on other pages: the instrument page's panel, the workspace card, status badges."""

from django import template
from django.db.models import Count
from django.utils.html import format_html

from yiqi.accounts.access import access_for
from yiqi.registry import scoping

from .. import services
from ..models import OrderStatus as S
from ..models import TestOrder

register = template.Library()

STATUS_COLOURS = {
    S.SUBMITTED: "info",
    S.QUOTED: "warning",
    S.CONFIRMED: "primary",
    S.SAMPLES_RECEIVED: "primary",
    S.TESTING: "primary",
    S.RESULTS_READY: "success",
    S.COMPLETED: "secondary",
    S.CANCELLED: "light border",
    S.REJECTED: "danger",
}


@register.simple_tag
def order_status(order: TestOrder) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_COLOURS.get(order.status, "light"),
        order.get_status_display(),
    )


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("orders/panel.html", takes_context=True)
def order_panel(context, instrument):
    """For the instrument page: the "委托测试" button for whoever may order, the form set-up link for managers."""
    user = _user(context)
    access = access_for(user)
    refusal = services.order_refusal(access, instrument, require_login=False)
    mine = (
        TestOrder.objects.filter(user=user, instrument=instrument, status__in=services.OPEN_STATES)
        if access.is_authenticated
        else TestOrder.objects.none()
    )
    return {
        "instrument": instrument,
        "offered": instrument.offers_commissioned_testing,
        "refusal": refusal,
        "logged_in": access.is_authenticated,
        "manages": scoping.can_manage_service(access, instrument),
        "my_open_orders": mine[:5],
        "request": context.get("request"),
    }


@register.inclusion_tag("orders/workspace.html", takes_context=True)
def order_workspace(context):
    """For the workspace: the user's open orders; for service staff, what waits for them and the queue."""
    user = _user(context)
    access = access_for(user)
    if not access.is_authenticated:
        return {"show": False}
    counts = dict(
        services.handled_orders(access)
        .filter(status__in=services.OPEN_STATES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {
        "show": True,
        "open_orders": TestOrder.objects.filter(user=user, status__in=services.OPEN_STATES).select_related(
            "instrument"
        )[:10],
        "is_staff": bool(access.staff_unit_ids),
        "waiting_quote": counts.get(S.SUBMITTED, 0),
        "waiting_samples": counts.get(S.CONFIRMED, 0),
        "testing": counts.get(S.SAMPLES_RECEIVED, 0) + counts.get(S.TESTING, 0),
    }
