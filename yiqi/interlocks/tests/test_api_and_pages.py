"""The interlock API and pages: role-scoped, refusals as field-level 400s, lists whose query count does not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yiqi.booking.tests.factories import BookingFactory, QualificationFactory
from yiqi.interlocks.models import InterlockCommand, InterlockSession, InterlockState
from yiqi.interlocks.tests.factories import DeviceFactory, InterlockFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(world, instrument):
    user = world.users["external_user"]
    QualificationFactory(instrument=instrument, user=user)
    BookingFactory(instrument=instrument, user=user, starts_at=NOW, ends_at=NOW + dt.timedelta(hours=2))
    return user


def test_booked_user_enables_and_releases_through_the_api(client_for, interlock, customer, device):
    api = client_for(customer)
    answer = api.post(
        reverse("api-interlock-enable", args=[interlock.pk]), {}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["state"], answer.json()["user"]) == ("unlocked", customer.pk)
    answer = api.post(reverse("api-interlock-release", args=[interlock.pk]))
    assert answer.status_code == 200 and answer.json()["state"] == "locked"
    sessions = api.get(reverse("api-interlock-session-list")).json()["results"]
    assert [s["end_cause"] for s in sessions] == ["released"]


def test_refusal_is_a_field_level_message(client_for, interlock, world, device):
    api = client_for(world.users["technician_a"])
    answer = api.post(
        reverse("api-interlock-enable", args=[interlock.pk]), {}, content_type="application/json"
    )
    assert answer.status_code == 400 and "user" in answer.json()
    answer = api.post(
        reverse("api-interlock-override", args=[interlock.pk]),
        {"enable": True, "reason": "", "hours": 99},
        content_type="application/json",
    )
    assert answer.status_code == 400 and {"reason", "hours"} <= set(answer.json())
    assert device.calls == []


def test_override_through_the_api_needs_serving_staff(client_for, interlock, world, device):
    body = {"enable": True, "reason": "年度校准", "hours": 2}
    url = reverse("api-interlock-override", args=[interlock.pk])
    assert (
        client_for(world.users["officer_a"]).post(url, body, content_type="application/json").status_code
        == 403
    )
    answer = client_for(world.users["manager_a"]).post(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["state"] == "unlocked"
    assert InterlockSession.objects.get().is_override


def test_pages_show_the_state_and_let_the_booked_user_switch_on(client_for, interlock, customer, device):
    page = client_for(customer).get(reverse("interlocks:list"))
    assert page.status_code == 200 and interlock.instrument.name in page.content.decode()
    assert reverse("interlocks:enable", args=[interlock.pk]) in page.content.decode()
    answer = client_for(customer).post(reverse("interlocks:enable", args=[interlock.pk]))
    assert answer.status_code == 302
    interlock.refresh_from_db()
    assert interlock.state == InterlockState.UNLOCKED
    detail = client_for(customer).get(reverse("interlocks:detail", args=[interlock.pk])).content.decode()
    assert "已开放" in detail and "指令记录" not in detail  # commands and audit are for staff


def test_staff_page_shows_commands_and_override_form_errors(client_for, interlock, world, device):
    manager = client_for(world.users["manager_a"])
    answer = manager.post(reverse("interlocks:override", args=[interlock.pk]), {"enable": "1", "reason": ""})
    assert answer.status_code == 400 and "invalid-feedback" in answer.content.decode()
    manager.post(
        reverse("interlocks:override", args=[interlock.pk]), {"enable": "1", "reason": "调试", "hours": "1"}
    )
    detail = manager.get(reverse("interlocks:detail", args=[interlock.pk])).content.decode()
    assert "指令记录" in detail and "人工放行" in detail and "调试" in detail


def test_silent_device_is_reported_on_the_page(client_for, interlock, customer, device):
    device.fail = True
    answer = client_for(customer).post(reverse("interlocks:enable", args=[interlock.pk]), follow=True)
    assert "设备未执行指令" in answer.content.decode()
    assert InterlockCommand.objects.get().ok is False


def _interlocks(world, count):
    for _ in range(count):
        instrument = InstrumentFactory(unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED)
        interlock = InterlockFactory(device=DeviceFactory(instrument=instrument))
        InterlockCommand.objects.create(interlock=interlock, action="status", sent_at=NOW, ok=True)
        InterlockSession.objects.create(
            interlock=interlock,
            instrument=instrument,
            unit=world.unit_a,
            user=world.users["manager_a"],
            started_at=NOW - dt.timedelta(hours=1),
            ended_at=NOW,
        )


@pytest.mark.parametrize(
    "route",
    ["interlocks:list", "api-interlock-list", "api-interlock-command-list", "api-interlock-session-list"],
)
def test_list_queries_do_not_grow_with_rows(client_for, world, clock, route):
    client = client_for(world.users["unit_admin_a"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(route)).status_code == 200
        return len(captured)

    _interlocks(world, 2)
    few = queries()
    _interlocks(world, 6)
    assert queries() == few
