"""The API: the device door for telemetry, devices with their one-time secret, scoped lists and pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.monitoring.models import Device, Sample
from yiqi.monitoring.rollup import roll_up
from yiqi.registry.tests.factories import InstrumentFactory

from .factories import DeviceFactory, ProfileFactory, pattern

pytestmark = pytest.mark.django_db
TELEMETRY = "/api/v1/telemetry/"
DEVICES = "/api/v1/monitoring/devices/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def post_samples(device_uid, secret, samples, **extra):
    return APIClient().post(
        TELEMETRY,
        {"samples": samples},
        format="json",
        HTTP_AUTHORIZATION=f"Device {device_uid}:{secret}",
        **extra,
    )


def test_a_unit_registers_a_device_whose_secret_works_once_shown_and_stops_when_rotated():
    instrument = InstrumentFactory()
    admin = user_with_role(Role.UNIT_ADMIN, organization=instrument.unit)
    answer = api(admin).post(
        DEVICES, {"uid": "gw-lab1", "instrument": instrument.pk, "kind": "gateway"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    secret = answer.json()["secret"]
    assert len(secret) >= 43 and answer.json()["mqtt_topic"] == f"yiqi/telemetry/{instrument.unit_id}/gw-lab1"
    device = Device.objects.get(uid="gw-lab1")
    assert secret not in device.secret_digest
    assert "secret" not in api(admin).get(f"{DEVICES}{device.pk}/").json()
    now = timezone.now()
    sent = post_samples("gw-lab1", secret, [{"t": now.isoformat(), "power_w": 10}])
    assert sent.status_code == 202 and sent.json() == {"accepted": 1, "duplicates": 0, "rejected": {}}
    again = post_samples("gw-lab1", secret, [{"t": now.isoformat(), "power_w": 10}])
    assert again.json() == {"accepted": 0, "duplicates": 1, "rejected": {}}
    new_secret = api(admin).post(f"{DEVICES}{device.pk}/rotate/").json()["secret"]
    assert post_samples("gw-lab1", secret, [{"t": now.isoformat(), "power_w": 1}]).status_code == 401
    assert (
        post_samples("gw-lab1", new_secret, [{"t": timezone.now().isoformat(), "power_w": 1}]).status_code
        == 202
    )
    api(admin).post(f"{DEVICES}{device.pk}/revoke/", {"comment": "设备报废"}, format="json")
    refused = post_samples("gw-lab1", new_secret, [{"t": timezone.now().isoformat(), "power_w": 1}])
    assert refused.status_code == 401 and refused.json()["rejected"] == {"revoked_device": 1}


def test_bad_requests_at_the_door_are_answered_not_crashed():
    device = DeviceFactory()
    assert post_samples(device.uid, "nope", []).status_code == 401
    assert APIClient().post(TELEMETRY, {"samples": []}, format="json").status_code == 401
    huge = APIClient().post(
        TELEMETRY, b"x" * (10 * 1024 * 1024), content_type="application/json", HTTP_AUTHORIZATION="Device a:b"
    )
    assert huge.status_code == 413
    broken = APIClient().post(
        TELEMETRY, b"{", content_type="application/json", HTTP_AUTHORIZATION="Device a:b"
    )
    assert broken.status_code == 400
    assert Sample.objects.count() == 0


def test_registering_for_another_units_instrument_is_refused_with_a_field_message():
    instrument = InstrumentFactory()
    outsider = user_with_role(Role.UNIT_ADMIN, organization=InstrumentFactory().unit)
    refused = api(outsider).post(
        DEVICES, {"uid": "gw-x", "instrument": instrument.pk, "kind": "power"}, format="json"
    )
    assert refused.status_code == 403
    admin = user_with_role(Role.UNIT_ADMIN, organization=instrument.unit)
    bad = api(admin).post(
        DEVICES, {"uid": "a b", "instrument": instrument.pk, "kind": "power"}, format="json"
    )
    assert bad.status_code == 400 and "uid" in bad.json()


def monitored(unit, n):
    start = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    for _ in range(n):
        profile = ProfileFactory(instrument=InstrumentFactory(unit=unit))
        device = DeviceFactory(instrument=profile.instrument)
        from .test_rollup import send

        send(device, pattern(start, [(600, 150), (600, 0)]))
    roll_up()


@pytest.mark.parametrize(
    "url",
    [
        DEVICES,
        "/api/v1/monitoring/states/",
        "/api/v1/monitoring/intervals/",
        "/api/v1/monitoring/hours/daily/",
        "/api/v1/monitoring/hours/monthly/",
        "/monitoring/",
    ],
)
def test_lists_take_as_many_queries_for_many_rows_as_for_few_and_show_only_the_unit(url):
    instrument = InstrumentFactory()
    unit = instrument.unit
    monitored(InstrumentFactory().unit, 1)  # another unit's
    officer = user_with_role(Role.INFORMATION_OFFICER, organization=unit)
    client = api(officer)
    client.force_login(officer)
    monitored(unit, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    monitored(unit, 4)
    with CaptureQueriesContext(connection) as many:
        answer = client.get(url)
    assert len(many) <= len(few)
    if url.startswith("/api/"):
        body = answer.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert rows and all(row.get("unit", unit.pk) == unit.pk for row in rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/monitoring/reconciliation-items/?instrument=10000000000000000000",
        "/api/v1/monitoring/states/?unit=127979355773325580490197659456767000576",
        "/api/v1/monitoring/states/?department=abc",
        "/api/v1/monitoring/hours/daily/?instrument=18446744073709551615",
        "/api/v1/monitoring/hours/monthly/?instrument=209479684084252737536",
    ],
)
def test_an_id_filter_beyond_any_id_is_a_field_error_not_a_crash(url):
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.get(url)
    assert response.status_code == 400
    assert set(response.json()) & {"instrument", "unit", "department"}
