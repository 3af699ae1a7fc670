import pytest
from django.urls import reverse

from yiqi.interlocks.tests.factories import DeviceFactory, InterlockFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_interlocks_read_only(admin_client, world):
    InterlockFactory(device=DeviceFactory(instrument=world.published_a))
    page = admin_client.get(reverse("admin:interlocks_interlock_changelist"))
    assert page.status_code == 200 and world.published_a.name in page.content.decode()
    assert admin_client.get(reverse("admin:interlocks_interlock_add")).status_code == 403
