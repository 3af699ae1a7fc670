"""The fee pages, role by role: nobody sees a charge that is not theirs to see; forms refuse bad input."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.fees import services
from yiqi.fees.models import Charge, ChargeAdjustment, FeeItem

from .helpers import billed, priced

ROLES = [
    "anonymous", "platform_admin", "department_admin_a", "department_admin_b", "unit_admin_a", "officer_a",
    "manager_a", "technician_a", "unit_admin_b", "external_user", "expert", "evaluator",
]  # fmt: skip
# Who opens a charge of unit A's instrument paid by the enterprise user: the payer, the instrument's service
# staff (unit admins, technicians; its manager when it has one) and platform admins.
SEES_CHARGE = {"platform_admin", "unit_admin_a", "technician_a", "external_user"}


@pytest.fixture
def charge(world):
    priced(world.published_a)
    return billed(world.published_a, world.users["external_user"], organization=world.enterprise)


@pytest.mark.parametrize("role", ROLES)
def test_a_charge_opens_only_for_the_payer_its_service_staff_and_platform_admins(
    world, client_for, charge, role
):
    response = client_for(world.users[role]).get(reverse("fees:charge_detail", args=[charge.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("accounts:login") in response.url
    elif role in SEES_CHARGE:
        assert response.status_code == 200
        assert charge.number in response.content.decode() and "666.66" in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_api_scopes_charges_the_same_way(world, client_for, charge, role):
    client = client_for(world.users[role])
    listed = client.get("/api/v1/charges/")
    detail = client.get(f"/api/v1/charges/{charge.pk}/")
    if role == "anonymous":
        assert (listed.status_code, detail.status_code) in [(401, 401), (403, 403)]
    elif role in SEES_CHARGE:
        assert [c["id"] for c in listed.json()["results"]] == [charge.pk]
        assert detail.json()["total"] == "666.66"
    else:
        assert listed.json()["results"] == [] and detail.status_code == 404


def test_the_instruments_manager_serves_its_charges(world, client_for, charge):
    world.published_a.manager = world.users["manager_a"]
    world.published_a.save()
    assert (
        client_for(world.users["manager_a"]).get(reverse("fees:charge_detail", args=[charge.pk])).status_code
        == 200
    )


def test_another_user_of_the_same_enterprise_does_not_open_the_charge(world, client_for, charge):
    colleague = user_with_role(Role.EXTERNAL_USER, organization=world.enterprise)
    assert client_for(colleague).get(reverse("fees:charge_detail", args=[charge.pk])).status_code == 404


class TestChargePage:
    def test_staff_adjust_an_admin_approves_then_staff_record_the_payment(self, world, client_for, charge):
        tech = client_for(world.users["technician_a"])
        page = tech.get(reverse("fees:charge_detail", args=[charge.pk])).content.decode()
        assert "申请调整费用" in page and "登记缴费" in page
        response = tech.post(
            reverse("fees:charge_adjust", args=[charge.pk]), {"amount": "-66.66", "reason": "故障"}
        )
        assert response.status_code == 302
        adjustment = ChargeAdjustment.objects.get()

        admin = client_for(world.users["unit_admin_a"])
        page = admin.get(reverse("fees:charge_detail", args=[charge.pk])).content.decode()
        assert reverse("fees:adjustment_decide", args=[charge.pk, adjustment.pk]) in page
        response = admin.post(
            reverse("fees:adjustment_decide", args=[charge.pk, adjustment.pk]), {"decision": "approve"}
        )
        assert response.status_code == 302
        charge.refresh_from_db()
        assert charge.total == Decimal("600.00")

        tech = client_for(world.users["technician_a"])
        today = timezone.localdate().isoformat()
        response = tech.post(
            reverse("fees:charge_payment", args=[charge.pk]), {"reference": "INV-9", "paid_on": today}
        )
        assert response.status_code == 302
        charge.refresh_from_db()
        assert (charge.status, charge.payment_reference) == (Charge.Status.PAID, "INV-9")
        # Paying twice: a clear message, nothing changed.
        response = tech.post(
            reverse("fees:charge_payment", args=[charge.pk]), {"reference": "INV-10", "paid_on": today}
        )
        assert response.status_code == 400 and "不能重复登记" in response.content.decode()
        charge.refresh_from_db()
        assert charge.payment_reference == "INV-9"

    @pytest.mark.parametrize(
        "data, message",
        [({"amount": "0", "reason": "x"}, "不能为零"), ({"amount": "-5", "reason": ""}, "请填写调整原因"),
         ({"amount": "-1000", "reason": "x"}, "不能低于零"), ({"amount": "1.234", "reason": "x"}, "两位小数")],
    )  # fmt: skip
    def test_a_bad_adjustment_is_shown_on_the_form_and_nothing_changes(
        self, world, client_for, charge, data, message
    ):
        response = client_for(world.users["technician_a"]).post(
            reverse("fees:charge_adjust", args=[charge.pk]), data
        )
        assert response.status_code == 400 and message in response.content.decode()
        assert not ChargeAdjustment.objects.exists()

    def test_the_payer_sees_the_charge_but_cannot_act_on_it(self, world, client_for, charge):
        client = client_for(world.users["external_user"])
        page = client.get(reverse("fees:charge_detail", args=[charge.pk])).content.decode()
        assert "申请调整费用" not in page and "登记缴费" not in page
        response = client.post(
            reverse("fees:charge_adjust", args=[charge.pk]), {"amount": "-600", "reason": "便宜点"}
        )
        assert response.status_code == 403
        assert not ChargeAdjustment.objects.exists()

    def test_a_rejection_without_a_comment_is_refused_with_a_message(self, world, client_for, charge):
        adjustment = services.request_adjustment(
            charge, actor=world.users["technician_a"], amount="-1", reason="x"
        )
        response = client_for(world.users["unit_admin_a"]).post(
            reverse("fees:adjustment_decide", args=[charge.pk, adjustment.pk]), {"decision": "reject"}
        )
        assert response.status_code == 400 and "驳回时请填写审批意见" in response.content.decode()
        adjustment.refresh_from_db()
        assert adjustment.status == ChargeAdjustment.Status.PENDING


class TestLists:
    def test_my_charges_lists_only_mine_with_the_amount_to_pay(self, world, client_for, charge):
        billed(world.published_a, world.users["technician_a"], organization=world.unit_a)
        page = client_for(world.users["external_user"]).get(reverse("fees:mine")).content.decode()
        assert charge.number in page and page.count("/fees/charges/") == 1
        assert "666.66" in page

    def test_the_unit_list_filters_by_month_status_and_instrument(self, world, client_for, charge):
        other = billed(world.published_a, world.users["external_user"])
        services.record_payment(
            other, actor=world.users["technician_a"], reference="R", paid_on=timezone.localdate()
        )
        client = client_for(world.users["technician_a"])
        month = timezone.localdate().strftime("%Y-%m")
        page = client.get(reverse("fees:unit"), {"month": month, "status": "billed"}).content.decode()
        assert charge.number in page and other.number not in page
        page = client.get(reverse("fees:unit"), {"month": "2020-01"}).content.decode()
        assert charge.number not in page
        page = client.get(reverse("fees:unit"), {"instrument": world.published_a.pk}).content.decode()
        assert charge.number in page and other.number in page

    def test_the_authority_searches_charges_by_instrument_or_unit_in_a_box(self, world, client_for, charge):
        client, url = client_for(world.users["platform_admin"]), reverse("fees:unit")
        page = client.get(url).content.decode()
        assert (
            'name="search"' in page and '<select name="instrument"' not in page
        )  # no list of every instrument
        for text in (
            world.published_a.name[:3],
            world.published_a.asset_number,
            "测试大学",
            f"西北 {world.published_a.name}",
        ):
            assert charge.number in client.get(url, {"search": text}).content.decode(), text
        assert charge.number not in client.get(url, {"search": "没有这台仪器"}).content.decode()

    def test_a_search_finds_nothing_the_list_would_not_show(self, world, client_for, charge):
        page = client_for(world.users["unit_admin_b"]).get(reverse("fees:unit"), {"search": "测试大学"})
        assert charge.number not in page.content.decode()

    def test_a_search_too_long_is_a_field_error_not_a_failure(self, world, client_for, charge):
        client = client_for(world.users["platform_admin"])
        page = client.get(reverse("fees:unit"), {"search": "仪" * 101})
        assert page.status_code == 200 and 'id="id_search_error"' in page.content.decode()
        assert client.get("/api/v1/charges/", {"search": "仪" * 101}).status_code == 400
        assert [
            c["id"] for c in client.get("/api/v1/charges/", {"search": "测试大学"}).json()["results"]
        ] == [charge.pk]

    @pytest.mark.parametrize("role", ["external_user", "officer_a", "expert"])
    def test_the_unit_list_is_for_service_staff(self, world, client_for, charge, role):
        assert client_for(world.users[role]).get(reverse("fees:unit")).status_code == 403

    def test_other_units_staff_see_nothing_of_unit_a(self, world, client_for, charge):
        page = client_for(world.users["unit_admin_b"]).get(reverse("fees:unit")).content.decode()
        assert charge.number not in page


class TestSchedulePages:
    def url(self, world, *args):
        return reverse("fees:schedule", args=[world.published_a.pk, *args][:1])

    @pytest.mark.parametrize("role, status", [("unit_admin_a", 200), ("technician_a", 403), ("officer_a", 403),
                                              ("unit_admin_b", 403), ("external_user", 403)])  # fmt: skip
    def test_the_schedule_page_is_for_the_manager_and_the_unit_admin(self, world, client_for, role, status):
        assert client_for(world.users[role]).get(self.url(world)).status_code == status

    def test_another_units_draft_is_not_found(self, world, client_for):
        url = reverse("fees:schedule", args=[world.draft_a.pk])
        assert client_for(world.users["unit_admin_b"]).get(url).status_code == 404

    def test_add_edit_and_withdraw_a_line(self, world, client_for):
        client = client_for(world.users["unit_admin_a"])
        data = {"name": "机时费", "component": "running", "basis": "per_hour", "applies_to": "both",
                "rate_internal": "100", "rate_academic": "200.5", "rate_external": "333.33", "position": "1"}  # fmt: skip
        assert client.post(self.url(world), data).status_code == 302
        item = FeeItem.objects.get()
        assert (item.rate_academic, item.instrument) == (Decimal("200.50"), world.published_a)
        edit = reverse("fees:fee_item_edit", args=[world.published_a.pk, item.pk])
        assert client.post(edit, {**data, "rate_external": "350"}).status_code == 302
        item.refresh_from_db()
        assert item.rate_external == Decimal("350.00")
        active = reverse("fees:fee_item_active", args=[world.published_a.pk, item.pk])
        assert client.post(active, {"active": "0"}).status_code == 302
        item.refresh_from_db()
        assert not item.is_active

    @pytest.mark.parametrize(
        "field, value, message",
        [("rate_external", "12.345", "两位小数"), ("rate_internal", "-1", "不能为负数"), ("name", "", "必填"),
         ("rate_academic", "1000000.01", "不能超过")],
    )  # fmt: skip
    def test_bad_rates_are_explained_on_the_form_and_nothing_is_saved(
        self, world, client_for, field, value, message
    ):
        data = {"name": "机时费", "component": "running", "basis": "per_hour", "applies_to": "both",
                "rate_internal": "100", "rate_academic": "200", "rate_external": "300", "position": "0"}  # fmt: skip
        response = client_for(world.users["unit_admin_a"]).post(self.url(world), {**data, field: value})
        assert response.status_code == 400 and message in response.content.decode()
        assert not FeeItem.objects.exists()


def render(source: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load fees_tags %}" + source).render(Context({"request": request, **context}))


class TestTemplateTags:
    def test_an_instrument_without_prices_says_so(self, world):
        html = render(
            "{% fee_schedule instrument %}", world.users["external_user"], instrument=world.published_a
        )
        assert "收费标准未公布" in html and "设置收费标准" not in html

    def test_the_schedule_shows_each_service_with_three_rates_and_labels(self, world):
        priced(world.published_a)
        html = render(
            "{% fee_schedule instrument %}", world.users["unit_admin_a"], instrument=world.published_a
        )
        assert "自主上机" in html and "委托测试" in html
        assert "333.33" in html and "200.00" in html and "100.00" in html and "元/小时" in html
        assert "材料消耗费" in html and "按样品" in html and "人力服务费" in html
        assert "设置收费标准" in html

    def test_the_workspace_shows_unpaid_bills_and_adjustments_awaiting_approval(self, world, charge):
        html = render("{% fee_workspace %}", world.users["external_user"])
        assert charge.number in html and "666.66" in html
        services.request_adjustment(
            charge, actor=world.users["technician_a"], amount="-6.66", reason="尾数减免"
        )
        html = render("{% fee_workspace %}", world.users["unit_admin_a"])
        assert "尾数减免" in html and "666.66" in html  # this month's billed total
        assert "尾数减免" not in render("{% fee_workspace %}", world.users["unit_admin_b"])

    def test_the_workspace_is_empty_for_anonymous_visitors(self, world):
        from django.contrib.auth.models import AnonymousUser

        assert render("{% fee_workspace %}", AnonymousUser()).strip() == ""
