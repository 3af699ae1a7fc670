"""The access matrix: every route × every role, against the rule that says who may reach it.

Each route name has one rule below (a route without one fails test_every_route_has_a_rule: add the new route to
the matrix). A rule names the roles that get through (ALLOWED: 2xx, a redirect elsewhere than the login page, or a
POST that reached validation: 400/409) and what everyone else gets: anonymous visitors are sent to log in (LOGIN:
302 to the login page, 401, or the API's 403 "not authenticated") wherever an account is needed; a signed-in user
is refused with 403 (FORBIDDEN) where the object is public or the page is role-wide, and with 404 (HIDDEN) where the
object itself is private to people they are not — another unit's draft, another user's booking, order, bill, usage
record or complaint. A refused role that gets through is a leak.

The world and the addresses are read_routes' (yiqi.core.tests.read_routes, shared with the reads-never-write walk):
unit-side roles hold their role in unit A, which owns every object there; "department" supervises unit A. The
helper access_world adds unit B (another department) with its admin, its instrument manager and its department
admin, and another company's user. Variants: a tuple holds one rule per object read_routes.ROUTES gives the route,
in its order; B_VARIANTS adds unit B's objects to some routes, for which unit A's staff are the outsiders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from yiqi.core.tests.read_routes import ROUTES, project_routes

from .access_world import (
    ALLOWED,
    BODIES,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    REFUSALS,
    ROLES,
    address,
    attempt,
    build_world,
)

ANYONE = frozenset(ROLES)
SIGNED_IN_ROLES = ANYONE - {"anonymous"}
UNIT_A_STAFF = frozenset({"unit_admin", "officer", "manager", "technician"})
# Those who serve unit A's instrument: its unit admin, its instrument manager and the unit's technicians.
SERVING_A = frozenset({"unit_admin", "manager", "technician"})
# Unit A's record keepers: unit admin and information officer edit the unit's instrument records.
EDITORS_A = frozenset({"unit_admin", "officer"})
# The instrument's service managers: its unit admin and its instrument manager (settings, prices, form fields).
INSTRUMENT_MANAGERS_A = frozenset({"unit_admin", "manager"})
# Unit A's private records are read by its staff, its supervising department and the platform admin.
OVERSIGHT_A = UNIT_A_STAFF | {"department", "platform_admin"}
OVERSIGHT_B = frozenset({"unit_b_admin", "unit_b_manager", "department_b", "platform_admin"})
ANY_UNIT_STAFF = UNIT_A_STAFF | {"unit_b_admin", "unit_b_manager"}
SERVING_ANY_UNIT = SERVING_A | {"unit_b_admin", "unit_b_manager"}
DEPARTMENTS = frozenset({"department", "department_b"})


@dataclass(frozen=True)
class Rule:
    meaning: str
    allowed: frozenset
    refused: str = FORBIDDEN  # what a signed-in user outside `allowed` gets
    exceptions: dict = field(default_factory=dict)  # role -> class, where it differs from the above

    def expect(self, role: str) -> str:
        if role in self.exceptions:
            return self.exceptions[role]
        if role in self.allowed:
            return ALLOWED
        return LOGIN if role == "anonymous" else self.refused


def rule(meaning, allowed, refused=FORBIDDEN, **exceptions) -> Rule:
    return Rule(meaning, frozenset(allowed), refused, exceptions)


PUBLIC = rule("public", ANYONE)
SIGNED_IN = rule("signed in (what they see is scoped to them)", SIGNED_IN_ROLES)

# A draft does not exist for anyone outside its unit's oversight, not even as "log in first".
DRAFT_A_READERS = rule(
    "unit A's draft: unit A's staff, its department, platform admin", OVERSIGHT_A, HIDDEN, anonymous=HIDDEN
)
DRAFT_A_EDITORS = rule(
    "unit A's draft, edited by unit A's unit admin and officer; other readers of it 403",
    EDITORS_A,
    HIDDEN,
    **dict.fromkeys(OVERSIGHT_A - EDITORS_A, FORBIDDEN),
)
PUBLISHED_A_RECORDS = rule(
    "a published instrument's review trail and history: unit A's staff, its department, platform admin",
    OVERSIGHT_A,
)
INSTRUMENT_SERVICE = rule(
    "the instrument's service managers (unit A's admin and the instrument manager)", INSTRUMENT_MANAGERS_A
)
UNIT_EDITORS = rule(
    "any unit's record keepers (unit admin, information officer)", EDITORS_A | {"unit_b_admin"}
)

BOOKING = rule(
    "the booking's user, unit A's staff, platform admin",
    UNIT_A_STAFF | {"enterprise", "platform_admin"},
    HIDDEN,
)
_booking_seen = dict.fromkeys({"enterprise", "officer", "platform_admin"}, FORBIDDEN)
BOOKING_SERVING = rule(
    "a booking step for the staff serving the instrument; others who can see the booking 403",
    SERVING_A,
    HIDDEN,
    **_booking_seen,
)
BOOKING_CANCEL = rule(
    "the booking's user or its serving staff cancel; others who can see it 403",
    SERVING_A | {"enterprise"},
    HIDDEN,
    officer=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
OWN_WAITLIST = rule("the waiting user only", {"enterprise"}, HIDDEN)
QUEUE_SERVING = rule("any unit's serving staff (their own queue)", SERVING_ANY_UNIT)

ORDER = rule(
    "the order's user, its unit admin and instrument manager, platform admin",
    {"enterprise", "unit_admin", "manager", "platform_admin"},
    HIDDEN,
)
ORDER_RESULT = rule(
    "the order's results: its user and its serving staff; platform admin 403",
    {"enterprise", "unit_admin", "manager"},
    HIDDEN,
    platform_admin=FORBIDDEN,
)
ORDER_STAFF_STEP = rule(
    "an order step of its serving staff; its user and the platform admin 403",
    INSTRUMENT_MANAGERS_A,
    HIDDEN,
    enterprise=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
ORDER_USER_STEP = rule(
    "the order's user accepts the results; staff who can see the order 403",
    {"enterprise"},
    HIDDEN,
    unit_admin=FORBIDDEN,
    manager=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
ORDER_QUEUE = rule("any unit's staff (their own queue)", ANY_UNIT_STAFF)

CHARGE = rule(
    "the bill's payer, the staff serving the instrument, platform admin",
    SERVING_A | {"enterprise", "platform_admin"},
    HIDDEN,
)
CHARGE_STAFF_STEP = rule(
    "a bill step of the serving staff; its payer and the platform admin 403",
    SERVING_A,
    HIDDEN,
    enterprise=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
ADJUSTMENT_DECISION = rule(
    "the unit admin decides an adjustment (not the manager who asked); others who see the bill 403",
    {"unit_admin"},
    HIDDEN,
    enterprise=FORBIDDEN,
    manager=FORBIDDEN,
    technician=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
UNIT_BILLS = rule("any unit's serving staff, platform admin", SERVING_ANY_UNIT | {"platform_admin"})

STATISTICS = rule(
    "any unit's staff, departments, platform admin (scoped to their own)",
    ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"},
)
USAGE_RECORD = rule(
    "a unit-recorded usage record: unit A's staff, its department, platform admin", OVERSIGHT_A, HIDDEN
)
SERVICE_USAGE = rule(
    "a service's usage record: also the service's user", OVERSIGHT_A | {"enterprise"}, HIDDEN
)
USAGE_EDIT = rule(
    "the staff serving the instrument edit a usage record; other readers of it 403",
    SERVING_A,
    HIDDEN,
    officer=FORBIDDEN,
    department=FORBIDDEN,
    platform_admin=FORBIDDEN,
)
USAGE_CREATE = rule("any unit's serving staff record usage", SERVING_ANY_UNIT)

INTERLOCK = rule(
    "an instrument's interlock: unit A's staff, its department, platform admin (and a user booked for now)",
    OVERSIGHT_A,
    HIDDEN,
)
INTERLOCK_SERVING = rule(
    "switch off or override an interlock: the staff serving the instrument; other readers of it 403",
    SERVING_A,
    HIDDEN,
    **dict.fromkeys(OVERSIGHT_A - SERVING_A, FORBIDDEN),
)
INTERLOCK_FIT = rule(
    "fit a device with an interlock: any unit's admin, information officer and instrument managers",
    {"unit_admin", "officer", "manager", "unit_b_admin", "unit_b_manager", "platform_admin"},
)
INTERLOCK_SESSION = rule(
    "a measured session: its user and unit A's oversight", OVERSIGHT_A | {"enterprise"}, HIDDEN
)

OWN_SERVICE = rule("the service's user rates it", {"enterprise"}, HIDDEN)
RATING_REPLY = rule("the rated unit's admin and the instrument manager reply", INSTRUMENT_MANAGERS_A)
COMPLAINT = rule(
    "the complainant, the unit's admin and instrument manager, its department, platform admin",
    {"enterprise", "unit_admin", "manager", "department", "platform_admin"},
    HIDDEN,
)

MEMBERSHIP_ADMINS = rule(
    "unit admins manage their organisation's invitations and join requests; the platform admin all",
    {"unit_admin", "unit_b_admin", "platform_admin"},
)
READ_LOG = rule(
    "the sensitive-read log: unit admins (their units' rows) and the platform authority (all)",
    {"unit_admin", "unit_b_admin", "platform_admin"},
)
# The world holds no invitation or join request: an unknown token or id is a 404 for everyone, and only the login
# check is exercised here; who may act on a real one is tested in yiqi/accounts/tests/test_registration.py.
MONITORING_WATCHERS = rule(
    "remote monitoring: any unit's staff, departments, platform admin (each sees their own scope)",
    ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"},
)
MONITORED_A = rule("unit A's monitoring: its staff, its department, platform admin", OVERSIGHT_A, HIDDEN)
# The pages stop those who watch nothing at the door (403), as the board does, before looking the instrument up.
MONITORED_A_PAGE = rule(
    "unit A's monitoring page: its staff, its department, platform admin; those who watch nothing 403",
    OVERSIGHT_A,
    HIDDEN,
    **dict.fromkeys(ANYONE - OVERSIGHT_A - MONITORING_WATCHERS.allowed - {"anonymous"}, FORBIDDEN),
)
# Devices authenticate with their own secret: a person's request, signed in or not, is a 401.
DEVICES_ONLY = rule("devices only (device secret); a person's request is a 401", frozenset(), LOGIN)
MONITORING_EDITORS_A = rule(
    "unit A's devices and explanations: its admin, information officer and the instrument's manager",
    frozenset({"unit_admin", "officer", "manager"}) | {"platform_admin"},
    HIDDEN,
    technician=FORBIDDEN,
    department=FORBIDDEN,
)
MONITORING_REVIEW_A = rule(
    "reviewing unit A's items: its department and the platform admin",
    {"department", "platform_admin"},
    HIDDEN,
    unit_admin=FORBIDDEN,
    officer=FORBIDDEN,
    manager=FORBIDDEN,
    technician=FORBIDDEN,
)
UNKNOWN_MEMBERSHIP_OBJECT = rule("an unknown invitation or join request", set(), HIDDEN)

# Innovation vouchers: unit A's department runs the programme; the enterprise holds the quota; unit A is the provider.
VOUCHER_AUTHORITY = frozenset({"department", "platform_admin"})
ORGANISATION_MEMBERS = UNIT_A_STAFF | {"enterprise", "other_user", "unit_b_admin", "unit_b_manager"}
VOUCHER_AUTHORITY_ONLY = rule("the programme's authority (its department, platform admin)", VOUCHER_AUTHORITY)
VOUCHER_COMPANY_RECORD = rule(
    "the enterprise's voucher record: the enterprise and the programme's authority",
    VOUCHER_AUTHORITY | {"enterprise"},
    HIDDEN,
)
VOUCHER_COMPANY_STEP = rule(
    "an authority's step on the enterprise's voucher record; the enterprise sees it but 403",
    VOUCHER_AUTHORITY,
    HIDDEN,
    enterprise=FORBIDDEN,
)
VOUCHER_PROVIDER_RECORD = rule(
    "unit A's provider record: unit A's staff and the programme's authority",
    VOUCHER_AUTHORITY | UNIT_A_STAFF,
    HIDDEN,
)
VOUCHER_PROVIDER_STEP = rule(
    "an authority's step on unit A's provider record; unit A's staff see it but 403",
    VOUCHER_AUTHORITY,
    HIDDEN,
    **dict.fromkeys(UNIT_A_STAFF, FORBIDDEN),
)
VOUCHER_PAYMENT = rule(
    "a voucher payment: the enterprise, unit A's staff, the authority",
    VOUCHER_AUTHORITY | UNIT_A_STAFF | {"enterprise"},
    HIDDEN,
)
VOUCHER_REFUND = rule(
    "the authority refunds a payment; the enterprise and unit A's staff see it but 403",
    VOUCHER_AUTHORITY,
    HIDDEN,
    **dict.fromkeys(UNIT_A_STAFF | {"enterprise"}, FORBIDDEN),
)
VOUCHER_CLAIM_CREATE = rule(
    "unit A's unit admin claims redemption; others who see the payment 403",
    {"unit_admin"},
    HIDDEN,
    **dict.fromkeys((UNIT_A_STAFF - {"unit_admin"}) | VOUCHER_AUTHORITY | {"enterprise"}, FORBIDDEN),
)
VOUCHER_BATCH = rule("the programme's monthly batch: its authority only", VOUCHER_AUTHORITY, HIDDEN)


REPORTING_READERS = rule("unit staff and the platform admin", ANY_UNIT_STAFF | {"platform_admin"})
REPORTING_RECORD = rule(
    "unit A's record: its staff and the platform admin; unit B's staff 404",
    UNIT_A_STAFF | {"platform_admin"},
    unit_b_admin=HIDDEN,
    unit_b_manager=HIDDEN,
)
REPORTERS = rule("unit admins and the platform admin", {"unit_admin", "unit_b_admin", "platform_admin"})

RULES: dict[str, Rule | tuple[Rule, ...]] = {
    **dict.fromkeys(
        (
            "accounts:password_reset",
            "accounts:password_reset_done",
            "accounts:password_reset_confirm",
            "accounts:password_reset_complete",
        ),
        PUBLIC,
    ),
    **dict.fromkeys(("accounts:password_change", "accounts:password_change_done"), SIGNED_IN),
    "accounts:members": MEMBERSHIP_ADMINS,
    # National sign-on is off in the tests' deployment (yiqi/accounts/tests/test_national_signon.py turns it on).
    **dict.fromkeys(
        ("accounts:national_login", "accounts:national_return", "accounts:national_confirm"),
        rule("national sign-on, off here: not found for anyone", set(), HIDDEN, anonymous=HIDDEN),
    ),
    "accounts:national_unlink": rule("national sign-on, off here: not found once signed in", set(), HIDDEN),
    "accounts:invitation": rule("an invitation link: its token is the key", set(), HIDDEN, anonymous=HIDDEN),
    "accounts:invitation_revoke": UNKNOWN_MEMBERSHIP_OBJECT,
    "accounts:join_request_decide": UNKNOWN_MEMBERSHIP_OBJECT,
    "accounts:join_request_bulk": MEMBERSHIP_ADMINS,
    **dict.fromkeys(
        (
            "accounts:setup",
            "accounts:setup_template",
            "accounts:setup_region",
            "accounts:setup_department",
            "accounts:setup_unit",
        ),
        rule("setting up the province: the platform admin", {"platform_admin"}),
    ),
    "portal:read_log": READ_LOG,
    "api-read-log": READ_LOG,
    # An instrument's photos and documents are as visible as the instrument.
    "registry:attachment_file": (PUBLIC, DRAFT_A_READERS),
    "api-instrument-attachment": (PUBLIC, DRAFT_A_READERS),
    # Public reading: the catalogue, the directory, the public API, the documents of the API.
    **dict.fromkeys(
        (
            "api-root",
            "api-schema",
            "api-docs",
            "api-token",  # anyone may ask for a token; a wrong or missing password is a 400
            "api-search",
            "api-booking-availability",
            "api-instrument-order-fields",
            "api-region-list",
            "api-region-detail",
            "api-department-list",
            "api-department-detail",
            "api-organization-list",
            "api-organization-detail",
            "api-sub-unit-list",
            "api-sub-unit-detail",
            "api-category-list",
            "api-category-detail",
            "api-instrument-list",
            "api-fee-item-list",
            "api-fee-item-detail",
            "api-rating-list",
            "api-rating-detail",
            "accounts:login",
            "accounts:logout",
            "accounts:register",
            "registry:instrument_list",
            "catalog:search",
            "booking:waitlist",  # a redirect to the user's own page, which asks to log in
            "booking:user_feed",  # the secret token in the address is the key
            "booking:availability",
            "booking:day_list",
            "booking:instrument_feed",
            "portal:home",
            "portal:unit_list",
            "portal:unit_detail",
            "webapp_manifest",  # the installable web app: its manifest, service worker and offline page
            "service_worker",
            "offline",
        ),
        PUBLIC,
    ),
    # Signed-in pages and lists whose rows are the user's own or their unit's (the list check below).
    **dict.fromkeys(
        (
            "api-statements",
            "api-booking-list",
            "api-waitlist-list",
            "api-order-list",
            "api-charge-list",
            "api-usage-record-list",
            "api-complaint-list",
            "accounts:profile",
            "registry:export",
            "notifications:inbox",
            "booking:mine",
            "booking:credit",
            "booking:feed_reset",
            "booking:waitlist_join",
            "orders:create",
            "orders:mine",
            "fees:mine",
            "fees:statement",
            "fees:statement_export",
            "usage:record_list",
            "usage:record_export",
            "feedback:rating_list",
            "feedback:complaint_list",
            "feedback:complaint_create",
            "portal:workspace",
            "interlocks:list",
            "api-interlock-list",
            "api-interlock-command-list",
            "api-interlock-session-list",
        ),
        SIGNED_IN,
    ),
    # Instruments: published ones are public, drafts belong to their unit.
    "api-instrument-detail": (PUBLIC, DRAFT_A_READERS),
    "registry:instrument_detail": (PUBLIC, PUBLIC, DRAFT_A_READERS),
    "registry:instrument_sheet": (PUBLIC, DRAFT_A_READERS),
    "api-instrument-events": PUBLISHED_A_RECORDS,
    "api-instrument-history": PUBLISHED_A_RECORDS,
    "api-instrument-submit": DRAFT_A_EDITORS,
    "api-instrument-transition": DRAFT_A_EDITORS,
    "registry:instrument_update": DRAFT_A_EDITORS,
    "registry:attachment_upload": DRAFT_A_EDITORS,
    "registry:instrument_transition": rule(  # each step's own check refuses the wrong role with a message
        "a step on unit A's draft: unit A's staff, its department, platform admin", OVERSIGHT_A, HIDDEN
    ),
    "registry:instrument_create": UNIT_EDITORS,
    "registry:import_upload": UNIT_EDITORS,
    "registry:import_template": UNIT_EDITORS,
    "registry:import_status": rule("the importing unit's record keepers", EDITORS_A, HIDDEN),
    "registry:review_queue": rule(
        "reviewers: unit admins, departments, platform admin (their own queue)",
        {"unit_admin", "unit_b_admin", "department", "department_b", "platform_admin"},
    ),
    "registry:review_bulk": rule(
        "bulk steps: record keepers (submit) and reviewers; each record is checked again",
        {"unit_admin", "officer", "unit_b_admin", "department", "department_b", "platform_admin"},
    ),
    "registry:deadlines": STATISTICS,
    # The instrument's service settings.
    **dict.fromkeys(
        (
            "api-service-settings",
            "api-qualifications",
            "api-qualification",
            "api-blackouts",
            "api-blackout",
            "booking:settings",
            "booking:blackout_remove",
            "booking:qualification_revoke",
            "orders:form_fields",
            "orders:form_field_edit",
            "orders:form_field_delete",
            "orders:form_field_move",
            "fees:schedule",
            "fees:fee_item_edit",
            "fees:fee_item_active",
        ),
        INSTRUMENT_SERVICE,
    ),
    # Bookings.
    "api-booking-detail": BOOKING,
    "booking:detail": BOOKING,
    **dict.fromkeys(
        (
            "api-booking-approve",
            "api-booking-check-in",
            "api-booking-complete",
            "api-booking-no-show",
            "api-booking-reject",
        ),
        BOOKING_SERVING,
    ),
    "api-booking-cancel": BOOKING_CANCEL,
    "booking:action": BOOKING_CANCEL,
    "booking:queue": QUEUE_SERVING,
    "booking:credit_appeals": rule(
        "unit admins hear appeals (their units' own)", {"unit_admin", "unit_b_admin"}
    ),
    "booking:credit_overview": rule("the platform authority", {"platform_admin"}),
    "booking:suspension_action": rule(
        "the authority lifts a suspension; its user and the unit hearing it may see it (403), others 404",
        {"platform_admin"},
        HIDDEN,
        enterprise=FORBIDDEN,
        unit_admin=FORBIDDEN,
    ),
    "usage:overdue_checkouts": rule(
        "any unit's staff (their units' check-outs) and the platform authority",
        ANY_UNIT_STAFF | {"platform_admin"},
    ),
    **dict.fromkeys(
        (
            "api-waitlist-detail",
            "api-waitlist-accept",
            "api-waitlist-decline",
            "booking:waitlist_accept",
            "booking:waitlist_decline",
        ),
        OWN_WAITLIST,
    ),
    # Commissioned testing.
    "api-order-detail": ORDER,
    "orders:detail": ORDER,
    "orders:action": ORDER_USER_STEP,
    "api-order-transition": ORDER_USER_STEP,
    "api-order-download-result": ORDER_RESULT,
    "orders:download_result": ORDER_RESULT,
    **dict.fromkeys(
        (
            "api-order-results",
            "api-order-staff",
            "orders:assign",
            "orders:upload_results",
            "orders:delete_result",
        ),
        ORDER_STAFF_STEP,
    ),
    "orders:queue": ORDER_QUEUE,
    # Money.
    "api-charge-detail": (CHARGE, CHARGE),
    "fees:charge_detail": (CHARGE, CHARGE),
    **dict.fromkeys(
        ("api-charge-adjust", "api-charge-record-payment", "fees:charge_adjust", "fees:charge_payment"),
        CHARGE_STAFF_STEP,
    ),
    "api-charge-decide-adjustment": ADJUSTMENT_DECISION,
    "fees:adjustment_decide": ADJUSTMENT_DECISION,
    "fees:unit": UNIT_BILLS,
    # Usage.
    "api-usage-totals": STATISTICS,
    "usage:dashboard": STATISTICS,
    "api-usage-record-detail": (USAGE_RECORD, SERVICE_USAGE),
    "usage:record_detail": (USAGE_RECORD, SERVICE_USAGE),
    "api-usage-record-evidence": USAGE_RECORD,
    "usage:record_evidence": USAGE_RECORD,
    "api-telemetry": DEVICES_ONLY,
    **dict.fromkeys(
        (
            "api-monitoring-states",
            "api-monitoring-intervals",
            "api-monitoring-daily-hours",
            "api-monitoring-monthly-hours",
            "api-monitoring-device-list",
            "api-monitoring-item-list",
        ),
        SIGNED_IN,
    ),
    **dict.fromkeys(("monitoring:board", "monitoring:items"), MONITORING_WATCHERS),
    "monitoring:timeline": MONITORED_A_PAGE,
    **dict.fromkeys(
        (
            "monitoring:item_detail",
            "api-monitoring-device-detail",
            "api-monitoring-item-detail",
        ),
        MONITORED_A,
    ),
    **dict.fromkeys(
        ("api-monitoring-device-rotate", "api-monitoring-device-revoke", "api-monitoring-item-explain"),
        MONITORING_EDITORS_A,
    ),
    "api-monitoring-item-review": MONITORING_REVIEW_A,
    "usage:record_update": USAGE_EDIT,
    "usage:record_delete": USAGE_EDIT,
    "usage:record_create": USAGE_CREATE,
    # Interlocks.
    **dict.fromkeys(
        ("interlocks:detail", "interlocks:enable", "api-interlock-detail", "api-interlock-enable"), INTERLOCK
    ),
    "api-interlock-command-detail": INTERLOCK,
    **dict.fromkeys(
        ("interlocks:release", "interlocks:override", "api-interlock-release", "api-interlock-override"),
        INTERLOCK_SERVING,
    ),
    "api-interlock-session-detail": INTERLOCK_SESSION,
    "interlocks:fit": INTERLOCK_FIT,
    "interlocks:settings": MONITORING_EDITORS_A,
    # Feedback.
    "feedback:rate": (OWN_SERVICE, OWN_SERVICE, OWN_SERVICE),
    "api-rating-reply": RATING_REPLY,
    "feedback:rating_reply": RATING_REPLY,
    "api-complaint-detail": COMPLAINT,
    "feedback:complaint_detail": COMPLAINT,
    "api-complaint-transition": COMPLAINT,
    "feedback:complaint_transition": COMPLAINT,
    # Innovation vouchers.
    **dict.fromkeys(
        (
            "vouchers:home",
            "vouchers:programme",
            "api-voucher-programme-list",
            "api-voucher-programme-detail",
            "api-voucher-application-list",
            "api-voucher-account-list",
            "api-voucher-provider-list",
            "api-voucher-payment-list",
            "api-voucher-claim-list",
            "api-voucher-batch-list",
        ),
        SIGNED_IN,
    ),
    "vouchers:programme_create": rule(
        "department admins and the platform admin", DEPARTMENTS | {"platform_admin"}
    ),
    "vouchers:programme_export": VOUCHER_AUTHORITY_ONLY,
    "api-voucher-programme-report": VOUCHER_AUTHORITY_ONLY,
    "vouchers:apply": rule(
        "members of an organisation (the service checks it is an eligible company)", ORGANISATION_MEMBERS
    ),
    "vouchers:provider_register": rule("unit admins (for their own unit)", {"unit_admin", "unit_b_admin"}),
    "api-voucher-application-detail": VOUCHER_COMPANY_RECORD,
    "api-voucher-account-detail": VOUCHER_COMPANY_RECORD,
    **dict.fromkeys(
        (
            "vouchers:application_decide",
            "api-voucher-application-decide",
            "vouchers:clawback",
            "api-voucher-account-clawback",
        ),
        VOUCHER_COMPANY_STEP,
    ),
    "vouchers:provider_licence": VOUCHER_PROVIDER_RECORD,
    "api-voucher-provider-detail": VOUCHER_PROVIDER_RECORD,
    "vouchers:claim_file": VOUCHER_PROVIDER_RECORD,
    "api-voucher-claim-detail": VOUCHER_PROVIDER_RECORD,
    **dict.fromkeys(
        (
            "vouchers:provider_decide",
            "api-voucher-provider-decide",
            "vouchers:claim_decide",
            "api-voucher-claim-decide",
        ),
        VOUCHER_PROVIDER_STEP,
    ),
    "vouchers:pay": rule("the paying enterprise only", {"enterprise"}, HIDDEN),
    "api-voucher-payment-detail": VOUCHER_PAYMENT,
    "vouchers:refund": VOUCHER_REFUND,
    "api-voucher-payment-refund": VOUCHER_REFUND,
    "vouchers:claim_create": VOUCHER_CLAIM_CREATE,
    **dict.fromkeys(
        ("vouchers:batch", "api-voucher-batch-detail", "api-voucher-batch-review", "api-voucher-batch-pay"),
        VOUCHER_BATCH,
    ),
    # National reporting: unit staff see their unit's records, the platform admin the province's.
    **dict.fromkeys(("exchange:record_list", "exchange:job_list"), REPORTING_READERS),
    **dict.fromkeys(("exchange:record_detail", "exchange:job_detail"), REPORTING_RECORD),
    **dict.fromkeys(("exchange:confirm", "exchange:rebuild", "exchange:job_start"), REPORTERS),
    "exchange:record_resubmit": rule(
        "unit A's admin and the platform admin; unit A's other staff 403, unit B's staff 404",
        {"unit_admin", "platform_admin"},
        unit_b_admin=HIDDEN,
        unit_b_manager=HIDDEN,
    ),
    "exchange:fake_endpoint": PUBLIC,
    **dict.fromkeys(
        ("exchange:migration", "api-exchange-migration-list", "api-exchange-migration-detail"),
        rule("moving a province's data in: the platform admin", {"platform_admin"}),
    ),
    "exchange:receive": PUBLIC,
    **dict.fromkeys(
        ("exchange:systems", "exchange:key_create", "exchange:webhook_create"),
        rule("units' administrators (their own units' keys and webhooks)", {"unit_admin", "unit_b_admin"}),
    ),
    **dict.fromkeys(
        ("exchange:key_revoke", "exchange:webhook_disable"),
        rule("unit A's administrator; unit B's 404", {"unit_admin"}, unit_b_admin=HIDDEN),
    ),
    **dict.fromkeys(("api-exchange-record-list", "api-exchange-job-list"), SIGNED_IN),
    **dict.fromkeys(
        ("api-exchange-record-detail", "api-exchange-job-detail"),
        rule("unit A's staff and the platform admin", UNIT_A_STAFF | {"platform_admin"}, HIDDEN),
    ),
    # Units' own systems: keys, webhooks and their log belong to the unit's administrator; the systems' own door
    # takes only a unit key (a person's request is a 401).
    **dict.fromkeys(
        ("api-exchange-key-list", "api-exchange-webhook-list", "api-exchange-delivery-list"), SIGNED_IN
    ),
    **dict.fromkeys(
        (
            "api-exchange-key-detail",
            "api-exchange-key-revoke",
            "api-exchange-webhook-detail",
            "api-exchange-webhook-disable",
            "api-exchange-delivery-detail",
        ),
        rule("unit A's administrator only", {"unit_admin"}, HIDDEN),
    ),
    **dict.fromkeys(
        ("api-exchange-unit-services-list", "api-exchange-unit-usage", "api-exchange-unit-instruments"),
        rule("unit systems only (unit key); a person's request is a 401", frozenset(), LOGIN),
    ),
    # Expert pool and yearly evaluation.
    "api-expert-list": rule("the platform authority (and experts, their own entry)", {"platform_admin"}),
}

# Other S&T resources: a published data set is public, a draft is unit A's; a request belongs to its parties only
# (the requesting company and unit A's staff, with the platform admin) — not even the department sees it.
RESOURCE_PARTIES = frozenset({"enterprise", "platform_admin"}) | UNIT_A_STAFF
RESOURCE_RULES = {
    "resources:list": PUBLIC,
    "api-resource-list": PUBLIC,
    "resources:mine": rule(
        "unit staff, departments (to review) and the platform admin",
        ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"},
    ),
    **dict.fromkeys(("catalog:resources", "api-resource-search"), PUBLIC),
    "resources:create": rule("record keepers of any unit", EDITORS_A | {"unit_b_admin"}),
    "resources:detail": (PUBLIC, DRAFT_A_READERS),
    "api-resource-detail": (PUBLIC, DRAFT_A_READERS),
    "resources:edit": DRAFT_A_EDITORS,
    "resources:act": DRAFT_A_EDITORS,
    "api-resource-act": DRAFT_A_EDITORS,
    "resources:request": SIGNED_IN,
    "resources:requests": SIGNED_IN,
    "api-resource-request-list": SIGNED_IN,
    "resources:request_detail": rule("the request's parties", RESOURCE_PARTIES, HIDDEN),
    "api-resource-request-detail": rule("the request's parties", RESOURCE_PARTIES, HIDDEN),
    **dict.fromkeys(
        ("resources:request_act", "api-resource-request-decide"),
        rule(
            "unit A's admin decides; the other parties are refused",
            {"unit_admin"},
            HIDDEN,
            **dict.fromkeys(RESOURCE_PARTIES - {"unit_admin"}, FORBIDDEN),
        ),
    ),
}
RULES.update(RESOURCE_RULES)

# Results of use: unit A's recorded paper is read by its oversight and kept by its record keepers; the company's
# acknowledgement is also the company's (it may withdraw it while it waits), and unit A's record keepers decide it.
ACKNOWLEDGEMENT_READERS = OVERSIGHT_A | {"enterprise"}
OUTCOME_RULES = {
    "outcomes:list": rule(
        "unit staff, departments and the platform", ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
    ),
    "outcomes:create": UNIT_EDITORS,
    "outcomes:mine": SIGNED_IN,
    "api-outcome-list": SIGNED_IN,
    "api-outcome-acknowledge": SIGNED_IN,
    "outcomes:edit": DRAFT_A_EDITORS,
    "outcomes:delete": (
        DRAFT_A_EDITORS,
        rule(
            "a waiting acknowledgement: unit A's record keepers and the company that sent it",
            EDITORS_A | {"enterprise"},
            HIDDEN,
            **dict.fromkeys(OVERSIGHT_A - EDITORS_A, FORBIDDEN),
        ),
    ),
    "api-outcome-detail": (
        rule("unit A's result: its staff, its department, the platform", OVERSIGHT_A, HIDDEN),
        rule(
            "an acknowledgement: unit A's oversight and the company that sent it",
            ACKNOWLEDGEMENT_READERS,
            HIDDEN,
        ),
    ),
    **dict.fromkeys(
        ("outcomes:decide", "api-outcome-decide"),
        rule(
            "unit A's record keepers decide an acknowledgement; its other readers are refused",
            EDITORS_A,
            HIDDEN,
            **dict.fromkeys(ACKNOWLEDGEMENT_READERS - EDITORS_A, FORBIDDEN),
        ),
    ),
}
RULES.update(OUTCOME_RULES)

# The yearly census: the authority, departments and unit staff have census pages (others are refused); a return is
# unit A's, read by its staff, its department and the authority (other census readers: 404); unit A's record keepers
# correct it, its admin submits it.
CENSUS_READERS = ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
NO_CENSUS = dict.fromkeys(ANYONE - CENSUS_READERS - {"anonymous"}, FORBIDDEN)
CENSUS_RULES = {
    **dict.fromkeys(
        ("census:list", "census:detail", "api-census-list", "api-census-detail", "api-census-snapshot"),
        rule("the authority, departments and unit staff", CENSUS_READERS),
    ),
    **dict.fromkeys(
        ("census:open", "census:chase", "census:close", "census:publish", "census:marks"),
        rule("the authority", {"platform_admin"}),
    ),
    **dict.fromkeys(("api-census-publish", "api-census-mark"), rule("the authority", {"platform_admin"})),
    # Published results are everyone's.
    **dict.fromkeys(
        ("census:results", "census:results_year", "api-census-result-list", "api-census-result-detail"),
        PUBLIC,
    ),
    # Unit A's supervising department selects instruments below the value line into its return.
    "census:select": rule("unit A's supervising department", {"department"}, FORBIDDEN, department_b=HIDDEN),
    "api-census-return-select": rule(
        "unit A's supervising department",
        {"department"},
        HIDDEN,
        **dict.fromkeys(OVERSIGHT_A - {"department"}, FORBIDDEN),
    ),  # fmt: skip
    "census:return": rule(
        "unit A's return: its staff, its department, the authority", OVERSIGHT_A, HIDDEN, **NO_CENSUS
    ),
    "api-census-return-list": SIGNED_IN,
    "api-census-return-detail": rule(
        "unit A's return: its staff, its department, the authority", OVERSIGHT_A, HIDDEN
    ),
    **dict.fromkeys(
        (
            "census:figures",
            "census:line_add",
            "census:line",
            "census:resource_line_add",
            "census:resource_line",
        ),
        rule(
            "unit A's record keepers correct its return",
            EDITORS_A,
            HIDDEN,
            **NO_CENSUS,
            **dict.fromkeys(OVERSIGHT_A - EDITORS_A, FORBIDDEN),
        ),
    ),
    "census:act": rule(
        "unit A's admin submits its return",
        {"unit_admin"},
        HIDDEN,
        **NO_CENSUS,
        **dict.fromkeys(OVERSIGHT_A - {"unit_admin"}, FORBIDDEN),
    ),
    "api-census-return-act": rule(
        "unit A's admin submits its return",
        {"unit_admin"},
        HIDDEN,
        **dict.fromkeys(OVERSIGHT_A - {"unit_admin"}, FORBIDDEN),
    ),
}
RULES.update(CENSUS_RULES)

# Sharing alliances are public; unit admins form and join them; unit A (the lead) sets the terms and decides.
UNIT_ADMINS = frozenset({"unit_admin", "unit_b_admin"})
ALLIANCE_LEAD = rule("the lead unit's admin, platform admin", {"unit_admin", "platform_admin"})
ALLIANCE_RULES = {
    **dict.fromkeys(
        ("alliances:list", "alliances:detail", "api-alliance-list", "api-alliance-detail"), PUBLIC
    ),
    **dict.fromkeys(("alliances:create", "alliances:join"), rule("unit admins", UNIT_ADMINS)),
    "alliances:terms": ALLIANCE_LEAD,
    "alliances:membership_act": ALLIANCE_LEAD,
    # Writes through the API: the same services, the same people.
    **dict.fromkeys(("alliances:invite", "api-alliance-invite"), ALLIANCE_LEAD),
    "api-alliance-join": rule("a unit's admin for their own unit (the body names unit B)", {"unit_b_admin"}),
    "api-alliance-membership-list": SIGNED_IN,
    **dict.fromkeys(
        ("api-alliance-membership-detail", "api-alliance-membership-act"),
        rule(
            "the lead unit's admin, platform admin; hidden from the rest",
            {"unit_admin", "platform_admin"},
            HIDDEN,
        ),
    ),
}
RULES.update(ALLIANCE_RULES)

# Domestic instruments: the showcase is public; the share is the authority's (the province) and a department's
# (its own units).
DOMESTIC_SHARE = rule(
    "the authority and departments (scoped to their units)", DEPARTMENTS | {"platform_admin"}
)
RULES.update(
    {
        **dict.fromkeys(("catalog:domestic", "api-domestic-showcase"), PUBLIC),
        **dict.fromkeys(("catalog:domestic_share", "api-domestic-share"), DOMESTIC_SHARE),
    }
)

# Yearly evaluation: the platform authority runs it; unit A is in this year's open round (with its self-evaluation,
# a contest and an assigned expert who is none of the roles here) and last year's published one.
EVALUATION_TAKERS = rule(
    "the authority, unit staff, departments", ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
)
EVALUATION_AUTHORITY = rule("the platform authority only", {"platform_admin"})
EVALUATION_UNIT_A = rule("unit A's sheet: its staff, its department, the authority", OVERSIGHT_A, HIDDEN)
EVALUATION_UNIT_A_EDITORS = rule(
    "unit A's record keepers; the rest of its oversight 403", EDITORS_A, HIDDEN,
    **dict.fromkeys(OVERSIGHT_A - EDITORS_A, FORBIDDEN),
)  # fmt: skip
RULES.update(
    {
        **dict.fromkeys(("evaluation:home", "evaluation:rectifications"), EVALUATION_TAKERS),
        **dict.fromkeys(
            (
                "evaluation:results",
                "evaluation:published_round",
                "evaluation:round_export",
                "evaluation:round_print",
                "api-evaluation-round-list",
                "api-evaluation-round-detail",
                "api-evaluation-result-list",
                "api-evaluation-result-detail",
            ),
            PUBLIC,
        ),
        "api-evaluation-score-list": SIGNED_IN,
        "api-evaluation-rectification-list": SIGNED_IN,
        "api-evaluation-unit-list": SIGNED_IN,
        "api-evaluation-contest-list": SIGNED_IN,
        "api-evaluation-scheme-list": PUBLIC,
        "api-evaluation-scheme-detail": (
            PUBLIC,
            rule("a draft scheme version: the authority only", {"platform_admin"}, HIDDEN, anonymous=HIDDEN),
        ),
        "api-evaluation-indicator-detail": rule(
            "a draft scheme's indicator: the authority only", {"platform_admin"}, HIDDEN, anonymous=HIDDEN
        ),
        "api-evaluation-unit-detail": (
            EVALUATION_UNIT_A,
            rule("a published round's unit sheet over the API: unit A's oversight", OVERSIGHT_A, HIDDEN),
        ),
        "api-evaluation-unit-self-evaluation": EVALUATION_UNIT_A_EDITORS,
        **dict.fromkeys(
            (
                "evaluation:scheme_list",
                "evaluation:reallocation",
                "evaluation:scheme_copy",
                "evaluation:scheme_activate",
                "evaluation:scheme_grades",
                "evaluation:indicator_edit",
                "evaluation:round_create",
                "evaluation:round_step",
                "evaluation:round_subsidies",
                "evaluation:assign",
                "evaluation:onsite",
                "evaluation:contest_answer",
                "evaluation:rectification_close",
                "api-evaluation-round-assign",
                "api-evaluation-round-start-scoring",
                "api-evaluation-round-close",
                "api-evaluation-round-publish",
                "api-evaluation-rectification-close",
                "api-evaluation-round-subsidies",
                "api-evaluation-round-flags",
                "api-evaluation-scheme-copy",
                "api-evaluation-scheme-activate",
                "api-evaluation-scheme-grades",
                "api-evaluation-unit-onsite",
                "api-evaluation-contest-answer",
            ),
            EVALUATION_AUTHORITY,
        ),
        "evaluation:scheme": (EVALUATION_AUTHORITY, EVALUATION_AUTHORITY),
        "evaluation:round": (EVALUATION_AUTHORITY, EVALUATION_AUTHORITY),
        "evaluation:unit": (
            EVALUATION_UNIT_A,
            rule("a published round's unit sheet: unit A's oversight; others 403", OVERSIGHT_A),
        ),
        "evaluation:unit_print": rule(
            "a published round's unit sheet: unit A's oversight; others 403", OVERSIGHT_A
        ),
        "evaluation:figure_rows": EVALUATION_UNIT_A,
        "evaluation:self_report_file": EVALUATION_UNIT_A,
        "evaluation:self_evaluation": EVALUATION_UNIT_A_EDITORS,
        "evaluation:contest": EVALUATION_UNIT_A_EDITORS,
        "evaluation:score": rule(
            "the assigned expert only; unit A's oversight 403",
            set(),
            HIDDEN,
            **dict.fromkeys(OVERSIGHT_A, FORBIDDEN),
        ),  # fmt: skip
        "evaluation:round_whatif": (EVALUATION_AUTHORITY, EVALUATION_AUTHORITY),
        "evaluation:unit_whatif": (
            EVALUATION_UNIT_A,
            rule("a published round's unit what-if: unit A's oversight; others 403", OVERSIGHT_A),
        ),
        **dict.fromkeys(("evaluation:instruments", "evaluation:idle_instruments"), STATISTICS),
    }
)

# The demand database: a company's open need is read by it and by every unit, department and the authority;
# only the company (or the authority) ends it.
NEED_READERS = frozenset({"enterprise", "platform_admin"}) | ANY_UNIT_STAFF | DEPARTMENTS
DEMAND_DATABASE = rule(
    "unit staff, departments, the authority", ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
)
NEED_STEP = rule(
    "the posting company and the authority; the need's other readers 403",
    {"enterprise", "platform_admin"},
    HIDDEN,
    **dict.fromkeys(NEED_READERS - {"enterprise", "platform_admin"}, FORBIDDEN),
)
RULES.update(
    {
        **dict.fromkeys(("demands:list", "demands:create", "api-need-list"), SIGNED_IN),
        **dict.fromkeys(("demands:unmet", "api-need-unmet"), DEMAND_DATABASE),
        **dict.fromkeys(
            ("demands:detail", "api-need-detail"), rule("the open need's readers", NEED_READERS, HIDDEN)
        ),
        **dict.fromkeys(("demands:act", "api-need-act"), NEED_STEP),
        "demands:order": rule(
            "the posting company only; the need's other readers 403",
            {"enterprise"},
            HIDDEN,
            **dict.fromkeys(NEED_READERS - {"enterprise"}, FORBIDDEN),
        ),
    }
)

# Purchase review: unit A's applications are read by its staff, the authority and (once submitted) its department;
# a draft is changed by unit A's record keepers only.
PURCHASE_READERS = rule(
    "unit A's submitted application: its staff, its department, the authority", OVERSIGHT_A, HIDDEN
)
PURCHASE_DRAFT_READERS = rule(
    "unit A's draft application: its staff and the authority", UNIT_A_STAFF | {"platform_admin"}, HIDDEN
)
PURCHASE_DRAFT_EDITORS = rule(
    "unit A's draft application, changed by its admin and officer; its other readers 403",
    EDITORS_A,
    HIDDEN,
    **dict.fromkeys(UNIT_A_STAFF - EDITORS_A | {"platform_admin"}, FORBIDDEN),
)
RULES.update(
    {
        "purchases:list": rule(
            "unit staff, departments, the authority", ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
        ),
        "purchases:create": rule("record keepers of any unit", EDITORS_A | {"unit_b_admin"}),
        "purchases:detail": (PURCHASE_READERS, PURCHASE_DRAFT_READERS),
        "api-purchase-application-detail": (PURCHASE_READERS, PURCHASE_DRAFT_READERS),
        "purchases:print": PURCHASE_READERS,
        "api-purchase-application-list": SIGNED_IN,
        "purchases:record": rule(
            "unit staff, departments, the authority", ANY_UNIT_STAFF | DEPARTMENTS | {"platform_admin"}
        ),
        "api-purchase-application-record": SIGNED_IN,
        "api-purchase-application-pdf": PURCHASE_READERS,
        **dict.fromkeys(
            ("purchases:edit", "purchases:act", "api-purchase-application-act"), PURCHASE_DRAFT_EDITORS
        ),
    }
)

# Unit B's objects, for routes whose read_routes objects are all unit A's: unit A's staff are the outsiders here.
DRAFT_B_READERS = rule(
    "unit B's draft: unit B's staff, its department, platform admin", OVERSIGHT_B, HIDDEN, anonymous=HIDDEN
)
B_VARIANTS = {
    "api-instrument-detail": ((lambda s: {"pk": s.b_draft.pk}), DRAFT_B_READERS),
    "registry:instrument_detail": ((lambda s: {"pk": s.b_draft.pk}), DRAFT_B_READERS),
    "registry:instrument_sheet": ((lambda s: {"pk": s.b_draft.pk}), DRAFT_B_READERS),
    "api-instrument-history": ((lambda s: {"pk": s.b_draft.pk}), DRAFT_B_READERS),
    "registry:instrument_update": (
        (lambda s: {"pk": s.b_draft.pk}),
        rule(
            "unit B's draft, edited by unit B's admin and the instrument's own manager",
            {"unit_b_admin", "unit_b_manager"},
            HIDDEN,
            department_b=FORBIDDEN,
            platform_admin=FORBIDDEN,
        ),
    ),
    "api-booking-detail": (
        (lambda s: {"pk": s.b_booking.pk}),
        rule(
            "unit B's booking: its user, unit B's staff, platform admin",
            {"other_user", "unit_b_admin", "unit_b_manager", "platform_admin"},
            HIDDEN,
        ),
    ),
    "booking:detail": (
        (lambda s: {"pk": s.b_booking.pk}),
        rule(
            "unit B's booking: its user, unit B's staff, platform admin",
            {"other_user", "unit_b_admin", "unit_b_manager", "platform_admin"},
            HIDDEN,
        ),
    ),
    "booking:settings": (
        (lambda s: {"instrument_id": s.b_published.pk}),
        rule("unit B's instrument's service managers", {"unit_b_admin", "unit_b_manager"}),
    ),
    "api-service-settings": (
        (lambda s: {"pk": s.b_published.pk}),
        rule("unit B's instrument's service managers", {"unit_b_admin", "unit_b_manager"}),
    ),
}


# API lists and the detail route each row links to: a list may show a role only rows it may open, or rows with
# their private fields emptied (a unit's order queue lists orders its staff do not handle, without the samples).
REDACTED_FIELDS = {
    "api-order-list": ("sample_name", "sample_description", "requirements", "answers", "results")
}
LIST_DETAILS = {
    "api-instrument-list": "api-instrument-detail",
    "api-booking-list": "api-booking-detail",
    "api-waitlist-list": "api-waitlist-detail",
    "api-order-list": "api-order-detail",
    "api-charge-list": "api-charge-detail",
    "api-usage-record-list": "api-usage-record-detail",
    "api-rating-list": "api-rating-detail",
    "api-complaint-list": "api-complaint-detail",
    "api-voucher-application-list": "api-voucher-application-detail",
    "api-voucher-account-list": "api-voucher-account-detail",
    "api-voucher-provider-list": "api-voucher-provider-detail",
    "api-voucher-payment-list": "api-voucher-payment-detail",
    "api-voucher-claim-list": "api-voucher-claim-detail",
    "api-voucher-batch-list": "api-voucher-batch-detail",
    "api-interlock-list": "api-interlock-detail",
    "api-interlock-command-list": "api-interlock-command-detail",
    "api-interlock-session-list": "api-interlock-session-detail",
    "api-resource-list": "api-resource-detail",
    "api-resource-request-list": "api-resource-request-detail",
    "api-outcome-list": "api-outcome-detail",
    "api-purchase-application-list": "api-purchase-application-detail",
    "api-need-list": "api-need-detail",
    "api-evaluation-round-list": "api-evaluation-round-detail",
    "api-evaluation-result-list": "api-evaluation-result-detail",
    "api-evaluation-scheme-list": "api-evaluation-scheme-detail",
    "api-evaluation-unit-list": "api-evaluation-unit-detail",
}


def _variants(name):
    builders = ROUTES[name]
    return builders if isinstance(builders, tuple) else (builders,)


def _rules(name):
    rules = RULES[name]
    return rules if isinstance(rules, tuple) else (rules,)


@dataclass
class Tally:
    attempts: int = 0
    leaks: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)


@pytest.fixture(scope="module", autouse=True)
def media_in_tmp(tmp_path_factory):
    """The world's files must outlive each test (the per-test conftest fixture would move them)."""
    root = tmp_path_factory.mktemp("access")
    with override_settings(MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private"):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_in_tmp):
    """One world and one signed-in session per role for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        world, client, sessions = build_world(), Client(), {}
        for role in ROLES:
            if (user := world.users[role]) is not None:
                client.cookies = SimpleCookie()
                client.force_login(user)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

        def as_role(role):
            session = {settings.SESSION_COOKIE_NAME: sessions[role]} if role in sessions else {}
            client.cookies = SimpleCookie(session)
            return client

        yield world, as_role
        transaction.set_rollback(True)
    cache.clear()  # the token endpoint's throttle counted this module's attempts


def test_every_route_has_a_rule():
    routes = {route.name for route in project_routes()}
    missing, stale = sorted(routes - RULES.keys()), sorted(RULES.keys() - routes)
    assert not missing, f"routes without a rule in the access matrix: {missing}"
    assert not stale, f"the access matrix has rules for routes that no longer exist: {stale}"
    for name in routes:
        rules, variants = _rules(name), _variants(name)
        assert len(rules) in (1, len(variants)), f"{name}: {len(rules)} rules for {len(variants)} objects"


def _plan(scene):
    """(label, route, address, body maker, rule) for every route, every object it is addressed with, and its twins."""
    for route in project_routes():
        rules = _rules(route.name)
        cases = [
            (builder, rules[index] if len(rules) > 1 else rules[0])
            for index, builder in enumerate(_variants(route.name))
        ]
        if extra := B_VARIANTS.get(route.name):
            cases.append(extra)
        body = BODIES.get(route.name, lambda s: None)
        for index, (builder, expected) in enumerate(cases):
            label = f"{route.name}{'.json' if route.has_format else ''}[{index}]"
            yield label, route, address(route, builder, scene), body, expected


# One test per role, so the suite's workers share the matrix (every route as every role in one test took six
# minutes on one worker while the other sat idle).
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_its_rule_says(world, role, capsys):
    world, as_role = world
    tally = Tally()
    for label, route, url, body, expected_by in _plan(world.scene):
        got = attempt(as_role(role), route, url, body(world.scene))  # a fresh body: files are read once
        expected = expected_by.expect(role)
        tally.attempts += 1
        if got.outcome != expected:
            line = (
                f"{label} as {role}: {got.method} {url} → {got.status} ({got.outcome}), "
                f"rule «{expected_by.meaning}» says {expected}"
            )
            leak = expected in REFUSALS and got.outcome == ALLOWED
            (tally.leaks if leak else tally.mismatches).append(line)
    with capsys.disabled():
        print(
            f"\naccess matrix as {role}: {tally.attempts} routes checked, "
            f"{len(tally.leaks)} leaks, {len(tally.mismatches)} other differences from the rules"
        )
    assert not tally.leaks and not tally.mismatches, (
        "refused roles got through:\n"
        + "\n".join(tally.leaks)
        + "\nanswers differ from the rules:\n"
        + "\n".join(tally.mismatches)
    )


@pytest.mark.django_db
def test_lists_show_each_role_only_rows_it_may_open(world, capsys):
    """A list is a second door to every object: each row a role is shown must open for it on its detail route."""
    world, as_role = world
    from django.urls import reverse

    rows, leaks = 0, []
    for list_name, detail_name in LIST_DETAILS.items():
        for role in ROLES:
            client = as_role(role)
            response = client.get(reverse(list_name), {"page_size": 200})
            if response.status_code != 200:
                continue  # the matrix checks who may open the list
            data = response.json()
            for row in data["results"] if isinstance(data, dict) else data:
                rows += 1
                detail = client.get(reverse(detail_name, kwargs={"pk": row["id"]}))
                redacted = REDACTED_FIELDS.get(list_name)
                if detail.status_code != 200 and not (redacted and all(row[key] is None for key in redacted)):
                    leaks.append(
                        f"{list_name} shows {role} #{row['id']}, whose {detail_name} answers {detail.status_code}"
                    )
    with capsys.disabled():
        print(f"\naccess matrix lists: {rows} rows shown, {len(leaks)} rows a role may not open")
    assert rows > 0
    assert not leaks, "\n".join(leaks)
