"""Usage figures for other pages: ``{% instrument_usage_summary instrument %}`` and ``{% usage_workspace %}``. What
to show comes from ``presenters``; these only render it."""

from django import template

from yiqi.accounts.access import access_for

from .. import presenters

register = template.Library()


@register.inclusion_tag("usage/_instrument_summary.html")
def instrument_usage_summary(instrument):
    """Machine-hours and external-service hours this year and last year (public figures)."""
    return presenters.instrument_usage_summary(instrument)


@register.inclusion_tag("usage/_workspace.html", takes_context=True)
def usage_workspace(context):
    """This year's hours and sharing rate of the user's units (unit staff) and departments (department admins)."""
    return presenters.usage_workspace(access_for(context["request"].user))
