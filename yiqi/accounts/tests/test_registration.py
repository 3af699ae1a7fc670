"""Self-registration never makes anyone a member of an organisation that already exists (finding 1)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts import membership
from yiqi.accounts.access import access_for
from yiqi.accounts.models import Invitation, JoinRequest, Role, RoleAssignment, User
from yiqi.accounts.scoping import can_see_private_details
from yiqi.accounts.services import organizations_of
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.core.models import AuditEvent
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory, make_credit_code
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.scoping import sharing_admits
from yiqi.registry.tests.factories import InstrumentFactory

STRONG = "Lab-Booking-2026!"


def account(**changes):
    data = {
        "username": "mallory",
        "full_name": "马洛里",
        "email": "mallory@example.cn",
        "phone": "13800000000",
        "password1": STRONG,
        "password2": STRONG,
        "region": "610113",
    }
    data.update(changes)
    return data


@pytest.fixture
def region(db):
    return RegionFactory()


TARGETS = {
    "management unit": {"kind": "research_institute", "is_management_unit": True},
    "hospital": {"kind": "hospital", "is_management_unit": False},
    "university": {"kind": "university", "is_management_unit": False},
}


def grants_nothing(user: User, organization: Organization) -> None:
    access = access_for(user)
    assert not RoleAssignment.objects.filter(user=user, organization=organization).exists()
    assert organization.pk not in access.member_organization_ids
    assert not organizations_of(user).exists()  # the organisation an order or booking would be priced for
    assert not can_see_private_details(access, organization)  # credit code, address, staff


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    "attempt",
    [
        {},  # the request of the security test: name and kind only, no credit code, no registration choice
        {"account_type": "new_organization"},
        {"account_type": "join"},
    ],
    ids=["legacy-form", "as-new-organisation", "join-request"],
)
def test_an_existing_organisations_name_grants_no_membership(client, region, target, attempt):
    victim = OrganizationFactory(name="陕西省某某研究所", credit_code=make_credit_code(5), **TARGETS[target])
    internal = InstrumentFactory(
        unit=victim,
        registration_status=RegistrationStatus.PUBLISHED,
        sharing_mode=Instrument.SharingMode.INTERNAL,
    )
    client.post(
        reverse("accounts:register"),
        account(organization_name="陕西省某某研究所", organization_kind=TARGETS[target]["kind"], **attempt),
    )
    for user in User.objects.filter(username="mallory"):
        grants_nothing(user, victim)
        assert not sharing_admits(
            access_for(user), internal
        )  # no internal-only instrument, no internal price


def test_registering_an_existing_name_as_new_is_refused_with_the_way_in(client, region):
    OrganizationFactory(name="西北测试大学", is_management_unit=False)
    response = client.post(
        reverse("accounts:register"),
        account(
            account_type="new_organization", organization_name="西北测试大学", organization_kind="university"
        ),
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["organization_name"])
    assert "已在平台登记" in message and "邀请" in message
    assert not User.objects.exists() and Organization.objects.count() == 1


def test_an_enterprises_credit_code_does_not_join_it(client, region):
    enterprise = OrganizationFactory(
        name="西安新锐材料科技有限公司",
        kind="enterprise",
        credit_code=make_credit_code(777),
        is_management_unit=False,
    )
    response = client.post(
        reverse("accounts:register"),
        account(
            account_type="new_organization",
            organization_name="西安新锐材料科技有限公司2",
            organization_kind="enterprise",
            credit_code=make_credit_code(777),
        ),
    )
    assert "邀请" in " ".join(response.context["form"].errors["credit_code"])
    assert not User.objects.exists()
    assert not enterprise.role_assignments.exists()


def test_an_individual_registers_without_an_organisation(client, region):
    response = client.post(reverse("accounts:register"), account(account_type="individual"))
    assert response.status_code == 302
    user = User.objects.get(username="mallory")
    assert not user.role_assignments.exists()
    assert not Organization.objects.exists()


def test_a_new_organisation_is_registered_with_its_founder_as_a_user_never_as_a_unit(client, region):
    client.post(
        reverse("accounts:register"),
        account(
            account_type="new_organization",
            organization_name="西安新锐材料科技有限公司",
            organization_kind="enterprise",
            credit_code=make_credit_code(778),
        ),
    )
    assignment = RoleAssignment.objects.get(user__username="mallory")
    assert assignment.role == Role.EXTERNAL_USER
    assert assignment.organization.is_management_unit is False
    assert assignment.organization.credit_code == make_credit_code(778)


# --- join requests -------------------------------------------------------------------------------------------------


def test_a_join_request_grants_nothing_until_the_units_admin_approves(client, region):
    unit = OrganizationFactory(name="西北测试大学")
    admin = user_with_role(Role.UNIT_ADMIN, organization=unit)
    client.post(
        reverse("accounts:register"),
        account(account_type="join", organization_name="西北测试大学", message="材料学院研究生"),
    )
    user = User.objects.get(username="mallory")
    join_request = JoinRequest.objects.get(user=user)
    assert join_request.status == JoinRequest.Status.PENDING
    grants_nothing(user, unit)

    outsider = user_with_role(Role.UNIT_ADMIN, organization=OrganizationFactory())
    client.force_login(outsider)
    assert (
        client.post(
            reverse("accounts:join_request_decide", args=[join_request.pk]), {"action": "approve"}
        ).status_code
        == 404
    )
    grants_nothing(user, unit)

    client.force_login(admin)
    page = client.get(reverse("accounts:members"))
    assert "材料学院研究生" in page.content.decode()
    client.post(reverse("accounts:join_request_decide", args=[join_request.pk]), {"action": "approve"})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    del user._yiqi_access
    assert unit.pk in access_for(user).member_organization_ids
    assert AuditEvent.objects.for_object(join_request).filter(action="approve", actor=admin).exists()


def test_a_rejected_join_request_grants_nothing(db, region):
    unit = OrganizationFactory()
    admin = user_with_role(Role.UNIT_ADMIN, organization=unit)
    user = UserFactory()
    join_request = membership.request_to_join(user=user, organization=unit)
    membership.decide_join_request(join_request, "reject", actor=admin)
    grants_nothing(user, unit)


def test_joining_an_unknown_organisation_is_a_field_error(client, region):
    response = client.post(
        reverse("accounts:register"), account(account_type="join", organization_name="不存在的单位")
    )
    assert "organization_name" in response.context["form"].errors
    assert not User.objects.exists()


# --- invitations ---------------------------------------------------------------------------------------------------


def invite_link(client, admin, unit, email="newcomer@example.cn", role=Role.TECHNICIAN) -> str:
    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("accounts:members"), {"organization": unit.pk, "email": email, "role": role}
        )
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
    (message,) = [m for m in mail.outbox if email in m.to]
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.fixture
def unit_and_admin(db, region):
    unit = OrganizationFactory(name="西北测试大学")
    return unit, user_with_role(Role.UNIT_ADMIN, organization=unit)


def test_an_invitation_link_makes_an_account_with_the_role_once(client, unit_and_admin):
    unit, admin = unit_and_admin
    link = invite_link(client, admin, unit)
    assert link.startswith("http://testserver/accounts/invitations/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and invitation.token_hash == membership.hash_token(token)

    assert client.get(link).status_code == 200
    assert not User.objects.filter(username="newcomer").exists()  # reading the link writes nothing
    form = account(username="newcomer", email="someone-else@example.cn")
    response = client.post(link, form)
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.email == "newcomer@example.cn"  # the invited address, whatever the form said
    assert RoleAssignment.objects.filter(user=newcomer, organization=unit, role=Role.TECHNICIAN).exists()

    # Used: the same link makes nothing a second time.
    client.logout()
    assert client.get(link).status_code == 410
    client.post(link, account(username="second", email="newcomer@example.cn"))
    assert not User.objects.filter(username="second").exists()


def test_an_expired_invitation_is_refused(client, unit_and_admin, monkeypatch):
    unit, admin = unit_and_admin
    link = invite_link(client, admin, unit)
    later = timezone.now() + dt.timedelta(days=membership.INVITATION_VALID_DAYS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(link)
    assert response.status_code == 410 and "已过期" in response.content.decode()
    client.post(link, account(username="newcomer"))
    assert not User.objects.filter(username="newcomer").exists()
    assert not unit.role_assignments.exclude(user=admin).exists()


def test_a_revoked_or_forged_invitation_is_refused(client, unit_and_admin):
    unit, admin = unit_and_admin
    link = invite_link(client, admin, unit)
    membership.revoke_invitation(Invitation.objects.get(), actor=admin)
    client.post(link, account(username="newcomer"))
    assert client.get(reverse("accounts:invitation", args=["forged-token"])).status_code == 404
    assert not User.objects.filter(username="newcomer").exists()


def test_a_signed_in_user_accepts_only_an_invitation_sent_to_their_address(client, unit_and_admin):
    unit, admin = unit_and_admin
    link = invite_link(client, admin, unit, email="known@example.cn", role=Role.EXTERNAL_USER)
    someone_else = UserFactory(email="other@example.cn")
    client.force_login(someone_else)
    client.post(link)
    assert not someone_else.role_assignments.exists()
    invited = UserFactory(email="known@example.cn")
    client.force_login(invited)
    client.post(link)
    assert invited.role_assignments.filter(organization=unit, role=Role.EXTERNAL_USER).exists()


def test_only_the_units_admin_invites_and_a_user_organisation_only_as_users(client, db, region):
    unit = OrganizationFactory()
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=unit)
    client.force_login(officer)
    assert client.get(reverse("accounts:members")).status_code == 403
    assert (
        client.post(
            reverse("accounts:members"),
            {"organization": unit.pk, "email": "x@example.cn", "role": "technician"},
        ).status_code
        == 403
    )

    company = OrganizationFactory(is_management_unit=False, kind="enterprise")
    company_admin = user_with_role(Role.UNIT_ADMIN, organization=company)
    client.force_login(company_admin)
    response = client.post(
        reverse("accounts:members"),
        {"organization": company.pk, "email": "x@example.cn", "role": "unit_admin"},
    )
    assert "role" in response.context["form"].errors
    response = client.post(
        reverse("accounts:members"),
        {"organization": unit.pk, "email": "x@example.cn", "role": "external_user"},
    )
    assert "organization" in response.context["form"].errors
    assert not Invitation.objects.exists()
