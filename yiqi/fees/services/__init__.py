"""Fees: the schedule, who pays which rate, quotes before confirmation, the bill after service, adjustments
(requested by service staff, approved by another unit admin) and payment.

``amounts`` (typed amounts), ``pricing`` (categories, price lines, estimate), ``charges`` (the charge's state
machine: quote, bill, void a service record's charge; total; history; who sees which charge), ``adjustments``
(adjustments and payment), ``schedule`` (fee items and their visibility), ``presenters`` (plain data for pages).
"""

from .adjustments import (
    ADJUSTMENTS,
    available_actions,
    can_decide,
    decidable_adjustments,
    decide_adjustment,
    record_payment,
    request_adjustment,
)
from .amounts import MAX_ADJUSTMENT, MAX_RATE, parse_money
from .charges import (
    CHARGES,
    SETTLED,
    bill,
    current_stage,
    history,
    quote,
    quote_new,
    recompute_total,
    served_charges,
    serves,
    visible_charges,
    void_for,
)
from .presenters import (
    charge_lines_for_display,
    charge_page,
    fee_schedule_panel,
    fee_workspace,
    fee_workspace_counts,
    record_charge,
    service_charge_panel,
)
from .pricing import (
    ACADEMIC_KINDS,
    COMMISSIONED_TESTING,
    SELF_OPERATION,
    SERVICE_LABELS,
    Estimate,
    PricedLine,
    estimate,
    price_lines,
    schedule_for,
    user_category,
)
from .schedule import (
    RATE_FIELDS,
    managed_instruments,
    published_schedule,
    save_fee_item,
    schedule_history,
    set_fee_item_active,
    visible_fee_items,
)

__all__ = [
    "ACADEMIC_KINDS",
    "ADJUSTMENTS",
    "CHARGES",
    "COMMISSIONED_TESTING",
    "MAX_ADJUSTMENT",
    "MAX_RATE",
    "RATE_FIELDS",
    "SELF_OPERATION",
    "SERVICE_LABELS",
    "SETTLED",
    "Estimate",
    "PricedLine",
    "available_actions",
    "bill",
    "can_decide",
    "charge_lines_for_display",
    "charge_page",
    "current_stage",
    "decidable_adjustments",
    "decide_adjustment",
    "estimate",
    "fee_schedule_panel",
    "fee_workspace",
    "fee_workspace_counts",
    "record_charge",
    "history",
    "managed_instruments",
    "parse_money",
    "price_lines",
    "published_schedule",
    "quote",
    "quote_new",
    "recompute_total",
    "record_payment",
    "request_adjustment",
    "save_fee_item",
    "schedule_for",
    "schedule_history",
    "served_charges",
    "service_charge_panel",
    "serves",
    "set_fee_item_active",
    "user_category",
    "visible_charges",
    "visible_fee_items",
    "void_for",
]
