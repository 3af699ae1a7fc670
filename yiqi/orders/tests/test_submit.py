"""Ordering a test: which instruments take orders, and every field checked with a clear message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from yiqi.accounts.models import Role, RoleAssignment
from yiqi.orders.models import TestOrder
from yiqi.registry.models import Instrument
from yiqi.registry.tests.factories import InstrumentFactory

from .conftest import submit


def refused(world, instrument=None, **fields) -> dict:
    with pytest.raises(ValidationError) as error:
        submit(world, instrument or world.published_a, **fields)
    assert not TestOrder.objects.exists()
    return error.value.message_dict


@pytest.mark.parametrize("count", [0, -1, -100, "abc", "1.5", None, True, 10001])
def test_sample_counts_below_one_or_not_whole_are_refused(world, served, count):
    assert "sample_count" in refused(world, sample_count=count)


def test_sample_count_accepts_a_numeric_string(world, served):
    assert submit(world, served, sample_count="12").sample_count == 12


def test_empty_sample_fields_are_reported_together(world, served):
    errors = refused(world, sample_name=" ", sample_description="", requirements="", sample_count=0)
    assert {"sample_name", "sample_description", "requirements", "sample_count"} <= set(errors)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"registration_status": "draft"}, "不对外服务"),
        ({"operating_status": Instrument.OperatingStatus.UNDER_REPAIR}, "不对外服务"),
        ({"sharing_mode": Instrument.SharingMode.NOT_SHARED, "not_shared_reason": "涉密"}, "不对外服务"),
        ({"offers_commissioned_testing": False}, "不提供委托测试"),
        ({"sharing_mode": Instrument.SharingMode.INTERNAL}, "仅供本单位"),
    ],
)
def test_instruments_not_open_for_orders_are_refused(world, change, reason):
    instrument = InstrumentFactory(unit=world.unit_a, **{"registration_status": "published", **change})
    [message] = refused(world, instrument)["instrument"]
    assert reason in message


def test_an_internal_only_instrument_takes_orders_from_its_own_staff(world):
    instrument = InstrumentFactory(
        unit=world.unit_a, registration_status="published", sharing_mode=Instrument.SharingMode.INTERNAL
    )
    order = submit(world, instrument, user=world.users["technician_a"])
    assert order.is_internal and order.user_organization == world.unit_a


def test_the_user_organization_must_be_the_users_own(world, served):
    assert "user_organization" in refused(world, user_organization=world.unit_b)
    second = world.unit_b
    RoleAssignment.objects.create(
        user=world.users["external_user"], role=Role.EXTERNAL_USER, organization=second
    )
    assert submit(world, served, user_organization=second).user_organization == second


def test_anonymous_cannot_order(world, served):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(world, served, user=AnonymousUser())


def test_answers_are_checked_against_the_instruments_questions(world, questions):
    errors = refused(world, answers={"magnification": "很多"})
    assert errors["coating"] == ["此项为必填项。"] and errors["magnification"] == ["请填写数字。"]
    errors = refused(world, answers={"coating": "喷银", "magnification": "1e999"})
    assert errors["coating"] == ["请从给定选项中选择。"] and "magnification" in errors
    assert "answers" in refused(world, answers={"coating": "喷金", "colour": "红"})
    assert "answers" in refused(world, answers=["喷金"])
    order = submit(world, questions[0].instrument, answers={"coating": " 喷金 ", "magnification": 20000.0})
    assert order.answers == {"coating": "喷金", "magnification": "20000"}


def test_yes_no_questions_take_yes_or_no(world, questions):
    from yiqi.orders.models import OrderFormField

    OrderFormField.objects.create(
        instrument=questions[0].instrument, key="toxic", label="是否有毒", field_type="boolean", required=True
    )
    assert refused(world, answers={"coating": "喷金", "toxic": "也许"})["toxic"] == ["请选择“是”或“否”。"]
    assert refused(world, answers={"coating": "喷金"})["toxic"] == ["此项为必填项。"]
    assert (
        submit(world, questions[0].instrument, answers={"coating": "喷金", "toxic": "false"}).answers["toxic"]
        is False
    )


def test_the_order_form_asks_the_instruments_questions(world, questions, client_for):
    client = client_for(world.users["external_user"])
    url = reverse("orders:create", args=[questions[0].instrument_id])
    page = client.get(url).content.decode()
    assert "是否喷金" in page and "喷碳" in page and 'name="magnification"' in page
    response = client.post(
        url,
        {
            "sample_name": "粉末",
            "sample_count": "-2",
            "sample_description": "x",
            "requirements": "y",
            "magnification": "x",
        },
    )
    assert response.status_code == 200 and not TestOrder.objects.exists()
    form = response.context["form"]
    assert form.errors["sample_count"] == ["样品数量至少为 1。"]
    assert form.errors["coating"] == ["此项为必填项。"] and form.errors["magnification"] == ["请填写数字。"]
    response = client.post(
        url,
        {
            "sample_name": "粉末",
            "sample_count": "2",
            "sample_description": "x",
            "requirements": "y",
            "coating": "喷碳",
        },
    )
    order = TestOrder.objects.get()
    assert response.status_code == 302 and order.answers == {"coating": "喷碳"}
    assert "喷碳" in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_the_order_page_turns_away_those_who_may_not_order(world, client_for):
    instrument = InstrumentFactory(
        unit=world.unit_a, registration_status="published", offers_commissioned_testing=False
    )
    client = client_for(world.users["external_user"])
    response = client.get(reverse("orders:create", args=[instrument.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "registry:instrument_detail", args=[instrument.pk]
    )
    assert client.get(reverse("orders:create", args=[world.draft_b.pk])).status_code == 404


def test_errors_are_in_english_for_english_readers(world, served):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit(world, served, sample_count=0)
    assert error.value.message_dict["sample_count"] == ["At least one sample is required."]
    client = APIClient()
    client.force_authenticate(world.users["external_user"])
    # The middleware leaves the request's language active: put ours back afterwards.
    with translation.override(translation.get_language()):
        response = client.post(
            "/api/v1/orders/",
            {
                "instrument": served.pk,
                "sample_name": "x",
                "sample_count": -3,
                "sample_description": "x",
                "requirements": "y",
            },
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert response.json()["sample_count"] == ["At least one sample is required."]


def test_an_individual_who_registered_without_an_organisation_orders_through_the_page(world, served, client):
    """The registration page offers individual accounts; such a person orders as an individual (external)."""
    password = "Lab-Booking-2026!"
    registered = client.post(
        reverse("accounts:register"),
        {
            "account_type": "individual",
            "username": "solo",
            "full_name": "独立研究者",
            "email": "solo@example.cn",
            "password1": password,
            "password2": password,
        },
    )
    assert registered.status_code == 302
    form = client.get(reverse("orders:create", args=[served.pk]))
    assert form.status_code == 200 and "user_organization" not in form.context["form"].fields
    response = client.post(
        reverse("orders:create", args=[served.pk]),
        {
            "sample_name": "土壤样品",
            "sample_count": "2",
            "sample_description": "风干土，无毒",
            "requirements": "元素分析",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    order = TestOrder.objects.get(record__user__username="solo")
    assert order.user_organization is None and not order.is_internal
