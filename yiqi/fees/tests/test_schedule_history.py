"""Who changed a fee price, and from what to what: every change to a schedule line is on the schedule page."""

import pytest
from django.urls import reverse

from yiqi.core.models import AuditEvent
from yiqi.fees import services
from yiqi.fees.models import FeeItem

LINE = {"name": "机时费", "component": "running", "basis": "per_hour", "applies_to": "both",
        "rate_internal": "100", "rate_academic": "200.5", "rate_external": "333.33", "position": "1"}  # fmt: skip


@pytest.fixture
def admin(world, client_for):
    return client_for(world.users["unit_admin_a"])


def urls(world, item=None):
    pk = world.published_a.pk
    return {
        "schedule": reverse("fees:schedule", args=[pk]),
        **(
            {
                "edit": reverse("fees:fee_item_edit", args=[pk, item.pk]),
                "active": reverse("fees:fee_item_active", args=[pk, item.pk]),
            }
            if item
            else {}
        ),
    }


def test_a_price_change_shows_old_and_new_price_and_who_on_the_schedule_page(world, admin):
    assert admin.post(urls(world)["schedule"], LINE).status_code == 302
    item = FeeItem.objects.get()
    assert admin.post(urls(world, item)["edit"], {**LINE, "rate_external": "350"}).status_code == 302
    assert admin.post(urls(world, item)["active"], {"active": "0"}).status_code == 302

    deactivated, changed, created = services.schedule_history(world.published_a)
    who = world.users["unit_admin_a"]
    assert [r["action"] for r in (deactivated, changed, created)] == ["deactivate", "update", "create"]
    assert all(r["actor"] == who for r in (deactivated, changed, created))
    assert changed["changes"] == [
        {"field": "rate_external", "label": "企业及个人价格（元）", "old": "333.33", "new": "350.00"}
    ]
    assert deactivated["changes"] == [{"field": "is_active", "label": "启用", "old": "是", "new": "否"}]
    assert {c["field"]: c["new"] for c in created["changes"]}["rate_academic"] == "200.50"

    page = admin.get(urls(world)["schedule"]).content.decode()
    assert "收费标准变更记录" in page and "333.33" in page and who.get_full_name() in page


def test_saving_a_line_unchanged_writes_no_row(world):
    item = services.save_fee_item(
        FeeItem(instrument=world.published_a, **LINE), actor=world.users["unit_admin_a"]
    )
    services.save_fee_item(FeeItem.objects.get(pk=item.pk), actor=world.users["unit_admin_a"])
    assert list(AuditEvent.objects.for_object(item).values_list("action", flat=True)) == ["create"]


def test_a_refused_change_leaves_no_row_and_no_change(world, admin):
    admin.post(urls(world)["schedule"], LINE)
    item = FeeItem.objects.get()
    response = admin.post(urls(world, item)["edit"], {**LINE, "rate_external": "12.345"})
    assert response.status_code == 400
    assert AuditEvent.objects.for_object(item).count() == 1
