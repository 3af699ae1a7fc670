"""Fee panels for other apps' pages: ``{% fee_schedule instrument %}`` and ``{% fee_workspace %}``."""

from decimal import Decimal

from django import template
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.registry import scoping

from .. import services, statements
from ..models import Charge

register = template.Library()


@register.inclusion_tag("fees/_fee_schedule.html", takes_context=True)
def fee_schedule(context, instrument):
    """The instrument's published fee schedule: one table per service, a column per user category."""
    request = context.get("request")
    access = access_for(request.user if request else None)
    return {
        "instrument": instrument,
        "groups": services.published_schedule(instrument),
        "can_manage": scoping.can_manage_service(access, instrument),
    }


@register.inclusion_tag("fees/_fee_workspace.html", takes_context=True)
def fee_workspace(context):
    """Bills the user still has to pay; for unit staff, adjustments awaiting them and this month's billing."""
    request = context.get("request")
    user = request.user if request else None
    if user is None or not user.is_authenticated:
        return {"show": False}
    access = access_for(user)
    unpaid = Charge.objects.filter(payer=user, status=Charge.Status.BILLED).select_related("instrument")
    serving = statements.statement_units(access).exists()
    pending, month_total, month = [], Decimal("0.00"), timezone.localdate().replace(day=1)
    if serving:
        pending = services.decidable_adjustments(access).select_related("charge__instrument", "requested_by")
        month_total = statements.sum_of_totals(statements.billed_in(services.served_charges(access), month))
    return {
        "show": True,
        "unpaid": unpaid[:10],
        "unpaid_count": unpaid.count(),
        "unpaid_total": statements.sum_of_totals(unpaid),
        "serving": serving,
        "pending": list(pending[:10]) if serving else [],
        "month": month,
        "month_total": month_total,
    }
