"""The alliance pages and API: its own page with members, figures and catalogue; terms refused with a field message."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.alliances.models import Alliance, Membership, MembershipStatus
from yiqi.booking.models import ServiceSettings
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.usage.tests.factories import UsageRecordFactory

from .conftest import NOW
from .factories import alliance_of


def test_the_alliance_page_shows_members_figures_and_their_instruments(world, client):
    alliance = alliance_of(world.lead, world.member, priority_days=7, member_category="academic")
    UsageRecordFactory(
        instrument=world.instrument,
        user_organization=world.member,
        is_external=True,
        machine_hours=Decimal("3.00"),
        fee=Decimal("450.00"),
        started_at=NOW.replace(month=1),
    )
    UsageRecordFactory(
        instrument=world.instrument, user_organization=world.outsider, started_at=NOW.replace(month=1)
    )
    page = client.get(reverse("alliances:detail", args=[alliance.pk])).content.decode()
    assert world.member.name in page and world.instrument.name in page
    assert "450.00" in page and "3.00" in page  # only the service between members counts
    api = APIClient().get("/api/v1/alliances/").json()
    [row] = api["results"]
    assert row["priority_days"] == 7 and {m["unit"] for m in row["members"]} == {
        world.lead.pk,
        world.member.pk,
    }


def test_forming_joining_and_terms_on_the_pages(world, client_for):
    client = client_for(world.lead_admin)
    response = client.post(reverse("alliances:create"), {"name": "渭河仪器联盟", "priority_days": "3"})
    alliance = Alliance.objects.get(name="渭河仪器联盟")
    assert response.status_code == 302 and alliance.lead_unit == world.lead
    ServiceSettings.objects.filter(pk=world.instrument.pk).update(horizon_days=360)
    response = client.post(reverse("alliances:terms", args=[alliance.pk]), {"priority_days": "30"})
    assert response.status_code == 200 and world.instrument.name in response.content.decode()
    assert Alliance.objects.get(pk=alliance.pk).priority_days == 3
    client = client_for(world.member_admin)
    assert client.post(reverse("alliances:join", args=[alliance.pk])).status_code == 302
    membership = Membership.objects.get(alliance=alliance, unit=world.member)
    assert membership.status == MembershipStatus.APPLIED
    client = client_for(world.lead_admin)
    client.post(reverse("alliances:membership_act", args=[membership.pk]), {"action": "approve"})
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ACTIVE


def test_the_alliance_list_does_not_grow_its_queries_with_rows(world):
    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = APIClient().get("/api/v1/alliances/")
        assert response.status_code == 200
        return response.json()["count"], len(captured)

    def add(n):
        for index in range(n):
            alliance_of(
                OrganizationFactory(), OrganizationFactory(), name=f"联盟{Alliance.objects.count()}-{index}"
            )

    add(1)
    rows, few = measure()
    add(3)
    more_rows, more = measure()
    assert more_rows == rows + 3 and more == few
