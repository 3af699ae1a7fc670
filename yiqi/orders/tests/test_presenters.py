"""What the order panels and pages are given: plain data, decided in ``services.presenters``."""

import re

import pytest
from django.urls import reverse

from yiqi.accounts.access import access_for
from yiqi.orders import services
from yiqi.orders.models import OrderStatus

from .conftest import advance, submit

pytestmark = pytest.mark.django_db


def test_the_panel_tells_the_unit_admin_they_manage_and_an_outsider_only_their_own_orders(
    world, served, order
):
    admin = services.order_panel(access_for(world.users["unit_admin_a"]), served)
    assert admin["manages"] and admin["offered"] and admin["my_open_orders"] == []
    outsider = services.order_panel(access_for(world.users["external_user"]), served)
    assert not outsider["manages"] and outsider["refusal"] is None
    assert outsider["my_open_orders"] == [order]
    anonymous = services.order_panel(access_for(None), served)
    assert not anonymous["logged_in"] and anonymous["my_open_orders"] == [] and not anonymous["manages"]


def test_the_workspace_counts_what_waits_for_the_unit_admin_not_for_the_outsider(world, served, order):
    confirmed = advance(world, submit(world, served), "confirmed")
    admin = services.order_workspace(access_for(world.users["unit_admin_a"]))
    assert admin["is_staff"] and (admin["waiting_quote"], admin["waiting_samples"], admin["testing"]) == (
        1,
        1,
        0,
    )
    assert admin["open_orders"] == []
    outsider = services.order_workspace(access_for(world.users["external_user"]))
    assert not outsider["is_staff"] and (outsider["waiting_quote"], outsider["waiting_samples"]) == (0, 0)
    assert {o.pk for o in outsider["open_orders"]} == {order.pk, confirmed.pk}
    assert services.order_workspace(access_for(None)) == {"show": False}


def test_status_tabs_count_every_status_and_narrow_only_to_a_real_one(world, served, order):
    advance(world, submit(world, served), "quoted")
    orders = services.visible_orders(access_for(world.users["external_user"]))
    narrowed, tabs = services.status_tabs(orders, OrderStatus.QUOTED)
    assert list(narrowed.values_list("status", flat=True)) == [OrderStatus.QUOTED]
    assert tabs["total"] == 2 and tabs["status"] == OrderStatus.QUOTED
    assert {value: n for value, _label, n in tabs["tabs"] if n} == {"submitted": 1, "quoted": 1}
    everything, _tabs = services.status_tabs(orders, "nonsense")
    assert everything.count() == 2


def test_the_order_page_shows_the_samples_to_the_unit_admin_not_to_another_technician(world, served, order):
    admin = services.order_page(access_for(world.users["unit_admin_a"]), order)
    assert admin["confidential"] and not admin["own_order"] and admin["may_assign"]
    assert admin["action_names"] == {"quote", "reject"} and not admin["results_published"]
    assert admin["results"] == [] and "answers" in admin
    owner = services.order_page(access_for(world.users["external_user"]), order)
    assert owner["own_order"] and owner["confidential"] and owner["action_names"] == {"cancel"}
    assert not owner["may_assign"] and not owner["may_upload"]
    queue = services.queue_rows(access_for(world.users["technician_a"]), [order])
    assert queue == [(order, False)]
    assert services.queue_rows(access_for(world.users["unit_admin_a"]), [order]) == [(order, True)]
    assert services.has_queue(access_for(world.users["technician_a"]))
    assert not services.has_queue(access_for(world.users["external_user"]))


def test_each_workspace_count_opens_the_orders_it_counts(world, served, order, client_for):
    """A technician counts the orders they handle; the queue behind each count lists those, not the unit's
    others (which the queue shows them as bare rows)."""
    advance(world, submit(world, served), "confirmed")
    for who, expected in (("technician_a", (0, 0)), ("manager_a", (1, 1)), ("unit_admin_a", (1, 1))):
        client = client_for(world.users[who])
        page = client.get(reverse("portal:workspace")).content.decode()
        links = re.findall(r'href="(/orders/queue/[^"]*)">[^<]*<strong>(\d+)</strong>', page)
        counts = {url.rsplit("=", 1)[1]: int(n) for url, n in links}
        assert (counts["submitted"], counts["confirmed"]) == expected, who
        for url, count in links:
            listed = client.get(url.replace("&amp;", "&")).context["paginator"].count
            assert listed == int(count), (who, url)
