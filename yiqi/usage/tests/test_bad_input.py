"""Malformed manual usage records through the API: the permission check first, then a 400 with a field message."""

import pytest
from rest_framework.test import APIClient

from yiqi.usage.models import UsageRecord
from yiqi.usage.tests.conftest import pdf

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/usage-records/"


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(world, recent, **changes):
    start, end = recent
    data = {
        "instrument": world.published_a.pk,
        "user_name": "企业检测员",
        "purpose": "service",
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "evidence": pdf(),
    } | changes
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("fmt", ["multipart", "json"])
def test_a_record_without_a_user_name_is_a_field_error(world, recent, fmt):
    # TypeError (500) before: the serializer let the optional field out and the service required it.
    data = payload(world, recent, user_name=None, evidence=None if fmt == "json" else pdf())
    response = api(world.users["technician_a"]).post(RECORDS, data, format=fmt)
    assert response.status_code == 400, response.content
    assert response.json()["user_name"] == ["请填写使用人。"]
    assert not UsageRecord.objects.exists()


@pytest.mark.parametrize("who", ["external_user", "department_admin_a", "expert", "officer_a"])
@pytest.mark.parametrize("body", ["empty", "incomplete", "complete"])
def test_those_who_may_not_record_are_refused_before_their_input_is_read(world, recent, who, body):
    data = {"empty": {}, "incomplete": {"purpose": "nonsense"}, "complete": payload(world, recent)}[body]
    response = api(world.users[who]).post(RECORDS, data, format="multipart")
    assert response.status_code == 403, response.content
    assert not UsageRecord.objects.exists()


def test_anonymous_callers_are_refused_before_their_input_is_read(world):
    assert api(None).post(RECORDS, {}, format="multipart").status_code in (401, 403)
    assert api(None).post(RECORDS, {"user_name": ""}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    "field, value",
    [
        ("started_at", "0001-01-01T09:00:00+08:00"),
        ("started_at", "1900-01-01T09:00:00"),
        ("ended_at", "9999-12-31T23:00:00+08:00"),
        ("started_at", "2026-02-30T09:00:00"),
        ("started_at", "2026-01-01T09:00:00+20:00"),
    ],
)
def test_times_outside_the_sane_range_are_field_errors(world, recent, field, value):
    response = api(world.users["technician_a"]).post(RECORDS, payload(world, recent, **{field: value}))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not UsageRecord.objects.exists()


@pytest.mark.parametrize("name", ["张\x00三", "张三\u202e", "张三\n李四", "\x1b[2J"])
def test_control_characters_in_the_user_name_are_refused(world, recent, name):
    response = api(world.users["technician_a"]).post(RECORDS, payload(world, recent, user_name=name))
    assert response.status_code == 400, response.content
    assert "user_name" in response.json()
    assert not UsageRecord.objects.exists()
