"""The fee API applies the same rules as the pages: public schedules, scoped charges, money as strings."""

from decimal import Decimal

import pytest
from django.utils import timezone

from yiqi.fees.models import Charge, ChargeAdjustment, FeeItem

from .helpers import billed, priced

ITEMS = "/api/v1/fee-items/"


@pytest.fixture
def charge(world):
    priced(world.published_a)
    return billed(world.published_a, world.users["external_user"], organization=world.enterprise)


def new_item(world, **fields):
    return {"instrument": world.published_a.pk, "name": "电镜机时", "component": "running", "basis": "per_hour",
            "applies_to": "self_operation", "rate_internal": "80.00", "rate_academic": "160.5",
            "rate_external": "240", **fields}  # fmt: skip


class TestFeeItems:
    def test_anyone_reads_the_active_schedule_of_a_published_instrument(self, world, client_for):
        priced(world.published_a)
        priced(world.draft_a)
        FeeItem.objects.filter(instrument=world.published_a, name="耗材费").update(is_active=False)
        data = client_for(None).get(ITEMS, {"instrument": world.published_a.pk}).json()
        assert [i["name"] for i in data["results"]] == ["机时费", "测试人工费"]
        hourly = data["results"][0]
        assert (hourly["rate_internal"], hourly["rate_academic"], hourly["rate_external"]) == (
            "100.00", "200.00", "333.33"
        )  # fmt: skip
        assert (hourly["basis_label"], hourly["rate_unit"], hourly["component_label"]) == (
            "按机时", "元/小时", "水电气等运行费"
        )  # fmt: skip
        assert client_for(None).get(ITEMS, {"instrument": world.draft_a.pk}).json()["results"] == []

    def test_the_unit_admin_also_sees_withdrawn_lines_and_drafts(self, world, client_for):
        priced(world.draft_a)
        FeeItem.objects.filter(instrument=world.draft_a, name="耗材费").update(is_active=False)
        data = client_for(world.users["unit_admin_a"]).get(ITEMS, {"instrument": world.draft_a.pk}).json()
        assert len(data["results"]) == 3

    def test_a_manager_adds_and_withdraws_a_line(self, world, client_for):
        client = client_for(world.users["unit_admin_a"])
        response = client.post(ITEMS, new_item(world), content_type="application/json")
        assert response.status_code == 201, response.json()
        assert response.json()["rate_academic"] == "160.50"
        item_id = response.json()["id"]
        response = client.patch(f"{ITEMS}{item_id}/", {"is_active": False}, content_type="application/json")
        assert response.status_code == 200 and response.json()["is_active"] is False
        client.logout()
        assert client.get(ITEMS, {"instrument": world.published_a.pk}).json()["results"] == []

    @pytest.mark.parametrize("role", ["technician_a", "external_user", "unit_admin_b"])
    def test_others_cannot_write(self, world, client_for, role):
        response = client_for(world.users[role]).post(ITEMS, new_item(world), content_type="application/json")
        assert response.status_code == 403
        assert not FeeItem.objects.exists()

    def test_anonymous_visitors_cannot_write(self, world, client_for):
        assert client_for(None).post(ITEMS, new_item(world), content_type="application/json").status_code in (
            401,
            403,
        )

    @pytest.mark.parametrize(
        "fields, field",
        [({"rate_external": "12.345"}, "rate_external"), ({"rate_internal": "-0.01"}, "rate_internal"),
         ({"rate_academic": "1000000.01"}, "rate_academic"), ({"name": " "}, "name"),
         ({"basis": "per_week"}, "basis")],
    )  # fmt: skip
    def test_bad_rates_are_refused_field_by_field(self, world, client_for, fields, field):
        response = client_for(world.users["unit_admin_a"]).post(
            ITEMS, new_item(world, **fields), content_type="application/json"
        )
        assert response.status_code == 400 and field in response.json()
        assert not FeeItem.objects.exists()

    def test_an_item_does_not_move_to_another_instrument(self, world, client_for):
        item = priced(world.published_a)[0]
        response = client_for(world.users["unit_admin_a"]).patch(
            f"{ITEMS}{item.pk}/", {"instrument": world.draft_a.pk}, content_type="application/json"
        )
        assert response.status_code == 400 and "instrument" in response.json()


