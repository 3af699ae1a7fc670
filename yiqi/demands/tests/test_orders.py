"""A posted need is met by an order on the platform: the poster orders from a matched unit's quote, the unit
carries the order out, and the need is met when the order is completed — or open again if it falls through."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.core.models import AuditEvent
from yiqi.demands import services
from yiqi.demands.models import Need, NeedStatus, Response
from yiqi.orders import services as orders
from yiqi.orders.models import OrderStatus, TestOrder

from .factories import post

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def quoted(province):
    """A need posted by the company, answered with a quote by the lab that has the field-emission SEM."""
    need = post(province.buyer)
    match = need.matches.get(instrument=province.sem)
    services.respond(
        access_for(province.lab_admin), match, response="quoted", quote="2400", actor=province.lab_admin
    )
    match.refresh_from_db()
    return need, match


def order_from(province, need, match, **values):
    return services.place_order(
        access_for(province.buyer), need, match=match, values=values, actor=province.buyer
    )


def deliver(order, staff, user):
    """The unit quotes, the user confirms, the unit tests and publishes results."""
    now = timezone.now()
    order = orders.quote(order, actor=staff, hours=Decimal("2"))
    order = orders.confirm(order, actor=user)
    order = orders.receive_samples(order, actor=staff)
    order = orders.start_testing(order, actor=staff)
    orders.add_results(order, [SimpleUploadedFile("报告.pdf", PDF)], actor=staff)
    return orders.publish_results(
        order,
        actor=staff,
        machine_hours=Decimal("1.5"),
        tested_from=now - dt.timedelta(hours=3),
        tested_until=now - dt.timedelta(hours=1),
    )


def test_the_poster_orders_from_a_quote_and_the_need_is_met_when_the_order_is_completed(province):
    need, match = quoted(province)
    assert list(services.orderable_matches(access_for(province.buyer), need)) == list(
        need.matches.exclude(response=Response.DECLINED)
    )
    order = order_from(province, need, match)
    # Prefilled from the need: its samples, and its deadline, budget and the quote in the requirements.
    assert (order.instrument, order.sample_name, order.sample_count) == (province.sem, "粉末", 12)
    assert need.deadline.isoformat() in order.requirements and "3000.00" in order.requirements
    assert "2400.00" in order.requirements and need.number in order.requirements
    need.refresh_from_db()
    assert (need.status, need.order_record) == (NeedStatus.ORDERED, order.record)
    # Every reader of the need sees that it is being served; the order itself only its parties.
    assert services.need_order(access_for(province.buyer), need)["number"] == order.number
    assert services.need_order(access_for(province.lab_admin), need)["status"] == OrderStatus.SUBMITTED
    assert services.need_order(access_for(province.xray_admin), need) is None
    # The unit sees which of its orders came from a need.
    assert list(services.unit_orders_from_needs(access_for(province.lab_admin))) == [need]
    assert services.need_panel(order.record, province.lab_admin).context["need"] == need

    order = deliver(order, province.lab_admin, province.buyer)
    assert Need.objects.get(pk=need.pk).status == NeedStatus.ORDERED  # results out, not yet accepted
    orders.accept(order, actor=province.buyer)
    need.refresh_from_db()
    assert (need.status, need.met_by, need.closed_at is not None) == (NeedStatus.MET, order.record, True)
    trail = list(AuditEvent.objects.for_object(need).values_list("action", "from_state", "to_state"))
    assert trail == [
        ("create", "", "open"),
        ("order", "open", "ordered"),
        ("delivered", "ordered", "met"),
    ]
    assert AuditEvent.objects.for_object(need).get(action="order").data == {
        "match": match.pk,
        "order": order.number,
    }
    assert province.buyer.notifications.filter(subject__contains="已由平台订单满足").exists()


def test_ordering_is_refused_for_someone_elses_need_a_closed_need_and_twice(province):
    need, match = quoted(province)
    with pytest.raises(PermissionDenied):
        services.place_order(
            access_for(province.lab_admin), need, match=match, values={}, actor=province.lab_admin
        )
    order_from(province, need, match)
    other = need.matches.exclude(pk=match.pk).first()
    with pytest.raises(ValidationError) as twice:
        order_from(province, need, other or match)
    assert "重复下单" in str(twice.value)
    assert TestOrder.objects.count() == 1

    closed = post(province.buyer, title="另一项需求：电镜形貌")
    services.close(access_for(province.buyer), closed, reason="已自行解决", actor=province.buyer)
    with pytest.raises(ValidationError):
        order_from(province, closed, closed.matches.first())
    assert TestOrder.objects.count() == 1


def test_a_refused_order_saves_nothing_and_bad_order_values_are_field_errors(province):
    need, match = quoted(province)
    with pytest.raises(ValidationError) as refused:
        order_from(province, need, match, sample_count=0)
    assert "sample_count" in refused.value.message_dict
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and not TestOrder.objects.exists()
    assert not AuditEvent.objects.for_object(need).filter(action="order").exists()
    services.respond(access_for(province.lab_admin), match, response="declined", actor=province.lab_admin)
    match.refresh_from_db()
    with pytest.raises(ValidationError):
        order_from(province, need, match)


def test_a_cancelled_order_opens_the_need_again(province):
    need, match = quoted(province)
    order = order_from(province, need, match)
    orders.cancel(order, actor=province.buyer, reason="改期")
    need.refresh_from_db()
    assert (need.status, need.order_record) == (NeedStatus.OPEN, None)
    assert AuditEvent.objects.for_object(need).filter(action="order_ended").exists()
    again = order_from(province, need, match)
    assert Need.objects.get(pk=need.pk).order_record == again.record


def test_pages_walk_from_the_need_to_the_order(client, province):
    need, match = quoted(province)
    client.force_login(province.buyer)
    detail = client.get(reverse("demands:detail", args=[need.pk]))
    url = reverse("demands:order", args=[need.pk, match.pk])
    assert url in detail.content.decode()
    form = client.get(url)
    assert form.status_code == 200 and "粉末" in form.content.decode()
    posted = client.post(
        url,
        {
            "sample_name": "正极粉末",
            "sample_count": "12",
            "sample_description": "NCM811 粉末",
            "requirements": "表面形貌与能谱",
        },
    )
    order = TestOrder.objects.get()
    assert posted.status_code == 302 and posted.url == reverse("orders:detail", args=[order.pk])
    assert order.sample_name == "正极粉末"
    assert order.number in client.get(reverse("demands:detail", args=[need.pk])).content.decode()
    # The unit's staff see on the order's page that it came from the need, and list such orders.
    client.force_login(province.lab_admin)
    assert need.number in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert need.title in client.get(reverse("demands:list") + "?ordered=1").content.decode()
    assert client.get(url).status_code == 403


def test_the_api_places_the_order_and_shows_it_on_the_need(client, province):
    need, match = quoted(province)
    client.force_login(province.buyer)
    url = reverse("api-need-act", args=[need.pk])
    bad = client.post(url, {"action": "order", "match": match.pk, "sample_count": 0}, "application/json")
    assert bad.status_code == 400 and "sample_count" in bad.json()
    made = client.post(url, {"action": "order", "match": match.pk}, "application/json")
    assert made.status_code == 200
    body = made.json()
    assert body["status"] == "ordered" and body["order"]["number"] == TestOrder.objects.get().number
    again = client.post(url, {"action": "order", "match": match.pk}, "application/json")
    assert again.status_code == 400


def test_the_needs_list_api_costs_the_same_queries_however_many_needs_and_orders(client, province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province.buyer)
    need, match = quoted(province)
    order_from(province, need, match)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse("api-need-list")).json()["results"]) == 1
    for n in range(3):
        more = post(province.buyer, title=f"电镜形貌观察 {n}")
        order_from(province, more, more.matches.get(instrument=province.sem))
    with CaptureQueriesContext(connection) as four:
        body = client.get(reverse("api-need-list")).json()["results"]
    assert len(body) == 4 and all(row["order"]["status"] == OrderStatus.SUBMITTED for row in body)
    assert len(four) == len(one)
