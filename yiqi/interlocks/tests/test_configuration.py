"""Unit staff who manage an instrument's devices fit a device with an interlock and set how it switches (driver,
relay address, grace, auto-off): checked field by field, scoped to their instruments, every change audited; the
grace and auto-off they set are what the switch then does."""

import datetime as dt

import pytest
from django.urls import reverse

from yiqi.booking.tests.factories import BookingFactory, QualificationFactory
from yiqi.core.models import AuditEvent
from yiqi.interlocks import services
from yiqi.interlocks.models import Interlock, InterlockState
from yiqi.interlocks.tests.factories import DeviceFactory, InterlockFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

MQTT = {"driver": "mqtt", "modbus_port": 502, "modbus_device_id": 1, "modbus_coil": 0, "auto_off": "on"}


def test_manager_fits_a_device_with_an_interlock(client_for, world, instrument):
    device = DeviceFactory(instrument=instrument)
    DeviceFactory(instrument=world.draft_b)  # another unit's: not offered
    client = client_for(world.users["manager_a"])
    page = client.get(reverse("interlocks:fit"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["device"].queryset) == [device]

    answer = client.post(reverse("interlocks:fit"), {"device": device.pk, **MQTT, "grace_minutes": "20"})
    interlock = Interlock.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("interlocks:detail", args=[interlock.pk])
    assert (interlock.instrument, interlock.unit, interlock.device) == (instrument, instrument.unit, device)
    assert (interlock.grace_minutes, interlock.auto_off, interlock.state) == (
        20,
        True,
        InterlockState.UNKNOWN,
    )
    event = AuditEvent.objects.for_object(interlock).get()
    assert event.action == "create" and event.actor == world.users["manager_a"]
    assert event.data["device"] == device.uid and event.data["settings"]["grace_minutes"] == "20"
    # The device now has its interlock: it is not offered again.
    assert not client.get(reverse("interlocks:fit")).context["form"].fields["device"].queryset.exists()


def test_modbus_relay_needs_an_address_and_sane_numbers(client_for, world, instrument):
    device = DeviceFactory(instrument=instrument)
    answer = client_for(world.users["unit_admin_a"]).post(
        reverse("interlocks:fit"),
        {**MQTT, "device": device.pk, "driver": "modbus", "modbus_port": 70000, "grace_minutes": "-5"},
    )
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert set(errors) == {"modbus_port", "grace_minutes"}
    assert not Interlock.objects.exists()

    answer = client_for(world.users["unit_admin_a"]).post(
        reverse("interlocks:fit"), {**MQTT, "device": device.pk, "driver": "modbus"}
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["modbus_host"] == ["Modbus 继电器须填写地址（主机名或 IP）。"]
    assert not Interlock.objects.exists() and not AuditEvent.objects.exists()


def test_only_the_instruments_device_managers_configure(client_for, world, instrument):
    interlock = InterlockFactory(device=DeviceFactory(instrument=instrument))
    settings_url = reverse("interlocks:settings", args=[interlock.pk])
    assert client_for(world.users["technician_a"]).get(settings_url).status_code == 403
    assert client_for(world.users["unit_admin_b"]).get(settings_url).status_code == 404
    assert client_for(world.users["external_user"]).get(reverse("interlocks:fit")).status_code == 403
    assert client_for(world.users["officer_a"]).get(settings_url).status_code == 200


def test_changes_are_audited_and_the_switch_cannot_move_while_on(
    client_for, world, interlock, instrument, device, clock
):
    customer = world.users["external_user"]
    QualificationFactory(instrument=instrument, user=customer)
    BookingFactory(instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2))
    services.enable(interlock, actor=customer)
    client = client_for(world.users["manager_a"])
    url = reverse("interlocks:settings", args=[interlock.pk])

    answer = client.post(url, {**MQTT, "driver": "modbus", "modbus_host": "10.0.0.8"})
    assert answer.status_code == 400
    assert "仪器正在使用中" in answer.context["form"].errors["driver"][0]
    interlock.refresh_from_db()
    assert interlock.driver == "mqtt"

    assert client.post(url, {**MQTT, "grace_minutes": "30"}).status_code == 302
    assert client.post(url, {**MQTT, "grace_minutes": "30"}).status_code == 302  # nothing changed
    events = AuditEvent.objects.for_object(interlock).filter(action="configure")
    assert [e.data["changes"] for e in events] == [{"grace_minutes": ["", "30"]}]


def test_the_interlocks_grace_and_auto_off_are_what_it_does(interlock, instrument, device, clock, world):
    customer = world.users["external_user"]
    QualificationFactory(instrument=instrument, user=customer)
    booking = BookingFactory(
        instrument=instrument, user=customer, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2)
    )
    interlock.grace_minutes, interlock.auto_off = 40, False
    interlock.save()
    clock(NOW - dt.timedelta(minutes=35))  # beyond the platform's 15 minutes, within this interlock's 40
    interlock = services.enable(interlock, actor=customer)
    assert interlock.enabled_until == booking.ends_at + dt.timedelta(minutes=40)
    clock(booking.ends_at + dt.timedelta(hours=3))
    assert services.auto_off() == 0  # the unit switched auto-off off: the session lasts until it is ended
    interlock.refresh_from_db()
    assert interlock.state == InterlockState.UNLOCKED


def test_device_managers_fit_and_change_interlocks_through_the_api(client_for, world, instrument):
    device = DeviceFactory(instrument=instrument)
    body = {"device": device.pk, "driver": "modbus", "modbus_host": "10.0.0.8", "modbus_coil": 3}
    assert (
        client_for(world.users["technician_a"])
        .post(reverse("api-interlock-list"), body, content_type="application/json")
        .status_code
        == 403
    )
    api = client_for(world.users["manager_a"])
    answer = api.post(reverse("api-interlock-list"), body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert (made["device_uid"], made["modbus_host"], made["modbus_coil"], made["auto_off"]) == (
        device.uid,
        "10.0.0.8",
        3,
        True,
    )
    url = reverse("api-interlock-detail", args=[made["id"]])
    answer = api.patch(url, {"modbus_host": "", "grace_minutes": 500}, content_type="application/json")
    assert answer.status_code == 400 and set(answer.json()) == {"grace_minutes"}
    answer = api.patch(url, {"modbus_host": ""}, content_type="application/json")
    assert answer.status_code == 400 and "modbus_host" in answer.json()
    answer = api.patch(url, {"auto_off": False}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["auto_off"] is False
    interlock = Interlock.objects.get()
    assert [e.action for e in AuditEvent.objects.for_object(interlock).order_by("id")] == [
        "create",
        "configure",
    ]
    assert api.get(url).json()["auto_off"] is False
