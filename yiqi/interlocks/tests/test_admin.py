import pytest
from django.urls import reverse

from yiqi.interlocks.models import Interlock
from yiqi.interlocks.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_admin_registers_a_device_as_interlock_with_its_instrument(admin_client, world):
    device = DeviceFactory(instrument=world.published_a)
    answer = admin_client.post(
        reverse("admin:interlocks_interlock_add"),
        {"device": device.pk, "driver": "mqtt", "modbus_port": 502, "modbus_device_id": 1, "modbus_coil": 0},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    interlock = Interlock.objects.get()
    assert (interlock.instrument, interlock.unit) == (world.published_a, world.unit_a)
    assert admin_client.get(reverse("admin:interlocks_interlock_changelist")).status_code == 200
