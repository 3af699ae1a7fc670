"""Plain data for pages: a charge's lines as shown, the charge page, the charge panel of a service's page, the fee
schedule panel of the instrument page and the fee panel of the workspace. Views, receivers and template tags only
call these."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, QuerySet, Sum
from django.utils import timezone

from yiqi.accounts.access import Access, access_for
from yiqi.core.memo import answers, remembered
from yiqi.core.queries import total
from yiqi.registry import scoping
from yiqi.servicerecords.presenters import ServicePanel

from .. import statements
from ..models import Charge, ChargeLine
from .adjustments import available_actions, can_decide, decidable_adjustments
from .charges import current_stage, history, served_charges
from .schedule import published_schedule

WORKSPACE_ROWS = 10


def charge_lines_for_display(charge: Charge) -> list[ChargeLine]:
    """The lines behind the charge's total as it stands: the bill's once billed or paid, else the quote's."""
    return [line for line in charge.lines.all() if line.stage == current_stage(charge)]


def _subtotal(lines) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def _line(line: ChargeLine) -> dict:
    return {
        "description": line.description,
        "component_label": line.get_component_display(),
        "basis_label": line.get_basis_display(),
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "amount": line.amount,
    }


def _charge_and_lines(record) -> tuple[Charge | None, list[ChargeLine]]:
    """The service's charge and all its lines, read once per page view (the charge and the voucher panels show
    it). The lines carry their charge: one read, two only for a charge without lines."""

    def read():
        lines = list(ChargeLine.objects.filter(charge__record=record).select_related("charge"))
        return (lines[0].charge if lines else Charge.objects.filter(record=record).first()), lines

    return remembered(("record_charge", record.pk), read)


def record_charge(record) -> Charge | None:
    return _charge_and_lines(record)[0]


def service_charge_panel(record) -> ServicePanel:
    """The charge part of a service's page: the lines behind the total as it stands (as
    ``charge_lines_for_display``), or that nothing is quoted yet."""
    charge, lines = _charge_and_lines(record)
    if charge is None:
        return ServicePanel("fees/_service_charge.html", {"charge": None}, position=20)
    lines = [line for line in lines if line.stage == current_stage(charge)]
    context = {
        "charge": {
            "number": charge.number,
            "status": charge.status,
            "status_label": charge.get_status_display(),
            "category_label": charge.get_user_category_display(),
            "billed": current_stage(charge) == ChargeLine.Stage.BILL,
            "total": charge.total,
            "quoted_total": charge.quoted_total,
            "lines": [_line(line) for line in lines],
            "subtotal": _subtotal(lines),
        }
    }
    return ServicePanel("fees/_service_charge.html", context, position=20)


def charge_page(charge: Charge, access: Access) -> dict:
    """The charge page: both stages' lines with their subtotals, the adjustments (and which the viewer may decide),
    what the viewer may do, and the charge's history."""
    lines = list(charge.lines.all())
    stages = {stage: [line for line in lines if line.stage == stage] for stage in ChargeLine.Stage.values}
    adjustments = list(charge.adjustments.select_related("requested_by", "decided_by"))
    for adjustment in adjustments:
        adjustment.charge = charge
        adjustment.can_decide = can_decide(access, adjustment)
    return {
        "charge": charge,
        "record": charge.record,
        "quote_lines": stages[ChargeLine.Stage.QUOTE],
        "quote_subtotal": _subtotal(stages[ChargeLine.Stage.QUOTE]),
        "bill_lines": stages[ChargeLine.Stage.BILL],
        "bill_subtotal": _subtotal(stages[ChargeLine.Stage.BILL]),
        "adjustments": adjustments,
        "actions": available_actions(charge, access),
        "events": history(charge),
    }


def fee_schedule_panel(access: Access, instrument) -> dict:
    """The instrument's published schedule (one group per service offered) and whether the viewer may edit it."""
    return {
        "instrument": instrument,
        "groups": published_schedule(instrument),
        "can_manage": scoping.can_manage_service(access, instrument),
    }


def _unpaid(user) -> QuerySet[Charge]:
    return Charge.objects.filter(payer=user, status=Charge.Status.BILLED)


def _month(today: dt.date | None) -> dt.date:
    return (today or timezone.localdate()).replace(day=1)


def fee_workspace_counts(access: Access, today: dt.date | None = None) -> dict:
    """The workspace panel's figures as questions (``memo.answers``): the user's unpaid bills (how many, how
    much), whether they serve units' charges and those charges billed this month."""
    if not access.is_authenticated:
        return {}
    key, unpaid = access.user_id, _unpaid(access.user_id)
    month = statements.billed_in(served_charges(access), _month(today))
    return {
        ("lists_unit_charges", key): Exists(statements.statement_units(access).order_by()),
        ("fees_unpaid_count", key): total(unpaid, Count("pk")),
        ("fees_unpaid_total", key): total(unpaid, Sum("total"), empty=Decimal("0.00")),
        ("fees_month_total", key): total(month, Sum("total"), empty=Decimal("0.00")),
    }


def fee_workspace(user, today: dt.date | None = None) -> dict:
    """Bills the user still has to pay; for people who serve a unit (and so get its charge list and monthly
    statement) also the adjustments awaiting their decision and this month's billing. Nothing for visitors."""
    if user is None or not user.is_authenticated:
        return {"show": False}
    access = access_for(user)
    key, figures = access.user_id, answers(fee_workspace_counts(access, today))
    serving = figures[("lists_unit_charges", key)]
    pending = []
    if serving:
        adjustments = decidable_adjustments(access).select_related("charge__instrument", "requested_by")
        pending = list(adjustments[:WORKSPACE_ROWS])
    return {
        "show": True,
        "unpaid": _unpaid(user).select_related("instrument")[:WORKSPACE_ROWS],
        "unpaid_count": figures[("fees_unpaid_count", key)],
        "unpaid_total": figures[("fees_unpaid_total", key)],
        "serving": serving,
        "pending": pending,
        "month": _month(today),
        "month_total": figures[("fees_month_total", key)] if serving else Decimal("0.00"),
    }