class TestChargeActions:
    def url(self, charge, action=""):
        return f"/api/v1/charges/{charge.pk}/{action}"

    def test_adjust_decide_and_pay_through_the_api(self, world, client_for, charge):
        tech = client_for(world.users["technician_a"])
        data = tech.get(self.url(charge)).json()
        assert data["available_actions"] == ["adjust", "record_payment"]
        assert [(line["stage"], line["amount"]) for line in data["lines"]] == [
            ("bill", "666.66"),
            ("bill", "0.00"),
        ]
        response = tech.post(
            self.url(charge, "adjust/"),
            {"amount": "-66.66", "reason": "故障"},
            content_type="application/json",
        )
        assert response.status_code == 201 and response.json()["amount"] == "-66.66"
        adjustment_id = response.json()["id"]

        # The requester cannot decide; the unit admin can.
        response = tech.post(self.url(charge, "decide-adjustment/"), {"adjustment": adjustment_id, "decision": "approve"},
                             content_type="application/json")  # fmt: skip
        assert response.status_code == 403
        admin = client_for(world.users["unit_admin_a"])
        response = admin.post(self.url(charge, "decide-adjustment/"), {"adjustment": adjustment_id, "decision": "approve"},
                              content_type="application/json")  # fmt: skip
        assert response.status_code == 200 and response.json()["status"] == "approved"

        today = timezone.localdate().isoformat()
        response = admin.post(self.url(charge, "record-payment/"), {"reference": "INV-1", "paid_on": today},
                              content_type="application/json")  # fmt: skip
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["total"]) == ("paid", "600.00")
        response = admin.post(self.url(charge, "record-payment/"), {"reference": "INV-2", "paid_on": today},
                              content_type="application/json")  # fmt: skip
        assert response.status_code == 400 and "不能重复登记" in response.json()["non_field_errors"][0]
        charge.refresh_from_db()
        assert (charge.payment_reference, charge.total) == ("INV-1", Decimal("600.00"))

    @pytest.mark.parametrize(
        "body, field",
        [({"amount": "-1", "reason": ""}, "reason"), ({"amount": "0", "reason": "x"}, "amount"),
         ({"amount": "-1.001", "reason": "x"}, "amount"), ({"amount": "-700", "reason": "x"}, "amount"),
         ({"reason": "x"}, "amount")],
    )  # fmt: skip
    def test_bad_adjustments_are_400_and_change_nothing(self, world, client_for, charge, body, field):
        response = client_for(world.users["technician_a"]).post(self.url(charge, "adjust/"), body,
                                                                 content_type="application/json")  # fmt: skip
        assert response.status_code == 400 and field in response.json()
        assert not ChargeAdjustment.objects.exists()

    def test_an_adjustment_of_another_charge_is_not_found(self, world, client_for, charge):
        other = billed(world.published_a, world.users["external_user"])
        response = client_for(world.users["unit_admin_a"]).post(
            self.url(other, "decide-adjustment/"), {"adjustment": 999, "decision": "approve"},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["unit_admin_b", "officer_a"])
    def test_other_units_staff_get_404_for_every_action(self, world, client_for, charge, role):
        client = client_for(world.users[role])
        for action, body in [("adjust/", {"amount": "-1", "reason": "x"}),
                             ("record-payment/", {"reference": "x", "paid_on": timezone.localdate().isoformat()})]:  # fmt: skip
            assert (
                client.post(self.url(charge, action), body, content_type="application/json").status_code
                == 404
            )
        charge.refresh_from_db()
        assert charge.status == Charge.Status.BILLED

    def test_the_list_filters_by_status_and_month(self, world, client_for, charge):
        client = client_for(world.users["technician_a"])
        assert client.get("/api/v1/charges/", {"status": "paid"}).json()["results"] == []
        month = timezone.localdate().strftime("%Y-%m")
        assert len(client.get("/api/v1/charges/", {"month": month}).json()["results"]) == 1
        response = client.get("/api/v1/charges/", {"month": "2026-13"})
        assert response.status_code == 400 and "month" in response.json()


def test_messages_come_in_english_for_english_clients(world, client_for, charge):
    response = client_for(world.users["technician_a"]).post(
        f"/api/v1/charges/{charge.pk}/adjust/",
        {"amount": "0", "reason": "typo"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["amount"] == ["The adjustment cannot be zero."]
