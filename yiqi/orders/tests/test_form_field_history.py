"""Who changed the questions asked on every order of an instrument: added, changed, moved and deleted questions
each leave one row (deleted ones too) on the set-up page."""

from django.urls import reverse

from yiqi.orders import services


def test_every_change_to_the_questions_is_on_the_set_up_page(world, served, client_for):
    manager, admin = world.users["manager_a"], world.users["unit_admin_a"]
    url = reverse("orders:form_fields", args=[served.pk])
    client = client_for(manager)
    for key, label in (("a", "甲"), ("b", "乙")):
        assert client.post(url, {"label": label, "key": key, "field_type": "text"}).status_code == 302
    fields = {f.key: f for f in served.order_form_fields.all()}
    client.post(reverse("orders:form_field_move", args=[served.pk, fields["b"].pk]), {"direction": "up"})
    client.post(
        reverse("orders:form_field_move", args=[served.pk, fields["b"].pk]), {"direction": "up"}
    )  # no-op
    client.post(
        reverse("orders:form_field_edit", args=[served.pk, fields["a"].pk]),
        {"label": "是否喷金", "key": "a", "field_type": "choice", "choices": "喷金\n喷碳", "required": "on"},
    )
    client = client_for(admin)
    client.post(reverse("orders:form_field_delete", args=[served.pk, fields["a"].pk]))

    rows = services.form_history(served)
    assert [(r["action"], r["about"]) for r in rows] == [
        ("delete", "是否喷金"), ("update", "是否喷金"), ("move", "乙"), ("create", "乙"), ("create", "甲"),
    ]  # fmt: skip
    deleted, changed, moved = rows[:3]
    assert deleted["actor"] == admin and changed["actor"] == manager
    assert {c["field"]: (c["old"], c["new"]) for c in changed["changes"]} == {
        "label": ("甲", "是否喷金"),
        "field_type": ("文本", "单选"),
        "choices": ("", "喷金\n喷碳"),
        "required": ("否", "是"),
    }
    assert [(c["label"], c["old"], c["new"]) for c in moved["changes"]] == [("顺序", "2", "1")]
    assert {c["field"]: c["old"] for c in deleted["changes"]}["key"] == "a"

    page = client.get(url).content.decode()
    assert "变更记录" in page and "是否喷金" in page and admin.get_full_name() in page
