"""Business rules of self-operation bookings: who may book what and when (``rules``), the booking's life
(``lifecycle``), the waitlist, reminders, the settings an instrument manager keeps (``configuration``), and plain
data for pages (``presenters``). Views, the API, template tags and background tasks all call these.
"""

from ..availability import Availability, BusyPeriod, availability, settings_or_defaults
from . import credit
from .configuration import (
    MAX_PERIODS_PER_DAY,
    SETTINGS_FIELDS,
    add_blackout,
    check_blackout,
    check_open_hours,
    grant_qualification,
    remove_blackout,
    revoke_qualification,
    save_service_settings,
    set_open_hours,
    settings_for,
    settings_history,
)
from .lifecycle import (
    BOOKING_MACHINE,
    MAX_REPEAT_WEEKS,
    accept_offer,
    approve,
    available_actions,
    cancel,
    check_in,
    complete,
    end_unattended,
    mark_missed_bookings,
    mark_no_show,
    reject,
    request_booking,
    servable_instruments,
    visible_bookings,
)
from .presenters import (
    booking_page,
    booking_panel,
    booking_workspace,
    booking_workspace_counts,
    service_queue,
    taken_by_others,
    upcoming_and_past,
)
from .reminders import send_reminders
from .rules import bookable, is_qualified
from .waitlist import WAITLIST_MACHINE, decline_offer, expire_offers, join_waitlist

__all__ = [
    "BOOKING_MACHINE",
    "MAX_PERIODS_PER_DAY",
    "MAX_REPEAT_WEEKS",
    "SETTINGS_FIELDS",
    "WAITLIST_MACHINE",
    "Availability",
    "BusyPeriod",
    "accept_offer",
    "add_blackout",
    "approve",
    "availability",
    "available_actions",
    "bookable",
    "booking_page",
    "booking_panel",
    "booking_workspace",
    "booking_workspace_counts",
    "cancel",
    "check_blackout",
    "check_in",
    "check_open_hours",
    "complete",
    "credit",
    "end_unattended",
    "decline_offer",
    "expire_offers",
    "grant_qualification",
    "is_qualified",
    "join_waitlist",
    "mark_missed_bookings",
    "mark_no_show",
    "reject",
    "remove_blackout",
    "request_booking",
    "revoke_qualification",
    "save_service_settings",
    "send_reminders",
    "servable_instruments",
    "service_queue",
    "set_open_hours",
    "settings_for",
    "settings_history",
    "settings_or_defaults",
    "taken_by_others",
    "upcoming_and_past",
    "visible_bookings",
]
