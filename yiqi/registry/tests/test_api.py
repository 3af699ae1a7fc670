"""The instruments API as its users see it: who sees and does what, the registration workflow, bad input."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import (
    DeploymentFactory,
    OrganizationFactory,
    SubUnitFactory,
)
from yiqi.registry.models import Instrument
from yiqi.registry.models import RegistrationStatus as S
from yiqi.registry.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

INSTRUMENTS = "/api/v1/instruments/"


def detail_url(instrument, suffix=""):
    return f"{INSTRUMENTS}{instrument.pk}/{suffix}"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def listed_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- the role matrix, over the shared `world` (yiqi/conftest.py) -----------------------------------------------


# For each role and record: (in the list?, GET detail, GET history, PATCH, POST submit).
# "managed_draft_a" is the draft whose manager is manager_a; published records cannot be submitted (400).
# Anonymous writes are refused before anything is looked up (403).
ROLE_MATRIX = [
    # role                    record              listed detail history update submit
    ("anonymous",             "published_a",      True,  200,   403,    403,   403),
    ("anonymous",             "managed_draft_a",  False, 404,   404,    403,   403),
    ("anonymous",             "draft_b",          False, 404,   404,    403,   403),
    ("external_user",         "published_a",      True,  200,   403,    403,   400),
    ("external_user",         "managed_draft_a",  False, 404,   404,    404,   404),
    ("external_user",         "draft_b",          False, 404,   404,    404,   404),
    ("expert",                "published_a",      True,  200,   403,    403,   400),
    ("expert",                "managed_draft_a",  False, 404,   404,    404,   404),
    ("expert",                "draft_b",          False, 404,   404,    404,   404),
    ("evaluator",             "published_a",      True,  200,   403,    403,   400),
    ("evaluator",             "managed_draft_a",  True,  200,   403,    403,   403),
    ("evaluator",             "draft_b",          True,  200,   403,    403,   403),
    ("platform_admin",        "published_a",      True,  200,   200,    403,   400),
    ("platform_admin",        "managed_draft_a",  True,  200,   200,    403,   403),
    ("platform_admin",        "draft_b",          True,  200,   200,    403,   403),
    ("department_admin_a",    "published_a",      True,  200,   200,    403,   400),
    ("department_admin_a",    "managed_draft_a",  True,  200,   200,    403,   403),
    ("department_admin_a",    "draft_b",          False, 404,   404,    404,   404),
    ("department_admin_b",    "published_a",      True,  200,   403,    403,   400),
    ("department_admin_b",    "managed_draft_a",  False, 404,   404,    404,   404),
    ("department_admin_b",    "draft_b",          True,  200,   200,    403,   403),
    ("unit_admin_a",          "published_a",      True,  200,   200,    200,   400),
    ("unit_admin_a",          "managed_draft_a",  True,  200,   200,    200,   200),
    ("unit_admin_a",          "draft_a",          True,  200,   200,    200,   200),
    ("unit_admin_a",          "draft_b",          False, 404,   404,    404,   404),
    ("officer_a",             "published_a",      True,  200,   200,    200,   400),
    ("officer_a",             "managed_draft_a",  True,  200,   200,    200,   200),
    ("officer_a",             "draft_a",          True,  200,   200,    200,   200),
    ("officer_a",             "draft_b",          False, 404,   404,    404,   404),
    ("manager_a",             "published_a",      True,  200,   200,    403,   400),
    ("manager_a",             "managed_draft_a",  True,  200,   200,    200,   403),
    ("manager_a",             "draft_a",          True,  200,   200,    403,   403),
    ("manager_a",             "draft_b",          False, 404,   404,    404,   404),
    ("technician_a",          "published_a",      True,  200,   200,    403,   400),
    ("technician_a",          "managed_draft_a",  True,  200,   200,    403,   403),
    ("technician_a",          "draft_b",          False, 404,   404,    404,   404),
    ("unit_admin_b",          "published_a",      True,  200,   403,    403,   400),
    ("unit_admin_b",          "managed_draft_a",  False, 404,   404,    404,   404),
    ("unit_admin_b",          "draft_b",          True,  200,   200,    200,   200),
]  # fmt: skip


@pytest.mark.parametrize("role, record, listed, detail, history, update, submit", ROLE_MATRIX)
def test_role_matrix(world, role, record, listed, detail, history, update, submit):
    client = client_for(world.users[role])
    instrument = getattr(world, record)
    status_before = instrument.registration_status

    observed = (
        instrument.pk in listed_ids(client.get(INSTRUMENTS, {"page_size": 200})),
        client.get(detail_url(instrument)).status_code,
        client.get(detail_url(instrument, "history/")).status_code,
        client.patch(detail_url(instrument), {"name": "新名称"}, format="json").status_code,
        client.post(detail_url(instrument, "submit/"), format="json").status_code,
    )

    assert observed == (listed, detail, history, update, submit)
    instrument.refresh_from_db()
    assert (instrument.name == "新名称") == (update == 200)
    if submit == 200:
        assert instrument.registration_status == S.SUBMITTED
    else:
        assert instrument.registration_status == status_before


@pytest.mark.parametrize(
    "role, may_create_in_a",
    [
        ("anonymous", False),
        ("external_user", False),
        ("platform_admin", False),
        ("department_admin_a", False),
        ("unit_admin_a", True),
        ("officer_a", True),
        ("manager_a", False),
        ("technician_a", False),
        ("unit_admin_b", False),
    ],
)
def test_who_may_create_in_unit_a(world, role, may_create_in_a):
    before = Instrument.objects.count()
    response = client_for(world.users[role]).post(
        INSTRUMENTS, new_instrument_payload(world.unit_a), format="json"
    )
    assert response.status_code == (201 if may_create_in_a else 403), response.content
    assert Instrument.objects.count() == before + may_create_in_a


def test_available_actions_follow_the_requesting_user(world):
    draft = world.managed_draft_a
    officer = client_for(world.users["officer_a"])
    technician = client_for(world.users["technician_a"])
    assert officer.get(detail_url(draft)).json()["available_actions"] == ["submit"]
    assert technician.get(detail_url(draft)).json()["available_actions"] == []


# --- creating and updating --------------------------------------------------------------------------------------


def new_instrument_payload(unit_, **overrides):
    payload = {
        "unit": unit_.pk,
        "asset_number": "API-0001",
        "name": "激光共聚焦显微镜",
        "name_en": "Confocal Laser Scanning Microscope",
        "category": "010102",
        "original_value": "1280000.00",
        "manufacturer": "徕卡显微系统",
        "country_of_origin": "DE",
        "model_spec": "STELLARIS 5",
        "technical_indicators": "分辨率 120 nm",
        "main_functions": "细胞成像",
        "acceptance_date": "2025-09-26",
        "contact_name": "王老师",
        "contact_phone": "029-88881234",
        "contact_email": "wang@example.cn",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def unit():
    return OrganizationFactory(name="甲大学")


@pytest.fixture
def officer(unit):
    return user_with_role(Role.INFORMATION_OFFICER, organization=unit)


@pytest.fixture
def unit_admin(unit):
    return user_with_role(Role.UNIT_ADMIN, organization=unit)


def test_create_goes_through_the_service(unit, officer):
    response = client_for(officer).post(
        INSTRUMENTS,
        new_instrument_payload(unit, open_policy="<p>预约使用</p><script>alert(1)</script>"),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    instrument = Instrument.objects.get(pk=body["id"])
    assert instrument.created_by == officer
    assert instrument.open_policy == "<p>预约使用</p>"  # sanitised by the service
    assert body["registration_status"] == "draft"
    assert body["registration_due"] == "2025-11-13"  # 30 statutory working days after 2025-09-26
    assert body["is_mandatory"] is True
    assert body["original_value"] == "1280000.00"
    assert body["unit_name"] == "甲大学"
    assert body["category_name"] == "扫描电镜"
    assert body["country_of_origin"] == "DE"
    assert body["available_actions"] == ["submit"]


def test_a_record_without_a_country_of_origin_is_refused_not_made_in_china(unit, officer):
    payload = new_instrument_payload(unit)
    del payload["country_of_origin"]
    before = Instrument.objects.count()
    response = client_for(officer).post(INSTRUMENTS, payload, format="json")
    assert response.status_code == 400
    assert "country_of_origin" in response.json()
    assert Instrument.objects.count() == before


def test_workflow_fields_cannot_be_set_through_the_api(unit, officer):
    instrument = InstrumentFactory(unit=unit)
    response = client_for(officer).patch(
        detail_url(instrument),
        {"registration_status": "published", "published_at": "2025-01-01T00:00:00Z", "name": "改名"},
        format="json",
    )
    assert response.status_code == 200
    instrument.refresh_from_db()
    assert (instrument.name, instrument.registration_status, instrument.published_at) == (
        "改名",
        S.DRAFT,
        None,
    )


def test_full_update_with_put(unit, officer):
    instrument = InstrumentFactory(unit=unit, asset_number="API-0001")
    payload = new_instrument_payload(unit, original_value="450000.00")
    response = client_for(officer).put(detail_url(instrument), payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_mandatory"] is False
    instrument.refresh_from_db()
    assert instrument.original_value == Decimal("450000.00")
    assert instrument.model_spec == "STELLARIS 5"


def test_a_submitted_record_is_locked_until_returned(unit, officer):
    instrument = InstrumentFactory(unit=unit, registration_status=S.SUBMITTED)
    response = client_for(officer).patch(detail_url(instrument), {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert "不可" in response.json()["detail"]


def test_history_shows_who_changed_what(unit, officer, unit_admin):
    instrument = InstrumentFactory(unit=unit, original_value=Decimal("3200000.00"))
    client = client_for(officer)
    assert (
        client.patch(detail_url(instrument), {"original_value": "3300000.50"}, format="json").status_code
        == 200
    )

    history = client_for(unit_admin).get(detail_url(instrument, "history/"))

    assert history.status_code == 200
    latest, created = history.json()
    assert created["type"] == "+"
    assert latest["type"] == "~"
    assert latest["user"] == str(officer)
    assert latest["user_id"] == officer.pk
    assert latest["changes"] == [
        {"field": "original_value", "label": "原值（元）", "old": "3200000.00", "new": "3300000.50"}
    ]


def test_events_list_the_workflow_steps(unit, officer, unit_admin):
    instrument = InstrumentFactory(unit=unit)
    client_for(officer).post(detail_url(instrument, "submit/"), format="json")
    client_for(unit_admin).post(
        detail_url(instrument, "transition/"), {"action": "return", "comment": "请补充照片"}, format="json"
    )

    events = client_for(officer).get(detail_url(instrument, "events/"))

    assert events.status_code == 200
    assert [
        (e["action"], e["from_status"], e["to_status"], e["actor"], e["comment"]) for e in events.json()
    ] == [
        ("submit", "draft", "submitted", officer.pk, ""),
        ("return", "submitted", "returned", unit_admin.pk, "请补充照片"),
    ]
    assert events.json()[1]["actor_name"] == unit_admin.get_full_name()
    outsider = user_with_role(Role.EXTERNAL_USER, organization=OrganizationFactory(is_management_unit=False))
    assert client_for(outsider).get(detail_url(instrument, "events/")).status_code == 404


# --- the registration workflow ----------------------------------------------------------------------------------


@pytest.fixture
def actors(unit, officer, unit_admin):
    return {
        "officer": client_for(officer),
        "unit_admin": client_for(unit_admin),
        "department_admin": client_for(
            user_with_role(Role.DEPARTMENT_ADMIN, department=unit.supervising_department)
        ),
        "platform_admin": client_for(user_with_role(Role.PLATFORM_ADMIN)),
        "technician": client_for(user_with_role(Role.TECHNICIAN, organization=unit)),
    }


def act(client, instrument, action, comment=""):
    return client.post(
        detail_url(instrument, "transition/"), {"action": action, "comment": comment}, format="json"
    )


def test_mandatory_instrument_goes_straight_to_the_platform(unit, actors):
    instrument = InstrumentFactory(
        unit=unit, original_value=Decimal("500000.00")
    )  # exactly the default threshold

    submitted = actors["officer"].post(detail_url(instrument, "submit/"), format="json")
    assert submitted.status_code == 200
    assert submitted.json()["registration_status"] == "submitted"
    assert submitted.json()["available_actions"] == []  # the officer waits for the unit admin

    confirmed = act(actors["unit_admin"], instrument, "confirm")
    assert confirmed.json()["registration_status"] == "awaiting_authority"

    approved = act(actors["platform_admin"], instrument, "approve")
    assert approved.status_code == 200
    assert approved.json()["registration_status"] == "published"
    assert approved.json()["published_at"] is not None
    assert instrument.pk in listed_ids(APIClient().get(INSTRUMENTS))  # now public


def test_voluntary_instrument_needs_the_department(unit, actors):
    instrument = InstrumentFactory(unit=unit, original_value=Decimal("300000.00"))
    assert actors["officer"].get(detail_url(instrument)).json()["is_mandatory"] is False

    actors["officer"].post(detail_url(instrument, "submit/"), format="json")
    assert (
        act(actors["unit_admin"], instrument, "confirm").json()["registration_status"]
        == "awaiting_department"
    )
    assert act(actors["platform_admin"], instrument, "approve").status_code == 400  # not its turn yet

    approved = act(actors["department_admin"], instrument, "department_approve")
    assert approved.status_code == 200
    assert approved.json()["registration_status"] == "awaiting_authority"
    assert act(actors["platform_admin"], instrument, "approve").json()["registration_status"] == "published"


def test_the_threshold_is_one_setting_away(unit, actors):
    deployment = DeploymentFactory()
    instrument = InstrumentFactory(unit=unit, original_value=Decimal("300000.00"))
    assert actors["officer"].get(detail_url(instrument)).json()["is_mandatory"] is False

    deployment.value_threshold = Decimal("200000.00")
    deployment.save()

    assert actors["officer"].get(detail_url(instrument)).json()["is_mandatory"] is True
    actors["officer"].post(detail_url(instrument, "submit/"), format="json")
    assert (
        act(actors["unit_admin"], instrument, "confirm").json()["registration_status"] == "awaiting_authority"
    )


def test_department_decline_needs_a_reason_and_the_unit_may_resubmit(unit, actors):
    instrument = InstrumentFactory(
        unit=unit, original_value=Decimal("100000.00"), registration_status=S.AWAITING_DEPARTMENT
    )

    refused = act(actors["department_admin"], instrument, "department_decline")
    assert refused.status_code == 400
    assert "comment" in refused.json()

    declined = act(actors["department_admin"], instrument, "department_decline", "与已有仪器重复")
    assert declined.json()["registration_status"] == "declined"
    assert actors["officer"].post(detail_url(instrument, "submit/"), format="json").status_code == 200


def test_return_needs_a_comment(unit, actors):
    instrument = InstrumentFactory(unit=unit, registration_status=S.SUBMITTED)

    response = act(actors["unit_admin"], instrument, "return", "   ")

    assert response.status_code == 400
    assert "comment" in response.json()
    instrument.refresh_from_db()
    assert instrument.registration_status == S.SUBMITTED
    assert not AuditEvent.objects.for_object(instrument).exists()


def test_platform_admin_may_return_a_record_awaiting_it(unit, actors):
    instrument = InstrumentFactory(unit=unit, registration_status=S.AWAITING_AUTHORITY)
    response = act(actors["platform_admin"], instrument, "return", "原值与发票不符")
    assert response.json()["registration_status"] == "returned"
    assert response.json()["available_actions"] == []  # the platform admin cannot submit for the unit


@pytest.mark.parametrize(
    "actor, status, action",
    [
        ("officer", S.SUBMITTED, "confirm"),  # only the unit admin confirms
        ("technician", S.DRAFT, "submit"),
        ("technician", S.SUBMITTED, "return"),
        ("unit_admin", S.AWAITING_AUTHORITY, "approve"),
        ("department_admin", S.AWAITING_AUTHORITY, "approve"),
        ("unit_admin", S.AWAITING_DEPARTMENT, "department_approve"),
    ],
)
def test_wrong_actor_is_forbidden(unit, actors, actor, status, action):
    instrument = InstrumentFactory(unit=unit, registration_status=status, original_value=Decimal("100000.00"))
    response = act(actors[actor], instrument, action, "意见")
    assert response.status_code == 403
    instrument.refresh_from_db()
    assert instrument.registration_status == status


@pytest.mark.parametrize(
    "actor, status, action",
    [
        ("platform_admin", S.DRAFT, "approve"),
        ("unit_admin", S.DRAFT, "confirm"),
        ("officer", S.SUBMITTED, "submit"),
        ("officer", S.PUBLISHED, "submit"),
        ("department_admin", S.SUBMITTED, "department_approve"),
    ],
)
def test_wrong_state_is_a_bad_request(unit, actors, actor, status, action):
    instrument = InstrumentFactory(unit=unit, registration_status=status)
    response = act(actors[actor], instrument, action)
    assert response.status_code == 400
    assert "action" in response.json()
    instrument.refresh_from_db()
    assert instrument.registration_status == status


@pytest.mark.parametrize("body", [{"action": "withdraw"}, {"action": "delete"}, {}, {"action": ["submit"]}])
def test_unknown_transition_is_a_bad_request(unit, actors, body):
    instrument = InstrumentFactory(unit=unit)
    response = actors["officer"].post(detail_url(instrument, "transition/"), body, format="json")
    assert response.status_code == 400
    assert "action" in response.json()


def test_submit_of_an_incomplete_record_is_refused(unit, actors):
    instrument = InstrumentFactory(unit=unit)
    Instrument.objects.filter(pk=instrument.pk).update(contact_phone="")  # e.g. left empty by an old import
    response = actors["officer"].post(detail_url(instrument, "submit/"), format="json")
    assert response.status_code == 400
    assert "contact_phone" in response.json()
    instrument.refresh_from_db()
    assert instrument.registration_status == S.DRAFT


# --- bad input: 400 on the field, nothing saved -----------------------------------------------------------------


def future_date() -> str:
    return (timezone.localdate() + dt.timedelta(days=3)).isoformat()


BAD_INPUT = [
    # (field expected in the error, payload overrides, words the message must contain)
    ("category", {"category": "123456"}, "未知的分类代码"),
    ("category", {"category": "abc"}, "未知的分类代码"),
    ("unit", {"unit": 999999}, ""),
    ("acceptance_date", {"acceptance_date": "future"}, ""),
    ("acceptance_date", {"acceptance_date": "2024-13-01"}, ""),
    ("acceptance_date", {"acceptance_date": 20240101}, ""),
    ("original_value", {"original_value": "-1.00"}, ""),
    ("original_value", {"original_value": "0"}, ""),
    ("original_value", {"original_value": "50000000000.01"}, ""),  # above 500亿
    ("original_value", {"original_value": "1234567890123.00"}, ""),  # too many digits
    ("original_value", {"original_value": "1.001"}, ""),  # fen is the smallest unit
    ("original_value", {"original_value": "abc"}, ""),
    ("original_value", {"original_value": "NaN"}, ""),
    ("original_value", {"original_value": 1e20}, ""),
    ("name", {"name": "仪" * 101}, ""),
    ("name", {"name": ["扫描电镜"]}, ""),
    ("name", {"name": ""}, ""),
    ("technical_indicators", {"technical_indicators": "x" * 501}, ""),
    ("main_functions", {"main_functions": "x" * 301}, ""),
    ("customs_supervised", {"customs_supervised": "maybe"}, ""),
    ("country_of_origin", {"country_of_origin": "XX"}, ""),
    ("contact_phone", {"contact_phone": "call me"}, ""),
    ("contact_email", {"contact_email": "not-an-email"}, ""),
    ("sharing_mode", {"sharing_mode": "sometimes"}, ""),
    ("not_shared_reason", {"sharing_mode": "not_shared", "not_shared_reason": ""}, "原因"),
    ("start_of_use_date", {"acceptance_date": "2024-05-01", "start_of_use_date": "2024-04-01"}, ""),
]


@pytest.mark.parametrize("field, overrides, words", BAD_INPUT)
def test_bad_input_is_a_field_error_and_saves_nothing(unit, officer, field, overrides, words):
    if overrides.get("acceptance_date") == "future":
        overrides = {**overrides, "acceptance_date": future_date()}
    before = Instrument.objects.count()

    response = client_for(officer).post(INSTRUMENTS, new_instrument_payload(unit, **overrides), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert words in " ".join(response.json()[field])
    assert Instrument.objects.count() == before


def test_bad_references_are_field_errors(unit, officer):
    other = OrganizationFactory()
    foreign_facility = InstrumentFactory(
        unit=other, kind=Instrument.Kind.LARGE_FACILITY, registration_status=S.PUBLISHED
    )
    own_single = InstrumentFactory(unit=unit)
    hidden_facility = InstrumentFactory(unit=other, kind=Instrument.Kind.INSTRUMENT_CENTER)
    enterprise = OrganizationFactory(kind=Organization.Kind.ENTERPRISE, is_management_unit=False)
    outsider = user_with_role(Role.TECHNICIAN, organization=other)
    cases = [
        ("unit", {"unit": enterprise.pk}),  # not a management unit
        ("sub_unit", {"sub_unit": SubUnitFactory(unit=other).pk}),
        ("parent", {"parent": foreign_facility.pk}),  # visible, but another unit's
        ("parent", {"parent": own_single.pk}),  # a single instrument cannot contain others
        ("parent", {"parent": hidden_facility.pk}),  # another unit's draft: as if it did not exist
        ("manager", {"manager": outsider.pk}),
    ]
    before = Instrument.objects.count()
    for field, overrides in cases:
        response = client_for(officer).post(
            INSTRUMENTS, new_instrument_payload(unit, asset_number="REF-1", **overrides), format="json"
        )
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), (field, response.json())
    assert Instrument.objects.count() == before


def test_duplicate_asset_number_is_an_error_on_the_field(unit, officer):
    InstrumentFactory(unit=unit, asset_number="2024-00001")
    InstrumentFactory(asset_number="2024-00002")  # another unit may use the same numbers
    before = Instrument.objects.count()
    client = client_for(officer)

    duplicate = client.post(
        INSTRUMENTS, new_instrument_payload(unit, asset_number=" 2024-00001 "), format="json"
    )
    elsewhere_used = client.post(
        INSTRUMENTS, new_instrument_payload(unit, asset_number="2024-00002"), format="json"
    )

    assert duplicate.status_code == 400
    assert duplicate.json() == {"asset_number": ["本单位已有内部编号为“2024-00001”的仪器。"]}
    assert elsewhere_used.status_code == 201
    assert Instrument.objects.count() == before + 1


def test_duplicate_asset_number_on_update(unit, officer):
    InstrumentFactory(unit=unit, asset_number="A-1")
    instrument = InstrumentFactory(unit=unit, asset_number="A-2")
    response = client_for(officer).patch(detail_url(instrument), {"asset_number": "A-1"}, format="json")
    assert response.status_code == 400
    assert "asset_number" in response.json()
    unchanged = client_for(officer).patch(
        detail_url(instrument), {"asset_number": "A-2", "name": "新"}, format="json"
    )
    assert unchanged.status_code == 200


@pytest.mark.parametrize(
    "body, content_type",
    [
        ('{"name": "扫描电镜", ', "application/json"),
        ('["a", "b"]', "application/json"),
        ("null", "application/json"),
        ("name=x", "text/plain"),
    ],
)
def test_malformed_requests_are_refused(unit, officer, body, content_type):
    response = client_for(officer).generic("POST", INSTRUMENTS, body, content_type=content_type)
    assert response.status_code in (400, 415)
    assert Instrument.objects.count() == 0


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"original_value": "-5"}, "original_value"),
        ({"unit": "other"}, "unit"),
        ({"acceptance_date": "future"}, "acceptance_date"),
        ({"category": "999999"}, "category"),
        ({"name": "x" * 101, "model_spec": "新型号"}, "name"),
    ],
)
def test_bad_update_changes_nothing(unit, officer, changes, field):
    instrument = InstrumentFactory(unit=unit)
    if changes.get("unit") == "other":
        changes = {"unit": OrganizationFactory().pk}
    if changes.get("acceptance_date") == "future":
        changes = {"acceptance_date": future_date()}
    before = Instrument.objects.values().get(pk=instrument.pk)

    response = client_for(officer).patch(detail_url(instrument), changes, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Instrument.objects.values().get(pk=instrument.pk) == before
    assert instrument.history.count() == 1


def test_cannot_move_a_record_to_another_unit_even_as_editor_of_both(unit, officer):
    instrument = InstrumentFactory(unit=unit)
    other = OrganizationFactory()
    officer.role_assignments.create(role=Role.INFORMATION_OFFICER, organization=other)
    response = client_for(officer).patch(detail_url(instrument), {"unit": other.pk}, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    instrument.refresh_from_db()
    assert instrument.unit == unit


# --- lists: filters, pagination, query count --------------------------------------------------------------------


@pytest.fixture
def catalogue():
    unit_a, unit_b = OrganizationFactory(), OrganizationFactory()
    return {
        "sem_a": InstrumentFactory(unit=unit_a, category_id="010102", original_value=Decimal("3200000")),
        "ms_a": InstrumentFactory(unit=unit_a, category_id="010201", original_value=Decimal("800000"),
                                  registration_status=S.PUBLISHED),
        "tester_b": InstrumentFactory(unit=unit_b, category_id="020101", original_value=Decimal("300000"),
                                      registration_status=S.PUBLISHED),
        "unit_a": unit_a,
        "unit_b": unit_b,
    }  # fmt: skip


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "010000"}, {"sem_a", "ms_a"}),  # a class includes its small classes
        ({"category": "010100"}, {"sem_a"}),
        ({"category": "010102"}, {"sem_a"}),
        ({"category": "02"}, set()),  # not a code
        ({"status": "published"}, {"ms_a", "tester_b"}),
        ({"status": "draft"}, {"sem_a"}),
        ({"value_min": "800000"}, {"sem_a", "ms_a"}),
        ({"value_max": "800000"}, {"ms_a", "tester_b"}),
        ({"mandatory": "yes"}, {"sem_a", "ms_a"}),
        ({"q": "扫描"}, {"sem_a", "ms_a", "tester_b"}),
        ({"q": "不存在的名字"}, set()),
        ({"category": "010000", "status": "published"}, {"ms_a"}),
    ],
)
def test_list_filters(catalogue, params, expected):
    client = client_for(user_with_role(Role.PLATFORM_ADMIN))
    ids = listed_ids(client.get(INSTRUMENTS, params))
    assert ids == {catalogue[name].pk for name in expected}


def test_unit_filter_and_invalid_filter_values(catalogue):
    client = client_for(user_with_role(Role.PLATFORM_ADMIN))
    assert listed_ids(client.get(INSTRUMENTS, {"unit": catalogue["unit_b"].pk})) == {catalogue["tester_b"].pk}
    assert client.get(INSTRUMENTS, {"unit": 999999}).status_code == 400
    assert client.get(INSTRUMENTS, {"status": "lost"}).status_code == 400
    assert client.get(INSTRUMENTS, {"value_min": "lots"}).status_code == 400


def test_filters_never_widen_what_a_user_sees(catalogue):
    anonymous = APIClient()
    assert listed_ids(anonymous.get(INSTRUMENTS, {"status": "draft"})) == set()
    assert listed_ids(anonymous.get(INSTRUMENTS, {"unit": catalogue["unit_a"].pk})) == {catalogue["ms_a"].pk}


def test_ordering_and_pagination(catalogue):
    client = client_for(user_with_role(Role.PLATFORM_ADMIN))
    body = client.get(INSTRUMENTS, {"ordering": "-value", "page_size": 2}).json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [catalogue["sem_a"].pk, catalogue["ms_a"].pk]
    assert body["next"] is not None
    assert client.get(INSTRUMENTS, {"page_size": 1000}).json()["count"] == 3  # capped, not an error


@pytest.mark.parametrize("role", [None, Role.PLATFORM_ADMIN, Role.UNIT_ADMIN, Role.DEPARTMENT_ADMIN])
def test_list_queries_do_not_grow_with_the_rows(role, django_assert_max_num_queries):
    units = [OrganizationFactory() for _ in range(3)]
    for i in range(30):
        unit = units[i % 3]
        InstrumentFactory(
            unit=unit,
            category_id=["010102", "010201", "020101"][i % 3],
            registration_status=[S.PUBLISHED, S.DRAFT, S.AWAITING_DEPARTMENT][i % 3],
            manager=user_with_role(Role.INSTRUMENT_MANAGER, organization=unit) if i < 3 else None,
            sub_unit=SubUnitFactory(unit=unit) if i < 3 else None,
        )
    user = {
        None: None,
        Role.PLATFORM_ADMIN: lambda: user_with_role(Role.PLATFORM_ADMIN),
        Role.UNIT_ADMIN: lambda: user_with_role(Role.UNIT_ADMIN, organization=units[0]),
        Role.DEPARTMENT_ADMIN: lambda: user_with_role(
            Role.DEPARTMENT_ADMIN, department=units[2].supervising_department
        ),
    }[role]
    client = client_for(user() if user else None)

    with django_assert_max_num_queries(5):  # roles, deployment, count, page
        response = client.get(INSTRUMENTS)

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 10


# --- categories and schema --------------------------------------------------------------------------------------


def test_categories_tree(django_assert_max_num_queries):
    client = APIClient()
    with django_assert_max_num_queries(2):  # count, page (parents joined for the path names)
        everything = client.get("/api/v1/categories/", {"page_size": 200}).json()
    assert everything["count"] == 739
    assert len(everything["results"]) == 200
    top = client.get("/api/v1/categories/", {"level": 1, "page_size": 200}).json()
    assert top["count"] == 15
    assert {row["code"] for row in top["results"]} >= {"010000", "990000"}

    children = client.get("/api/v1/categories/", {"parent": "010100"}).json()["results"]
    assert [row["code"] for row in children][:2] == ["010101", "010102"]

    sem = client.get("/api/v1/categories/010102/").json()
    assert sem == {
        "code": "010102",
        "name": "扫描电镜",
        "parent": "010100",
        "level": 3,
        "path_name": "分析仪器 / 电子光学仪器 / 扫描电镜",
    }
    assert client.get("/api/v1/categories/123456/").status_code == 404


def test_categories_are_read_only():
    admin = client_for(user_with_role(Role.PLATFORM_ADMIN))
    assert (
        admin.post("/api/v1/categories/", {"code": "999999", "name": "新"}, format="json").status_code == 405
    )


def test_instruments_cannot_be_deleted(unit, unit_admin):
    instrument = InstrumentFactory(unit=unit)
    assert client_for(unit_admin).delete(detail_url(instrument)).status_code == 405
    assert Instrument.objects.filter(pk=instrument.pk).exists()


def test_schema_documents_the_instrument_endpoints():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    for path in (
        "/api/v1/instruments/",
        "/api/v1/instruments/{id}/",
        "/api/v1/instruments/{id}/submit/",
        "/api/v1/instruments/{id}/transition/",
        "/api/v1/instruments/{id}/history/",
        "/api/v1/instruments/{id}/events/",
        "/api/v1/categories/",
        "/api/v1/auth/token/",
    ):
        assert path in schema["paths"], path
    assert "delete" not in schema["paths"]["/api/v1/instruments/{id}/"]
    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/instruments/"]["get"]["parameters"]}
    assert {"category", "status", "unit", "value_min", "page", "page_size"} <= list_parameters
    assert APIClient().get("/api/docs/").status_code == 200
