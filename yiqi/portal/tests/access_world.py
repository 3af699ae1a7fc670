"""The world the access matrix walks: read_routes' world of unit A (every kind of object, one person in each role),
plus a second management unit B with its own staff and its own drafts, another company's user, and another
department. Also how one (route, role) attempt is made and what class of answer it got.

The route map and unit A's world come from yiqi.core.tests.read_routes; nothing here repeats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.booking.tests.factories import BookingFactory, bookable_instrument
from yiqi.core.tests.read_routes import ROLES as READ_ROLES
from yiqi.core.tests.read_routes import Route, build_scene, query_for
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.usage.tests.conftest import pdf

# read_routes' nine roles (unit-side roles hold them in unit A, the department supervises unit A), and:
#   other_user      — a user of another company: never the one who booked, ordered, paid or complained
#   unit_b_admin    — unit admin of unit B (another department), the cross-unit attacker
#   unit_b_manager  — instrument manager in unit B
#   department_b    — admin of the department that supervises unit B, not unit A
ROLES = (*READ_ROLES, "other_user", "unit_b_admin", "unit_b_manager", "department_b")

# Answer classes.
ALLOWED = (
    "allowed"  # 2xx (or, for a POST with an empty form, anything but the refusals below: 302 on, 400, 409)
)
LOGIN = "login"  # 302 to the login page, 401, or the API's 403 "not authenticated"
FORBIDDEN = "forbidden"  # 403
HIDDEN = "hidden"  # 404
NOT_ALLOWED_METHOD = "405"
SERVER_ERROR = "5xx"
REFUSALS = (LOGIN, FORBIDDEN, HIDDEN)


@dataclass
class AccessWorld:
    scene: SimpleNamespace  # read_routes' Scene's fields, plus b_* objects of unit B
    users: dict


def build_world() -> AccessWorld:
    scene = build_scene()
    department_b = DepartmentFactory(name="陕西省卫生健康委员会")
    unit_b = OrganizationFactory(
        name="陕西测试医院", kind=Organization.Kind.HOSPITAL, supervising_department=department_b
    )
    other_company = OrganizationFactory(
        name="咸阳另一家公司", kind=Organization.Kind.ENTERPRISE, is_management_unit=False
    )
    users = {
        **scene.users,
        "other_user": user_with_role(
            Role.EXTERNAL_USER, organization=other_company, username="other_company"
        ),
        "unit_b_admin": user_with_role(Role.UNIT_ADMIN, organization=unit_b, username="unit_b_admin"),
        "unit_b_manager": user_with_role(
            Role.INSTRUMENT_MANAGER, organization=unit_b, username="unit_b_manager"
        ),
        "department_b": user_with_role(
            Role.DEPARTMENT_ADMIN, department=department_b, username="department_b"
        ),
    }
    b_published = InstrumentFactory(
        unit=unit_b,
        name="B单位公开的质谱仪",
        registration_status=RegistrationStatus.PUBLISHED,
        manager=users["unit_b_manager"],
    )
    bookable_instrument(b_published, weekdays=range(7))
    # Unit B's own booking by the other company: unit A's staff must not reach it either.
    b_booking = BookingFactory(
        instrument=b_published, user=users["other_user"], user_organization=other_company
    )
    fields = {name: getattr(scene, name) for name in scene.__dataclass_fields__}
    return AccessWorld(
        scene=SimpleNamespace(
            **fields,
            unit_b=unit_b,
            b_published=b_published,
            b_draft=InstrumentFactory(unit=unit_b, name="B单位草稿", manager=users["unit_b_manager"]),
            b_booking=b_booking,
        ),
        users=users,
    )


def _today(scene):
    from django.utils import timezone

    return timezone.localdate().isoformat()


# Bodies for POSTs: a request that would pass validation, so that only the access check can stop it (an empty
# body may stop at validation first and prove nothing). API bodies go as JSON, page bodies as a form.
BODIES = {
    "api-booking-reject": lambda s: {"comment": "时段冲突"},
    "api-order-results": lambda s: {"files": pdf("检测报告.pdf")},
    "registry:attachment_upload": lambda s: {
        "kind": "document",
        "file": pdf("操作规程.pdf"),
        "title": "操作规程",
    },
    "api-instrument-transition": lambda s: {"action": "submit"},
    "resources:act": lambda s: {"action": "submit"},
    "outcomes:decide": lambda s: {"action": "confirm"},
    "api-outcome-decide": lambda s: {"action": "confirm"},
    "api-resource-act": lambda s: {"action": "submit"},
    "resources:request": lambda s: {"purpose": "科研使用", "quantity": 1},
    "resources:request_act": lambda s: {"action": "approve"},
    "api-resource-request-decide": lambda s: {"action": "approve"},
    "census:act": lambda s: {"action": "submit"},
    "api-census-return-act": lambda s: {"action": "submit"},
    "census:marks": lambda s: {
        "unit": s.census.census_return.unit_id,
        "kind": "notice",
        "reason": "逾期未提交",
    },
    "api-census-mark": lambda s: {"unit": s.census.census_return.unit_id, "kind": "notice", "reason": "逾期"},
    "census:select": lambda s: {"instrument": s.census.line.instrument_id},
    "api-census-return-select": lambda s: {"instrument": s.census.line.instrument_id},
    "alliances:membership_act": lambda s: {"action": "approve"},
    "api-alliance-membership-act": lambda s: {"action": "approve"},
    "alliances:invite": lambda s: {"unit": s.unit_b.pk},
    "api-alliance-invite": lambda s: {"unit": s.unit_b.pk},
    "api-alliance-join": lambda s: {"unit": s.unit_b.pk},
    "purchases:act": lambda s: {"action": "withdraw"},
    "api-purchase-application-act": lambda s: {"action": "withdraw"},
    "demands:act": lambda s: {"action": "close", "reason": "已解决"},
    "api-need-act": lambda s: {"action": "close", "reason": "已解决"},
    "api-order-transition": lambda s: {"action": "accept"},
    "api-order-staff": lambda s: {"staff": [s.users["technician"].pk]},
    "api-charge-adjust": lambda s: {"amount": "-5.00", "reason": "机时核减"},
    "api-charge-decide-adjustment": lambda s: {"adjustment": s.adjustment.pk, "decision": "approve"},
    "api-charge-record-payment": lambda s: {"reference": "V-001", "paid_on": _today(s)},
    "api-rating-reply": lambda s: {"reply": "感谢评价"},
    "api-complaint-transition": lambda s: {"action": "comment", "comment": "补充说明"},
    "orders:action": lambda s: {"action": "accept"},
    "fees:charge_adjust": lambda s: {"amount": "-5.00", "reason": "机时核减"},
    "fees:adjustment_decide": lambda s: {"decision": "approve"},
    "fees:charge_payment": lambda s: {"reference": "V-001", "paid_on": _today(s)},
    "feedback:rating_reply": lambda s: {"reply": "感谢评价"},
    "feedback:complaint_transition": lambda s: {"action": "comment", "comment": "补充说明"},
    "vouchers:application_decide": lambda s: {"decision": "approve"},
    "api-voucher-application-decide": lambda s: {"decision": "approve"},
    "vouchers:clawback": lambda s: {"amount": "1.00", "reason": "资格复核"},
    "api-voucher-account-clawback": lambda s: {"amount": "1.00", "reason": "资格复核"},
    "vouchers:provider_decide": lambda s: {"decision": "suspend", "comment": "复核"},
    "api-voucher-provider-decide": lambda s: {"action": "suspend", "comment": "复核"},
    "vouchers:pay": lambda s: {"account": s.vouchers.account.pk, "amount": "10.00"},
    "vouchers:refund": lambda s: {"reason": "更正"},
    "api-voucher-payment-refund": lambda s: {"comment": "更正"},
    "vouchers:claim_decide": lambda s: {"decision": "approve"},
    "api-voucher-claim-decide": lambda s: {"decision": "approve"},
    "api-voucher-batch-pay": lambda s: {"reference": "CZ-1"},
    "evaluation:scheme_copy": lambda s: {"name": ""},
    "evaluation:scheme_grades": lambda s: {"excellent_from": "90", "good_from": "80", "pass_from": "60"},
    "evaluation:round_step": lambda s: {"action": "start_scoring"},
    "evaluation:round_subsidies": lambda s: {"budget": "10000"},
    "evaluation:self_evaluation": lambda s: {
        "management": "制度健全",
        "operation": "运行良好",
        "sharing": "对外开放",
        "results": "论文两篇",
        "problems": "无",
    },
    "evaluation:contest": lambda s: {"figure": "effective_hours", "reason": "漏计机时"},
    "evaluation:assign": lambda s: {"expert": s.evaluation.expert.pk},
    "evaluation:onsite": lambda s: {"flag": "on", "outcome": "已核查"},
    "evaluation:contest_answer": lambda s: {"answer": "已复核"},
    "evaluation:rectification_close": lambda s: {"report": "已整改"},
    "api-evaluation-round-assign": lambda s: {
        "unit": s.evaluation.evaluation.unit_id,
        "expert": s.evaluation.expert.pk,
    },
    "api-evaluation-rectification-close": lambda s: {"report": "已整改"},
    "api-evaluation-round-subsidies": lambda s: {"budget": "10000"},
    "api-evaluation-scheme-copy": lambda s: {"name": ""},
    "api-evaluation-scheme-grades": lambda s: {"excellent_from": "90", "good_from": "80", "pass_from": "60"},
    "api-evaluation-unit-self-evaluation": lambda s: {
        "management": "制度健全",
        "operation": "运行良好",
        "sharing": "对外开放",
        "results": "论文两篇",
        "problems": "无",
    },
    "api-evaluation-unit-onsite": lambda s: {"flag": "on", "outcome": "已核查"},
    "api-evaluation-contest-answer": lambda s: {"answer": "已复核"},
}


@dataclass(frozen=True)
class Attempt:
    method: str
    url: str
    status: int
    outcome: str


def login_url() -> str:
    return reverse(settings.LOGIN_URL)


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return SERVER_ERROR
    if status == 405:
        return NOT_ALLOWED_METHOD
    if status == 401:
        return LOGIN
    if status in (302, 303) and response["Location"].split("?")[0] == login_url():
        return LOGIN
    if status == 403:
        data = getattr(response, "data", None)
        codes = getattr(data, "get", lambda *_: None)("detail")
        if getattr(codes, "code", None) == "not_authenticated":
            return LOGIN
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    return ALLOWED


def address(route: Route, builder, scene) -> str:
    kwargs = builder(scene)
    if route.has_format:
        kwargs["format"] = "json"
    url = reverse(route.name, kwargs=kwargs)
    if query := query_for(route.name):
        url = f"{url}?{query}"
    return url


def attempt(client: Client, route: Route, url: str, body: dict | None = None) -> Attempt:
    """GET the address; a route that answers GET with 405 takes POST (with ``body``: a request that passes
    validation, so only the access check can stop it), and one that refuses POST too takes DELETE. Each attempt
    runs in a savepoint rolled back after it: a write that got through changes nothing for the next attempt."""
    method, response = "GET", None
    api = route.name.startswith("api-")
    with transaction.atomic():
        try:
            response = client.get(url)
            if response.status_code == 405:
                method = "POST"
                files = any(hasattr(value, "read") for value in (body or {}).values())
                if api and not files:
                    response = client.post(url, body or {}, content_type="application/json")
                else:
                    response = client.post(url, body or {})
            if response.status_code == 405:
                method = "DELETE"
                response = client.delete(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        except Exception as error:  # the test client re-raises a view's exception: that is a 500
            transaction.set_rollback(True)
            return Attempt(method, url, 500, f"{SERVER_ERROR} {type(error).__name__}: {error}")
        transaction.set_rollback(True)
    return Attempt(method, url, response.status_code, classify(response))
