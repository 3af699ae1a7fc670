"""Fee panels for other apps' pages: ``{% fee_schedule instrument %}`` and ``{% fee_workspace %}``. What to show
comes from ``services.presenters``; these only render it."""

from django import template

from yiqi.accounts.access import access_for

from .. import services

register = template.Library()


def _user(context):
    return getattr(context.get("request"), "user", None)


@register.inclusion_tag("fees/_fee_schedule.html", takes_context=True)
def fee_schedule(context, instrument):
    """The instrument's published fee schedule: one table per service, a column per user category."""
    return services.fee_schedule_panel(access_for(_user(context)), instrument)


@register.inclusion_tag("fees/_fee_workspace.html", takes_context=True)
def fee_workspace(context):
    """Bills the user still has to pay; for unit staff, adjustments awaiting them and this month's billing."""
    return services.fee_workspace(_user(context))
