"""Plain data for pages: a charge's lines as shown, the fee schedule panel of the instrument page and the fee
panel of the workspace. Template tags and views only call these."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yiqi.accounts.access import Access, access_for
from yiqi.registry import scoping

from .. import statements
from ..models import Charge, ChargeLine
from .adjustments import decidable_adjustments
from .charges import current_stage, served_charges
from .schedule import published_schedule

WORKSPACE_ROWS = 10


def charge_lines_for_display(charge: Charge) -> list[ChargeLine]:
    """The lines behind the charge's total as it stands: the bill's once billed or paid, else the quote's."""
    return list(charge.lines.filter(stage=current_stage(charge)))


def fee_schedule_panel(access: Access, instrument) -> dict:
    """The instrument's published schedule (one group per service offered) and whether the viewer may edit it."""
    return {
        "instrument": instrument,
        "groups": published_schedule(instrument),
        "can_manage": scoping.can_manage_service(access, instrument),
    }


def fee_workspace(user, today: dt.date | None = None) -> dict:
    """Bills the user still has to pay; for people who serve a unit (and so get its charge list and monthly
    statement) also the adjustments awaiting their decision and this month's billing. Nothing for visitors."""
    if user is None or not user.is_authenticated:
        return {"show": False}
    access = access_for(user)
    unpaid = Charge.objects.filter(payer=user, status=Charge.Status.BILLED).select_related("instrument")
    serving = statements.statement_units(access).exists()
    month = (today or timezone.localdate()).replace(day=1)
    pending, month_total = [], Decimal("0.00")
    if serving:
        adjustments = decidable_adjustments(access).select_related("charge__instrument", "requested_by")
        pending = list(adjustments[:WORKSPACE_ROWS])
        month_total = statements.sum_of_totals(statements.billed_in(served_charges(access), month))
    return {
        "show": True,
        "unpaid": unpaid[:WORKSPACE_ROWS],
        "unpaid_count": unpaid.count(),
        "unpaid_total": statements.sum_of_totals(unpaid),
        "serving": serving,
        "pending": pending,
        "month": month,
        "month_total": month_total,
    }
