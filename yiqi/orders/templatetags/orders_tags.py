"""Commissioned testing on other pages: the instrument page's panel, the workspace card, status badges. What
the panels show comes from ``services.presenters``; these only render it (the badge colours are display)."""

from django import template
from django.utils.html import format_html

from yiqi.accounts.access import access_for

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
    return {**services.order_panel(access_for(_user(context)), instrument), "request": context.get("request")}


@register.inclusion_tag("orders/workspace.html", takes_context=True)
def order_workspace(context):
    """For the workspace: the user's open orders; for service staff, what waits for them and the queue."""
    return services.order_workspace(access_for(_user(context)))
