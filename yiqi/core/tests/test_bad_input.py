"""Malformed bodies through the real HTTP routes: a 400 with a message, never a 500, nothing saved."""

import json

import pytest
from django.test import Client

from yiqi.core.validators import MAX_JSON_DEPTH, validate_plain_text
from yiqi.orders.models import TestOrder

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [nested(100_000), deep_object(50_000), nested(MAX_JSON_DEPTH + 1)])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400(body):
    # Anonymous: the token endpoint is the first thing an attacker reaches.
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


def test_json_within_the_limit_is_still_read():
    body = {
        "username": "nobody",
        "password": "wrong-password",
        "extra": json.loads(nested(MAX_JSON_DEPTH - 1)),
    }
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" not in json.dumps(response.json(), ensure_ascii=False)


def test_deeply_nested_json_to_an_authenticated_endpoint_is_a_400(world, client_for):
    cases = [
        ("technician_a", "post", "/api/v1/usage-records/"),  # its own parser list
        ("external_user", "post", "/api/v1/orders/"),
        ("officer_a", "patch", f"/api/v1/instruments/{world.draft_a.pk}/"),
    ]
    for who, method, url in cases:
        client = client_for(world.users[who])
        response = getattr(client, method)(url, nested(100_000), content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert "嵌套" in response.json()["detail"]


def test_deep_json_inside_a_form_field_is_a_field_error(world, client_for):
    # The order's answers may come as JSON text in a form field: the same limit, on that field.
    client = client_for(world.users["external_user"])
    before = TestOrder.objects.count()
    response = client.post(
        "/api/v1/orders/",
        {"instrument": world.published_a.pk, "sample_count": 1, "answers": nested(100_000)},
    )
    assert response.status_code == 400
    assert "answers" in response.json()
    assert TestOrder.objects.count() == before


def test_nan_is_not_json():
    response = Client().post("/api/v1/auth/token/", '{"username": NaN}', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "扫描\x00电镜",
        "电镜\x1b[31m",
        "line\nbreak",
        "tab\there",
        "\u202eevil",
        "a\u2066b",
        "zero\u200bwidth",
        "c1\x85",
    ],
)
def test_plain_text_refuses_controls_and_bidi(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_plain_text(value)


@pytest.mark.parametrize(
    "value",
    ["西北大学 分析测试中心", "Müller & Co.（西安）", "029-8888 1234", "ＳＥＭ－０１", "№ 5/A_b #3", "😀"],
)
def test_plain_text_accepts_ordinary_names(value):
    validate_plain_text(value)


def test_the_messages_come_in_english_for_english_clients(world, client_for):
    response = Client().post(
        "/api/v1/auth/token/", nested(1000), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.json()["detail"] == "JSON nested too deeply: arrays and objects may nest at most 32 levels."
    )
    client = client_for(world.users["external_user"])
    response = client.post(
        "/api/v1/usage-records/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only the unit's technicians")
    officer = client_for(world.users["officer_a"])
    response = officer.patch(
        f"/api/v1/instruments/{world.draft_a.pk}/",
        {"name": "电镜\u202e", "acceptance_date": "0001-01-01"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["name"] == [
        "Must not contain control characters, line breaks or invisible formatting characters (such as "
        "bidirectional text controls)."
    ]
    assert response.json()["acceptance_date"] == ["The date cannot be earlier than 1950-01-01."]
