"""The instrument's manager and the unit's admins set the questions asked on every order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from yiqi.orders import services
from yiqi.orders.models import OrderFormField

ROLES = [
    "anonymous", "platform_admin", "department_admin_a", "unit_admin_a", "officer_a", "manager_a", "technician_a",
    "unit_admin_b", "external_user",
]  # fmt: skip
MANAGERS = {"unit_admin_a", "manager_a"}


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_open_the_set_up_page(world, served, client_for, role):
    response = client_for(world.users[role]).get(reverse("orders:form_fields", args=[served.pk]))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in MANAGERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_add_questions(world, served, client_for, role):
    client_for(world.users[role]).post(
        reverse("orders:form_fields", args=[served.pk]),
        {"label": "元素范围", "key": "elements", "field_type": "text"},
    )
    assert OrderFormField.objects.filter(instrument=served).exists() == (role in MANAGERS)


def test_add_edit_reorder_and_delete(world, served, client_for):
    client = client_for(world.users["manager_a"])
    url = reverse("orders:form_fields", args=[served.pk])
    for key, label in (("a", "甲"), ("b", "乙"), ("c", "丙")):
        assert client.post(url, {"label": label, "key": key, "field_type": "text"}).status_code == 302
    fields = {f.key: f for f in served.order_form_fields.all()}
    assert [f.key for f in served.order_form_fields.all()] == ["a", "b", "c"]

    client.post(reverse("orders:form_field_move", args=[served.pk, fields["c"].pk]), {"direction": "up"})
    assert [f.key for f in served.order_form_fields.all()] == ["a", "c", "b"]
    client.post(reverse("orders:form_field_move", args=[served.pk, fields["a"].pk]), {"direction": "up"})
    assert [f.key for f in served.order_form_fields.all()] == ["a", "c", "b"]

    edit = reverse("orders:form_field_edit", args=[served.pk, fields["b"].pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "label": "是否喷金",
            "key": "b",
            "field_type": "choice",
            "choices": "喷金\n\n喷碳\n喷金",
            "required": "on",
        },
    )
    assert response.status_code == 302
    fields["b"].refresh_from_db()
    assert fields["b"].choice_list == ["喷金", "喷碳"] and fields["b"].required

    client.post(reverse("orders:form_field_delete", args=[served.pk, fields["a"].pk]))
    assert [f.key for f in served.order_form_fields.all()] == ["c", "b"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"key": "sample_count"}, "key"),
        ({"key": "has space"}, "key"),
        ({"key": "ok", "field_type": "choice", "choices": " \n "}, "choices"),
        ({"key": "ok", "label": ""}, "label"),
    ],
)
def test_bad_questions_are_refused_with_a_field_error(world, served, fields, error):
    field = OrderFormField(instrument=served, **{"label": "问题", "field_type": "text", **fields})
    with pytest.raises(ValidationError) as refused:
        services.save_form_field(field, actor=world.users["manager_a"])
    assert error in refused.value.message_dict
    assert not OrderFormField.objects.exists()


def test_a_key_is_used_once_per_instrument(world, served, client_for):
    OrderFormField.objects.create(instrument=served, key="elements", label="元素")
    response = client_for(world.users["manager_a"]).post(
        reverse("orders:form_fields", args=[served.pk]),
        {"label": "又一个", "key": "elements", "field_type": "text"},
    )
    assert response.status_code == 200
    assert "已有标识" in response.context["form"].errors["key"][0]


def test_another_instruments_question_cannot_be_edited_through_this_one(world, served, client_for):
    other = OrderFormField.objects.create(instrument=world.draft_b, key="x", label="X")
    response = client_for(world.users["manager_a"]).post(
        reverse("orders:form_field_delete", args=[served.pk, other.pk])
    )
    assert response.status_code == 404 and OrderFormField.objects.filter(pk=other.pk).exists()


def test_services_refuse_outsiders(world, served):
    field = OrderFormField.objects.create(instrument=served, key="x", label="X")
    for outsider in ("technician_a", "officer_a", "unit_admin_b", "external_user"):
        with pytest.raises(PermissionDenied):
            services.delete_form_field(field, actor=world.users[outsider])
        with pytest.raises(PermissionDenied):
            services.move_form_field(field, 1, actor=world.users[outsider])


def test_the_questions_are_public_in_the_api(world, questions):
    response = APIClient().get(f"/api/v1/instruments/{questions[0].instrument_id}/order-fields/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "key": "coating",
            "label": "是否喷金",
            "help_text": "",
            "field_type": "choice",
            "choices": ["喷金", "喷碳", "不喷"],
            "required": True,
            "position": 0,
        },
        {
            "key": "magnification",
            "label": "最高放大倍数",
            "help_text": "",
            "field_type": "number",
            "choices": [],
            "required": False,
            "position": 1,
        },
    ]
    assert APIClient().get(f"/api/v1/instruments/{world.draft_b.pk}/order-fields/").status_code == 404
