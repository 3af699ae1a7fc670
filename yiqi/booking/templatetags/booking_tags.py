"""Booking panels for pages other apps own: the instrument page and the workspace. The services decide what
shows; the tags only hand it to the templates."""

from django import template

from yiqi.accounts.access import access_for

from .. import services

register = template.Library()


@register.inclusion_tag("booking/_panel.html", takes_context=True)
def booking_panel(context, instrument):
    """How to book the instrument: open hours, the booking button, the manager's settings link, the .ics."""
    request = context["request"]
    return {**services.booking_panel(access_for(request.user), instrument), "user": request.user}


@register.inclusion_tag("booking/_workspace.html", takes_context=True)
def booking_workspace(context):
    """The user's next bookings and, for service staff, how many requests wait for approval."""
    return services.booking_workspace(access_for(context["request"].user))
