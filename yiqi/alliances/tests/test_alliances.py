"""Alliances as their members meet them: joining and leaving, and booking each other's instruments at member
terms (the priority window, mutual recognition of qualifications, the member price category)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.alliances import services
from yiqi.alliances.models import Membership, MembershipStatus
from yiqi.booking.models import ServiceSettings
from yiqi.booking.services.lifecycle import request_booking
from yiqi.booking.tests.factories import QualificationFactory, bookable_instrument
from yiqi.core.models import AuditEvent
from yiqi.fees.models import UserCategory
from yiqi.fees.services.pricing import user_category
from yiqi.notifications.models import Notification
from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .factories import alliance_of


def _book(world, user, start):
    """As a request does: the instrument read with its settings as they are now."""
    return request_booking(
        user=user,
        instrument=Instrument.objects.select_related("service_settings").get(pk=world.instrument.pk),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        purpose="测试",
    )


def test_a_unit_joins_through_the_lead_and_leaves_on_its_own(world):
    alliance = services.form_alliance(
        access=access_for(world.lead_admin),
        actor=world.lead_admin,
        lead_unit_id=world.lead.pk,
        name="秦岭协作网",
    )
    membership = services.apply(
        alliance, access=access_for(world.member_admin), actor=world.member_admin, unit_id=world.member.pk
    )
    assert Notification.objects.filter(recipient=world.lead_admin, subject__contains="申请加入").exists()
    with pytest.raises(ValidationError):  # asking twice
        services.apply(
            alliance, access=access_for(world.member_admin), actor=world.member_admin, unit_id=world.member.pk
        )
    with pytest.raises(PermissionDenied):  # only the lead decides
        services.act(membership, "approve", access=access_for(world.member_admin), actor=world.member_admin)
    services.act(membership, "approve", access=access_for(world.lead_admin), actor=world.lead_admin)
    assert set(services.member_unit_ids(alliance)) == {world.lead.pk, world.member.pk}
    services.act(membership, "leave", access=access_for(world.member_admin), actor=world.member_admin)
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.LEFT
    assert [e.action for e in AuditEvent.objects.for_object(membership)] == ["create", "approve", "leave"]
    lead = Membership.objects.get(alliance=alliance, unit=world.lead)
    assert services.allowed_actions(access_for(world.lead_admin), lead) == []  # the lead cannot leave its own


def test_members_book_further_ahead_within_the_priority_window(world):
    alliance_of(world.lead, world.member, priority_days=14)
    with pytest.raises(ValidationError, match="30 天"):
        _book(world, world.outsider_user, world.far)
    [booking] = _book(world, world.member_user, world.far)
    assert booking.user_organization_id == world.member.pk and not booking.is_internal
    with pytest.raises(ValidationError, match="44 天"):
        _book(world, world.member_user, world.far + dt.timedelta(days=7))


def test_a_left_member_loses_the_terms(world):
    alliance = alliance_of(world.lead, world.member, priority_days=14)
    membership = Membership.objects.get(alliance=alliance, unit=world.member)
    services.act(
        membership, "remove", access=access_for(world.lead_admin), actor=world.lead_admin, comment="未履约"
    )
    with pytest.raises(ValidationError, match="30 天"):
        _book(world, world.member_user, world.far)


def test_alliances_that_recognise_qualifications_accept_one_from_a_member(world):
    ServiceSettings.objects.filter(pk=world.instrument.pk).update(requires_qualification=True)
    at_member = InstrumentFactory(unit=world.member, registration_status=RegistrationStatus.PUBLISHED)
    QualificationFactory(user=world.member_user, instrument=at_member)
    soon = world.far - dt.timedelta(days=20)
    alliance = alliance_of(world.lead, world.member)
    with pytest.raises(ValidationError, match="上机资格"):
        _book(world, world.member_user, soon)
    services.set_terms(alliance, access=access_for(world.lead_admin), mutual_qualification=True)
    assert _book(world, world.member_user, soon)


def test_members_pay_the_member_category(world):
    alliance_of(world.lead, world.member, member_category="internal")
    assert user_category(world.member, world.lead.pk) == UserCategory.INTERNAL
    assert user_category(world.outsider, world.lead.pk) == UserCategory.ACADEMIC
    assert user_category(world.company, world.lead.pk) == UserCategory.EXTERNAL


def test_a_members_booking_is_charged_at_the_best_member_category_of_its_alliances(world):
    alliance_of(world.lead, world.member, name="学术价联盟", member_category="academic")
    alliance_of(world.lead, world.member, name="本单位价联盟", member_category="internal")
    alliance_of(world.lead, world.member, name="各自标准联盟", member_category="")
    [booking] = _book(world, world.member_user, world.far - dt.timedelta(days=20))
    assert booking.record.charge.user_category == UserCategory.INTERNAL
    [other] = _book(world, world.outsider_user, world.far - dt.timedelta(days=21))
    assert other.record.charge.user_category == UserCategory.ACADEMIC


def test_terms_that_contradict_an_instrument_are_refused_and_nothing_changes(world):
    alliance = alliance_of(world.lead, world.member)
    ServiceSettings.objects.filter(pk=world.instrument.pk).update(horizon_days=300)
    with pytest.raises(ValidationError) as refused:
        services.set_terms(alliance, access=access_for(world.lead_admin), priority_days=90)
    assert world.instrument.name in str(refused.value.message_dict["priority_days"])
    alliance.refresh_from_db()
    assert alliance.priority_days == 0
    with pytest.raises(ValidationError):
        services.set_terms(alliance, access=access_for(world.lead_admin), member_category="free")
    with pytest.raises(PermissionDenied):
        services.set_terms(alliance, access=access_for(world.member_admin), priority_days=1)
    # A unit whose instrument would break the window cannot be admitted either.
    window = alliance_of(world.member, name="另一联盟", priority_days=90)
    outsider_instrument = bookable_instrument(
        InstrumentFactory(unit=world.outsider, registration_status=RegistrationStatus.PUBLISHED),
        horizon_days=300,
    )
    membership = services.apply(
        window, access=access_for(world.outsider_admin), actor=world.outsider_admin, unit_id=world.outsider.pk
    )
    with pytest.raises(ValidationError, match=outsider_instrument.name):
        services.act(membership, "approve", access=access_for(world.member_admin), actor=world.member_admin)
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.APPLIED
