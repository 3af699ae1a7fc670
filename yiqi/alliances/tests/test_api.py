"""Alliances through the API: a unit admin forms one, the lead invites and sets terms, units apply, accept and
decide — the same services as the pages, each refusal a field error or a 403 with nothing changed."""

import pytest
from rest_framework.test import APIClient

from yiqi.alliances.models import Alliance, Membership, MembershipStatus
from yiqi.booking.models import ServiceSettings
from yiqi.core.models import AuditEvent

from .factories import alliance_of


def _as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


FORM = {"name": "秦岭协作网", "member_category": "academic", "priority_days": 7, "mutual_qualification": True}


def test_a_unit_admin_forms_an_alliance_led_by_their_unit(world):
    answer = _as(world.lead_admin).post(
        "/api/v1/alliances/", {**FORM, "lead_unit": world.lead.pk}, format="json"
    )
    assert answer.status_code == 201, answer.data
    assert answer.data["lead_unit"] == world.lead.pk
    assert [m["unit"] for m in answer.data["members"]] == [world.lead.pk]


def test_forming_is_refused_for_another_units_lead_or_bad_terms(world):
    api = _as(world.member_admin)
    assert (
        api.post("/api/v1/alliances/", {**FORM, "lead_unit": world.lead.pk}, format="json").status_code == 403
    )
    bad = api.post(
        "/api/v1/alliances/",
        {**FORM, "lead_unit": world.member.pk, "priority_days": 400, "member_category": "free"},
        format="json",
    )
    assert bad.status_code == 400 and {"priority_days", "member_category"} <= set(bad.data)
    huge = api.post("/api/v1/alliances/", {**FORM, "lead_unit": 2**70}, format="json")
    assert huge.status_code == 400 and "lead_unit" in huge.data
    assert APIClient().post("/api/v1/alliances/", FORM, format="json").status_code in (401, 403)
    assert not Alliance.objects.exists()


def test_a_name_already_taken_is_a_field_error(world):
    alliance_of(world.lead, name=FORM["name"])
    answer = _as(world.member_admin).post(
        "/api/v1/alliances/", {**FORM, "lead_unit": world.member.pk}, format="json"
    )
    assert answer.status_code == 400 and "name" in answer.data


def test_the_lead_sets_terms_and_contradicting_terms_change_nothing(world):
    alliance = alliance_of(world.lead, world.member)
    url = f"/api/v1/alliances/{alliance.pk}/"
    assert _as(world.member_admin).patch(url, {"priority_days": 3}, format="json").status_code == 403
    ok = _as(world.lead_admin).patch(url, {"priority_days": 5, "member_category": "internal"}, format="json")
    assert ok.status_code == 200 and (ok.data["priority_days"], ok.data["member_category"]) == (5, "internal")
    ServiceSettings.objects.filter(pk=world.instrument.pk).update(horizon_days=300)
    refused = _as(world.lead_admin).patch(url, {"priority_days": 90, "description": "新简介"}, format="json")
    assert refused.status_code == 400 and world.instrument.name in str(refused.data["priority_days"])
    alliance.refresh_from_db()
    assert (alliance.priority_days, alliance.description) == (5, "")


def test_the_lead_invites_and_the_invited_unit_accepts(world):
    alliance = alliance_of(world.lead)
    invited = _as(world.lead_admin).post(
        f"/api/v1/alliances/{alliance.pk}/invite/", {"unit": world.member.pk}, format="json"
    )
    assert invited.status_code == 201 and invited.data["status"] == MembershipStatus.INVITED
    again = _as(world.lead_admin).post(
        f"/api/v1/alliances/{alliance.pk}/invite/", {"unit": world.member.pk}, format="json"
    )
    assert again.status_code == 400 and "unit" in again.data
    by_member = _as(world.member_admin).post(
        f"/api/v1/alliances/{alliance.pk}/invite/", {"unit": world.outsider.pk}, format="json"
    )
    assert by_member.status_code == 403
    act = f"/api/v1/alliance-memberships/{invited.data['id']}/act/"
    assert _as(world.outsider_admin).post(act, {"action": "accept"}, format="json").status_code == 404
    assert _as(world.lead_admin).post(act, {"action": "accept"}, format="json").status_code == 403
    accepted = _as(world.member_admin).post(act, {"action": "accept"}, format="json")
    assert accepted.status_code == 200 and accepted.data["status"] == MembershipStatus.ACTIVE
    membership = Membership.objects.get(pk=invited.data["id"])
    assert membership.joined_at is not None
    assert [e.action for e in AuditEvent.objects.for_object(membership)] == ["create", "accept"]


def test_a_unit_applies_and_the_lead_decides_through_the_api(world):
    alliance = alliance_of(world.lead)
    applied = _as(world.outsider_admin).post(
        f"/api/v1/alliances/{alliance.pk}/join/", {"unit": world.outsider.pk}, format="json"
    )
    assert applied.status_code == 201 and applied.data["status"] == MembershipStatus.APPLIED
    act = f"/api/v1/alliance-memberships/{applied.data['id']}/act/"
    unexplained = _as(world.lead_admin).post(act, {"action": "decline"}, format="json")
    assert unexplained.status_code == 400
    assert _as(world.lead_admin).post(act, {"action": "fly"}, format="json").status_code == 400
    declined = _as(world.lead_admin).post(act, {"action": "decline", "comment": "暂不扩员"}, format="json")
    assert declined.status_code == 200 and declined.data["status"] == MembershipStatus.DECLINED


@pytest.mark.parametrize("who, seen", [("lead_admin", 2), ("member_admin", 1), ("outsider_admin", 0)])
def test_memberships_are_scoped_to_the_units_one_administers(world, who, seen):
    alliance_of(world.lead, world.member)
    answer = _as(getattr(world, who)).get("/api/v1/alliance-memberships/")
    assert answer.status_code == 200 and answer.data["count"] == seen


def test_the_membership_list_costs_the_same_whatever_its_rows(world, django_assert_max_num_queries):
    alliance_of(world.lead, world.member, world.outsider)
    with django_assert_max_num_queries(8):
        answer = _as(world.lead_admin).get("/api/v1/alliance-memberships/")
    assert answer.data["count"] == 3


def test_the_same_invitation_works_on_the_pages(world, client_for):
    from django.urls import reverse

    alliance = alliance_of(world.lead)
    lead = client_for(world.lead_admin)
    detail = reverse("alliances:detail", args=[alliance.pk])
    assert world.member.name in lead.get(detail).content.decode()  # offered in the invitation list
    assert (
        lead.post(reverse("alliances:invite", args=[alliance.pk]), {"unit": world.member.pk}).status_code
        == 302
    )
    membership = Membership.objects.get(alliance=alliance, unit=world.member)
    member = client_for(world.member_admin)
    assert "接受邀请" in member.get(detail).content.decode()
    member.post(reverse("alliances:membership_act", args=[membership.pk]), {"action": "accept"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    refused = client_for(world.member_admin).post(
        reverse("alliances:invite", args=[alliance.pk]), {"unit": 1}
    )
    assert refused.status_code == 403
