"""Fees follows the service records: opened or re-quoted → quoted, completed → billed (and the layers above are
told), closed → void; a service's page shows its charge; the charge page shows its history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from yiqi.core.models import AuditEvent
from yiqi.fees import services, signals
from yiqi.fees.models import Charge
from yiqi.servicerecords import services as records
from yiqi.servicerecords.models import ServiceKind
from yiqi.servicerecords.presenters import panels_for

from .helpers import billed, local, priced, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument(world):
    priced(world.published_a)
    return world.published_a


@pytest.fixture
def billed_signals():
    heard = []

    def receiver(sender, charge, record, actor, **kwargs):
        heard.append((charge.pk, record.pk, actor, charge.status))

    signals.charge_billed.connect(receiver)
    yield heard
    signals.charge_billed.disconnect(receiver)


def open_order(world, instrument):
    return records.open_record(
        ServiceKind.COMMISSIONED_TESTING,
        priced=False,
        instrument=instrument,
        user=world.users["external_user"],
        user_organization=world.enterprise,
        reference="WT2026120100001",
        sample_count=3,
    )


def test_a_booked_record_is_quoted_when_opened(world, instrument):
    record = records.open_record(
        ServiceKind.SELF_OPERATION,
        instrument=instrument,
        user=world.users["external_user"],
        user_organization=world.enterprise,
        planned_hours=Decimal("2.00"),
    )
    charge = Charge.objects.get(record=record)
    assert (charge.status, charge.total, charge.payer, charge.unit_id) == (
        Charge.Status.QUOTED,
        Decimal("666.66"),
        world.users["external_user"],
        instrument.unit_id,
    )
    assert charge.get_service_display() == "自主上机"


def test_an_order_is_priced_at_the_staffs_estimate_then_billed_and_the_layers_above_are_told(
    world, instrument, billed_signals
):
    record = open_order(world, instrument)
    assert not Charge.objects.filter(record=record).exists()  # nothing to price before the estimate
    records.requote(record, planned_hours=Decimal("1.50"))
    charge = Charge.objects.get(record=record)
    # 1.5 × 333.33 = 500.00 (499.995 half-up); 3 × 12.35 = 37.05; labour 120.00
    assert (charge.status, charge.quoted_total) == (Charge.Status.QUOTED, Decimal("657.05"))

    tech = world.users["technician_a"]
    start = local(2026, 12, 1, 9)
    records.complete(record, actor=tech, started_at=start, ended_at=start + dt.timedelta(hours=1))
    charge.refresh_from_db()
    # 1 × 333.33 + 37.05 + 120.00
    assert (charge.status, charge.total, charge.quoted_total) == (
        Charge.Status.BILLED,
        Decimal("490.38"),
        Decimal("657.05"),
    )
    assert billed_signals == [(charge.pk, record.pk, tech, Charge.Status.BILLED)]
    assert services.history(charge)[-1]["actor"] == tech


def test_an_order_completed_without_an_estimate_is_billed_all_the_same(world, instrument):
    record = open_order(world, instrument)
    start = local(2026, 12, 1, 9)
    records.complete(record, actor=None, started_at=start, ended_at=start + dt.timedelta(hours=2))
    charge = Charge.objects.get(record=record)
    assert (charge.status, charge.total) == (Charge.Status.BILLED, Decimal("823.71"))
    assert [row["action"] for row in services.history(charge)] == ["billed"]


def test_a_closed_record_voids_its_charge(world, instrument):
    record = records.open_record(
        ServiceKind.SELF_OPERATION, instrument=instrument, user=world.users["external_user"]
    )
    records.close(record, actor=world.users["external_user"])
    charge = Charge.objects.get(record=record)
    assert (charge.status, charge.total) == (Charge.Status.VOID, Decimal("0.00"))
    last = services.history(charge)[-1]
    assert (last["action"], last["from_state"], last["to_state"], last["actor"]) == (
        "voided",
        Charge.Status.QUOTED,
        Charge.Status.VOID,
        world.users["external_user"],
    )


def test_a_service_page_shows_its_quote_then_its_bill(world, instrument):
    user = world.users["external_user"]
    record = service(instrument, user, minutes=120)
    (panel,) = [p for p in panels_for(record, user) if p.template == "fees/_service_charge.html"]
    assert panel.position == 20 and panel.context == {"charge": None}
    assert "尚未报价" in render_to_string(panel.template, {"panel": panel.context})

    services.quote(record)
    (panel,) = [p for p in panels_for(record, user) if p.template == "fees/_service_charge.html"]
    html = render_to_string(panel.template, {"panel": panel.context})
    assert "费用报价" in html and "机时费" in html and "666.66" in html

    charge = billed(instrument, user)
    (panel,) = [p for p in panels_for(charge.record, user) if p.template == "fees/_service_charge.html"]
    html = render_to_string(panel.template, {"panel": panel.context})
    assert "费用结算" in html and "666.66" in html
    assert panel.context["charge"]["subtotal"] == charge.total


def test_the_charge_page_shows_the_service_and_the_history_including_migrated_rows(
    world, client_for, instrument
):
    charge = billed(instrument, world.users["external_user"], organization=world.enterprise)
    # A row as the migration from the old charge events wrote it: no states, the total in ``data``.
    AuditEvent.record(
        charge, "adjustment_requested", actor=None, comment="-1.00 · 旧记录", data={"total": "666.66"}
    )
    page = client_for(world.users["technician_a"]).get(reverse("fees:charge_detail", args=[charge.pk]))
    body = page.content.decode()
    assert "出账单" in body and "申请调整" in body and "旧记录" in body and "¥666.66" in body
    assert "自主上机" in body and charge.record.reference in body


def test_the_api_shows_the_service_record(world, client_for, instrument):
    charge = billed(instrument, world.users["external_user"])
    data = client_for(world.users["external_user"]).get(f"/api/v1/charges/{charge.pk}/").json()
    assert (data["record"], data["service"], data["reference"]) == (
        charge.record_id,
        "self_operation",
        charge.record.reference,
    )
    assert "booking" not in data and "order" not in data
