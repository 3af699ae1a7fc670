"""Adjusting a bill needs a reason and another person's approval; a payment is recorded once and closes it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.models import AuditEvent
from yiqi.fees import services
from yiqi.fees.models import Charge, ChargeAdjustment
from yiqi.notifications.models import Notification

from .helpers import billed, priced, service


@pytest.fixture
def charge(world):
    priced(world.published_a)
    return billed(world.published_a, world.users["external_user"])  # 2 h × 333.33 = 666.66


def state(charge):
    charge.refresh_from_db()
    return (
        charge.status,
        charge.total,
        charge.adjustments.count(),
        AuditEvent.objects.for_object(charge).count(),
    )


def actions(obj, machine=services.CHARGES) -> list[str]:
    return [row["action"] for row in machine.history(obj)]


class TestAdjustments:
    def test_staff_request_an_admin_approves_and_the_payer_is_told(self, world, charge):
        tech, admin, payer = (
            world.users["technician_a"],
            world.users["unit_admin_a"],
            world.users["external_user"],
        )
        adjustment = services.request_adjustment(
            charge, actor=tech, amount="-66.66", reason=" 设备故障，减免一成 "
        )
        assert (adjustment.status, adjustment.reason) == (
            ChargeAdjustment.Status.PENDING,
            "设备故障，减免一成",
        )
        charge.refresh_from_db()
        assert charge.total == Decimal("666.66")  # nothing counts before approval
        assert Notification.objects.filter(
            recipient=admin, url__endswith=f"/fees/charges/{charge.pk}/"
        ).exists()

        services.decide_adjustment(adjustment, actor=admin, approve=True)
        charge.refresh_from_db()
        assert charge.total == Decimal("600.00")
        assert Notification.objects.filter(recipient=payer, subject__contains="费用已调整").exists()
        assert Notification.objects.filter(recipient=tech, subject__contains="已批准").exists()
        trail = services.history(charge)
        assert [(row["action"], row["data"]["total"]) for row in trail][-2:] == [
            ("adjustment_requested", "666.66"), ("adjustment_approved", "600.00")
        ]  # fmt: skip
        assert [row["action_label"] for row in trail][-2:] == ["申请调整", "批准调整"]
        assert trail[-2]["comment"] == "-66.66 · 设备故障，减免一成"
        # The adjustment keeps its own trail: asked for, then decided.
        adjustment.refresh_from_db()
        assert actions(adjustment, services.ADJUSTMENTS) == ["create", "approve"]
        assert (adjustment.decided_by, adjustment.status) == (admin, ChargeAdjustment.Status.APPROVED)

    def test_an_extra_charge_is_positive(self, world, charge):
        adjustment = services.request_adjustment(
            charge, actor=world.users["technician_a"], amount=Decimal("33.34"), reason="额外液氮"
        )
        services.decide_adjustment(adjustment, actor=world.users["unit_admin_a"], approve=True)
        charge.refresh_from_db()
        assert charge.total == Decimal("700.00")

    def test_rejected_adjustments_do_not_count_and_need_a_comment(self, world, charge):
        adjustment = services.request_adjustment(
            charge, actor=world.users["technician_a"], amount="-100", reason="老客户优惠"
        )
        with pytest.raises(ValidationError) as error:
            services.decide_adjustment(adjustment, actor=world.users["unit_admin_a"], approve=False)
        assert "comment" in error.value.message_dict
        services.decide_adjustment(
            adjustment, actor=world.users["unit_admin_a"], approve=False, comment="无依据"
        )
        adjustment.refresh_from_db()
        charge.refresh_from_db()
        assert (adjustment.status, charge.total) == (ChargeAdjustment.Status.REJECTED, Decimal("666.66"))
        assert adjustment.decision_comment == "无依据" and actions(charge)[-1] == "adjustment_rejected"
        assert services.recompute_total(charge) == Decimal("666.66")
        with pytest.raises(ValidationError, match="已经审批过"):
            services.decide_adjustment(adjustment, actor=world.users["unit_admin_a"], approve=True)

    def test_the_requester_never_approves_their_own_adjustment(self, world, charge):
        admin = world.users["unit_admin_a"]
        adjustment = services.request_adjustment(charge, actor=admin, amount="-10", reason="尾数减免")
        with pytest.raises(PermissionDenied, match="自己"):
            services.decide_adjustment(adjustment, actor=admin, approve=True)
        second_admin = user_with_role(Role.UNIT_ADMIN, organization=world.unit_a)
        services.decide_adjustment(adjustment, actor=second_admin, approve=True)
        charge.refresh_from_db()
        assert charge.total == Decimal("656.66")

    @pytest.mark.parametrize(
        "role", ["technician_a", "manager_a", "officer_a", "unit_admin_b", "external_user"]
    )
    def test_only_a_unit_admin_of_the_issuing_unit_decides(self, world, charge, role):
        adjustment = services.request_adjustment(
            charge, actor=world.users["technician_a"], amount="-10", reason="尾数减免"
        )
        with pytest.raises(PermissionDenied):
            services.decide_adjustment(adjustment, actor=world.users[role], approve=True)
        adjustment.refresh_from_db()
        assert adjustment.status == ChargeAdjustment.Status.PENDING

    @pytest.mark.parametrize(
        "role", ["officer_a", "manager_a", "unit_admin_b", "external_user", "platform_admin"]
    )
    def test_only_the_instruments_service_staff_request(self, world, charge, role):
        # Platform admins oversee every charge but do not change a unit's bills.
        with pytest.raises(PermissionDenied):
            services.request_adjustment(charge, actor=world.users[role], amount="-1", reason="试试")
        assert not ChargeAdjustment.objects.exists()

    @pytest.mark.parametrize(
        "amount, reason, field, message",
        [
            ("0", "无", "amount", "不能为零"),
            ("0.00", "无", "amount", "不能为零"),
            ("-10.005", "无", "amount", "两位小数"),
            ("-666.67", "全免还多", "amount", "不能低于零"),
            ("abc", "无", "amount", "请填写金额"),
            ("99999999", "无", "amount", "不能超过"),
            ("-10", "", "reason", "请填写调整原因"),
            ("-10", "   ", "reason", "请填写调整原因"),
            ("-10", "长" * 301, "reason", "300"),
        ],
    )
    def test_bad_requests_get_a_clear_message_and_change_nothing(
        self, world, charge, amount, reason, field, message
    ):
        before = state(charge)
        with pytest.raises(ValidationError) as error:
            services.request_adjustment(
                charge, actor=world.users["technician_a"], amount=amount, reason=reason
            )
        assert message in " ".join(error.value.message_dict[field])
        assert state(charge) == before

    def test_the_whole_bill_may_be_waived_but_never_go_below_zero(self, world, charge):
        tech, admin = world.users["technician_a"], world.users["unit_admin_a"]
        first = services.request_adjustment(charge, actor=tech, amount="-600", reason="合作项目减免")
        second = services.request_adjustment(charge, actor=tech, amount="-66.66", reason="尾数减免")
        third = services.request_adjustment(charge, actor=tech, amount="-0.01", reason="重复减免")
        services.decide_adjustment(first, actor=admin, approve=True)
        services.decide_adjustment(second, actor=admin, approve=True)
        charge.refresh_from_db()
        assert charge.total == Decimal("0.00")
        with pytest.raises(ValidationError, match="低于零"):
            services.decide_adjustment(third, actor=admin, approve=True)
        third.refresh_from_db()
        assert third.status == ChargeAdjustment.Status.PENDING

    def test_quoted_void_and_paid_charges_are_not_adjusted(self, world, charge):
        tech = world.users["technician_a"]
        quoted = services.quote(service(world.published_a, world.users["external_user"]))
        with pytest.raises(ValidationError, match="尚未出账单"):
            services.request_adjustment(quoted, actor=tech, amount="-1", reason="x")
        services.record_payment(charge, actor=tech, reference="INV-1", paid_on=timezone.localdate())
        with pytest.raises(ValidationError, match="已缴清"):
            services.request_adjustment(charge, actor=tech, amount="-1", reason="x")
        services.void_for(quoted.record)
        with pytest.raises(ValidationError, match="已作废"):
            services.request_adjustment(quoted, actor=tech, amount="-1", reason="x")
        assert not ChargeAdjustment.objects.exists()


class TestPayment:
    def test_staff_record_the_payment_and_the_payer_is_told(self, world, charge):
        today = timezone.localdate()
        paid = services.record_payment(
            charge, actor=world.users["technician_a"], reference=" 转账 2026110012 ", paid_on=today
        )
        assert (paid.status, paid.payment_reference, paid.paid_on) == (
            Charge.Status.PAID,
            "转账 2026110012",
            today,
        )
        assert paid.payment_recorded_by == world.users["technician_a"] and paid.paid_at is not None
        last = services.history(paid)[-1]
        assert (last["action"], last["actor"], last["comment"]) == (
            "paid",
            world.users["technician_a"],
            "转账 2026110012",
        )
        assert Notification.objects.filter(
            recipient=world.users["external_user"], subject__contains="已收到您的缴费"
        ).exists()

    def test_a_charge_is_never_paid_twice(self, world, charge):
        services.record_payment(
            charge,
            actor=world.users["technician_a"],
            reference="A-1",
            paid_on=timezone.localdate().isoformat(),
        )
        before = state(charge)
        with pytest.raises(ValidationError, match="不能重复登记") as error:
            services.record_payment(
                charge, actor=world.users["unit_admin_a"], reference="A-2", paid_on=timezone.localdate()
            )
        assert "A-1" in error.value.messages[0]
        assert state(charge) == before and charge.payment_reference == "A-1"

    def test_no_payment_while_an_adjustment_waits_for_approval(self, world, charge):
        services.request_adjustment(charge, actor=world.users["technician_a"], amount="-6.66", reason="尾数")
        with pytest.raises(ValidationError, match="待审批"):
            services.record_payment(
                charge, actor=world.users["technician_a"], reference="A-1", paid_on=timezone.localdate()
            )
        assert services.available_actions(charge, access_for(world.users["technician_a"])) == ["adjust"]

    @pytest.mark.parametrize(
        "reference, paid_on, field",
        [
            ("", "today", "reference"),
            ("   ", "today", "reference"),
            ("x" * 101, "today", "reference"),
            ("A-1", "2026-02-30", "paid_on"),
            ("A-1", "tomorrow", "paid_on"),
            ("A-1", "before_bill", "paid_on"),
        ],
    )
    def test_bad_payments_get_a_clear_message_and_change_nothing(
        self, world, charge, reference, paid_on, field
    ):
        today = timezone.localdate()
        paid_on = {
            "today": today,
            "tomorrow": today + dt.timedelta(days=1),
            "before_bill": timezone.localdate(charge.billed_at) - dt.timedelta(days=1),
        }.get(paid_on, paid_on)
        before = state(charge)
        with pytest.raises(ValidationError) as error:
            services.record_payment(
                charge, actor=world.users["technician_a"], reference=reference, paid_on=paid_on
            )
        assert field in error.value.message_dict
        assert state(charge) == before

    @pytest.mark.parametrize("role", ["officer_a", "unit_admin_b", "external_user", "department_admin_a"])
    def test_only_service_staff_record_payments(self, world, charge, role):
        with pytest.raises(PermissionDenied):
            services.record_payment(
                charge, actor=world.users[role], reference="A-1", paid_on=timezone.localdate()
            )
        charge.refresh_from_db()
        assert charge.status == Charge.Status.BILLED

    def test_a_quote_is_not_paid(self, world, charge):
        quoted = services.quote(service(world.published_a, world.users["external_user"]))
        with pytest.raises(ValidationError, match="尚未出账单"):
            services.record_payment(
                quoted, actor=world.users["technician_a"], reference="A-1", paid_on=timezone.localdate()
            )
