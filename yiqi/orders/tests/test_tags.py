"""The order panel on the instrument page and the orders card on the workspace."""

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from yiqi.registry.tests.factories import InstrumentFactory

from .conftest import advance, submit


def render(source: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    with translation.override("zh-hans"):
        return Template("{% load orders_tags %}" + source).render(Context({"request": request, **context}))


def test_the_panel_offers_ordering_to_users_and_set_up_to_managers(world, served):
    order_url = reverse("orders:create", args=[served.pk])
    set_up_url = reverse("orders:form_fields", args=[served.pk])
    user_panel = render("{% order_panel instrument %}", world.users["external_user"], instrument=served)
    assert order_url in user_panel and set_up_url not in user_panel
    manager_panel = render("{% order_panel instrument %}", world.users["manager_a"], instrument=served)
    assert set_up_url in manager_panel
    anonymous_panel = render("{% order_panel instrument %}", None, instrument=served)
    assert reverse("accounts:login") in anonymous_panel and "登录后委托测试" in anonymous_panel


def test_the_panel_says_why_an_instrument_takes_no_orders(world):
    internal = InstrumentFactory(unit=world.unit_a, registration_status="published", sharing_mode="internal")
    panel = render("{% order_panel instrument %}", world.users["external_user"], instrument=internal)
    assert "仅供本单位内部使用" in panel and reverse("orders:create", args=[internal.pk]) not in panel
    none = InstrumentFactory(
        unit=world.unit_a, registration_status="published", offers_commissioned_testing=False
    )
    assert render("{% order_panel instrument %}", world.users["external_user"], instrument=none).strip() == ""


def test_the_panel_lists_the_users_open_orders_on_the_instrument(world, served, order):
    panel = render("{% order_panel instrument %}", world.users["external_user"], instrument=served)
    assert order.number in panel


def test_the_workspace_card_counts_what_waits_for_the_staff(world, served, order):
    advance(world, submit(world, served), "confirmed")
    card = render("{% order_workspace %}", world.users["manager_a"])
    assert reverse("orders:queue") in card
    assert "待报价 <strong>1</strong>" in card and "待收样 <strong>1</strong>" in card
    user_card = render("{% order_workspace %}", world.users["external_user"])
    assert order.number in user_card and reverse("orders:queue") not in user_card
    assert render("{% order_workspace %}", None).strip() == ""
