"""Role × object matrix for the registry's web pages: nobody reads or writes what their role does not allow."""

import pytest
from django.urls import reverse

from yiqi.registry.models import RegistrationStatus

ROLES = [
    "anonymous", "platform_admin", "department_admin_a", "department_admin_b", "unit_admin_a", "officer_a",
    "manager_a", "technician_a", "unit_admin_b", "external_user", "expert", "evaluator",
]  # fmt: skip

# Which records appear in the list and open in detail, per role.
SEES = {
    "anonymous": {"published_a"},
    "platform_admin": {"published_a", "draft_a", "managed_draft_a", "draft_b"},
    "department_admin_a": {"published_a", "draft_a", "managed_draft_a"},
    "department_admin_b": {"published_a", "draft_b"},
    "unit_admin_a": {"published_a", "draft_a", "managed_draft_a"},
    "officer_a": {"published_a", "draft_a", "managed_draft_a"},
    "manager_a": {"published_a", "draft_a", "managed_draft_a"},
    "technician_a": {"published_a", "draft_a", "managed_draft_a"},
    "unit_admin_b": {"published_a", "draft_b"},
    "external_user": {"published_a"},
    "expert": {"published_a"},
    "evaluator": {"published_a", "draft_a", "managed_draft_a", "draft_b"},
}
# Which records each role may open the edit form of.
EDITS = {
    "unit_admin_a": {"published_a", "draft_a", "managed_draft_a"},
    "officer_a": {"published_a", "draft_a", "managed_draft_a"},
    "manager_a": {"managed_draft_a"},
    "unit_admin_b": {"draft_b"},
}
RECORDS = ["published_a", "draft_a", "managed_draft_a", "draft_b"]


@pytest.mark.parametrize("role", ROLES)
def test_instrument_list_shows_only_what_the_role_may_see(world, client_for, role):
    response = client_for(world.users[role]).get(reverse("registry:instrument_list"))
    assert response.status_code == 200
    shown = {r for r in RECORDS if getattr(world, r).name in response.content.decode()}
    assert shown == SEES[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", RECORDS)
def test_instrument_detail_opens_only_for_allowed_roles(world, client_for, role, record):
    instrument = getattr(world, record)
    response = client_for(world.users[role]).get(reverse("registry:instrument_detail", args=[instrument.pk]))
    assert response.status_code == (200 if record in SEES[role] else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("record", RECORDS)
def test_edit_form_opens_only_for_the_units_editors(world, client_for, role, record):
    instrument = getattr(world, record)
    response = client_for(world.users[role]).get(reverse("registry:instrument_update", args=[instrument.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("accounts:login") in response.url
    elif record in EDITS.get(role, set()):
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_unit_editors_can_submit_a_draft_from_the_page(world, client_for, role):
    instrument = world.draft_a
    response = client_for(world.users[role]).post(
        reverse("registry:instrument_transition", args=[instrument.pk]), {"action": "submit"}
    )
    instrument.refresh_from_db()
    if role in ("unit_admin_a", "officer_a"):
        assert response.status_code == 302
        assert instrument.registration_status == RegistrationStatus.SUBMITTED
    else:
        assert response.status_code in (302, 403, 404)
        assert instrument.registration_status == RegistrationStatus.DRAFT


@pytest.mark.parametrize("role", ["department_admin_a", "unit_admin_a", "external_user", "anonymous"])
def test_history_is_shown_to_insiders_only(world, client_for, role):
    response = client_for(world.users[role]).get(
        reverse("registry:instrument_detail", args=[world.published_a.pk])
    )
    shows_history = "修改历史" in response.content.decode()
    assert shows_history == (role in ("department_admin_a", "unit_admin_a"))


@pytest.mark.parametrize(
    "role, visible",
    [("platform_admin", True), ("department_admin_a", True), ("officer_a", True), ("unit_admin_b", False),
     ("external_user", False), ("anonymous", False)],
)  # fmt: skip
def test_unit_credit_code_is_private(world, client_for, role, visible):
    response = client_for(world.users[role]).get(reverse("portal:unit_detail", args=[world.unit_a.pk]))
    assert response.status_code == 200
    assert (world.unit_a.credit_code in response.content.decode()) == visible


@pytest.mark.parametrize("role", ["platform_admin", "officer_a", "external_user", "anonymous"])
def test_user_organisations_are_not_public(world, client_for, role):
    response = client_for(world.users[role]).get(reverse("portal:unit_detail", args=[world.enterprise.pk]))
    assert response.status_code == (200 if role in ("platform_admin", "external_user") else 404)


def test_review_queue_holds_what_each_reviewer_decides(world, client_for):
    from yiqi.accounts.access import access_for
    from yiqi.registry import services

    officer = world.users["officer_a"]
    services.transition(world.draft_a.pk, "submit", access=access_for(officer), user=officer)
    queue = reverse("registry:review_queue")
    assert world.draft_a.name in client_for(world.users["unit_admin_a"]).get(queue).content.decode()
    assert world.draft_a.name not in client_for(world.users["platform_admin"]).get(queue).content.decode()
