"""A posted need reaches the units whose instruments can do the work, they answer, and it is met by a service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.demands import services
from yiqi.demands.models import Need, NeedStatus, Response
from yiqi.servicerecords.tests.factories import ServiceRecordFactory

from .factories import post

pytestmark = pytest.mark.django_db


def test_a_need_is_matched_to_instruments_that_can_do_it_and_their_units_are_told(province):
    need = post(province.buyer)
    matched = list(need.matches.values_list("instrument_id", flat=True))
    assert set(matched[:2]) == {province.sem.pk, province.sem2.pk}
    assert province.xrd.pk not in matched
    assert province.lab_admin.notifications.filter(subject__contains=need.title).exists()
    assert not province.xray_admin.notifications.exists()
    assert need in services.visible_needs(access_for(province.lab_admin))


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"quantity": 10**6}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"deadline": dt.date(2020, 1, 1)}, "deadline"),
        ({"deadline": dt.date(2099, 1, 1)}, "deadline"),
        ({"budget": Decimal("-5")}, "budget"),
    ],
)
def test_absurd_needs_are_refused_and_nothing_is_saved(province, overrides, field):
    with pytest.raises(ValidationError) as refused:
        post(province.buyer, **overrides)
    assert field in refused.value.message_dict
    assert not Need.objects.exists()


def test_units_quote_and_the_need_is_met_by_a_service(province):
    need = post(province.buyer)
    match = need.matches.get(instrument=province.sem)
    with pytest.raises(PermissionDenied):
        services.respond(
            access_for(province.xray_admin), match, response="quoted", quote=100, actor=province.xray_admin
        )
    with pytest.raises(ValidationError):
        services.respond(
            access_for(province.lab_admin), match, response="quoted", quote="x", actor=province.lab_admin
        )
    services.respond(
        access_for(province.lab_admin),
        match,
        response="quoted",
        quote="2400",
        message="一周内完成",
        actor=province.lab_admin,
    )
    match.refresh_from_db()
    assert (match.response, match.quote) == (Response.QUOTED, Decimal("2400.00"))
    assert province.buyer.notifications.filter(subject__contains="回复").exists()

    elsewhere = ServiceRecordFactory(user=province.buyer, instrument=province.xrd)
    with pytest.raises(ValidationError):
        services.meet(access_for(province.buyer), need, record=elsewhere, actor=province.buyer)
    order = ServiceRecordFactory(user=province.buyer, instrument=province.sem)
    assert list(services.meeting_services(access_for(province.buyer), need)) == [order]
    with pytest.raises(PermissionDenied):
        services.meet(access_for(province.lab_admin), need, record=order, actor=province.lab_admin)
    need = services.meet(access_for(province.buyer), need, record=order, actor=province.buyer)
    assert (need.status, need.met_by) == (NeedStatus.MET, order)
    assert list(AuditEvent.objects.for_object(need).values_list("action", flat=True)) == ["create", "meet"]
    with pytest.raises(ValidationError):  # no answers after the end
        services.respond(access_for(province.lab_admin), match, response="declined", actor=province.lab_admin)


def test_closing_needs_a_reason(province):
    need = post(province.buyer)
    with pytest.raises(ValidationError):
        services.close(access_for(province.buyer), need, reason="", actor=province.buyer)
    need = services.close(access_for(province.buyer), need, reason="已自行解决", actor=province.buyer)
    assert need.status == NeedStatus.CLOSED and need.closed_at <= timezone.now()


def test_unmet_needs_by_class_and_city(province):
    post(province.buyer)
    post(province.buyer, category_id="010102")
    rows = services.unmet_by_class_and_region(access_for(province.authority))
    assert sum(r["needs"] for r in rows) == 2
    assert {r["city_code"] for r in rows} == {"610100"}
    with pytest.raises(PermissionDenied):
        services.unmet_by_class_and_region(access_for(province.buyer))
