"""Who pays which rate, and how quotes and bills add up: to the fen, half-up per line, totals = sum of lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.core.money import to_fen
from yiqi.fees import services
from yiqi.fees.models import Charge, ChargeLine, FeeItem, UserCategory
from yiqi.fees.tests.factories import FeeItemFactory
from yiqi.organizations.models import Organization
from yiqi.organizations.tests.factories import OrganizationFactory

from .helpers import bill, billed, billed_order, priced, service


def actions(charge) -> list[str]:
    return [row["action"] for row in services.history(charge)]


@pytest.fixture
def instrument(world):
    priced(world.published_a)
    return world.published_a


class TestUserCategory:
    def test_the_owning_units_people_pay_the_internal_rate(self, world):
        assert services.user_category(world.unit_a, world.unit_a.pk) == UserCategory.INTERNAL

    @pytest.mark.parametrize("kind", [Organization.Kind.UNIVERSITY, Organization.Kind.RESEARCH_INSTITUTE])
    def test_other_universities_and_institutes_pay_the_academic_rate(self, world, kind):
        other = OrganizationFactory(kind=kind, is_management_unit=False)
        assert services.user_category(other, world.unit_a.pk) == UserCategory.ACADEMIC

    @pytest.mark.parametrize("kind", [Organization.Kind.ENTERPRISE, Organization.Kind.HOSPITAL])
    def test_enterprises_and_others_pay_the_external_rate(self, world, kind):
        other = OrganizationFactory(kind=kind, is_management_unit=False)
        assert services.user_category(other, world.unit_a.pk) == UserCategory.EXTERNAL

    def test_individuals_without_an_organisation_pay_the_external_rate(self, world):
        assert services.user_category(None, world.unit_a.pk) == UserCategory.EXTERNAL

    def test_the_charge_records_the_category_of_the_users_organisation(self, world, instrument):
        university = OrganizationFactory(name="某某理工大学", is_management_unit=False)
        charge = billed(instrument, world.users["external_user"], organization=university, minutes=60)
        assert charge.user_category == UserCategory.ACADEMIC
        assert charge.total == Decimal("200.00")


class TestArithmetic:
    def test_ugly_numbers_round_half_up_per_line_and_the_total_is_the_sum_of_lines(self, world, instrument):
        # 1 h 45 min × 333.33 = 583.3275 → 583.33; 7 samples × 12.35 = 86.45
        charge = billed(instrument, world.users["external_user"], minutes=105, samples=7)
        lines = {line.description: line for line in charge.lines.filter(stage=ChargeLine.Stage.BILL)}
        assert set(lines) == {"机时费", "耗材费"}  # labour applies to commissioned testing only
        assert (lines["机时费"].quantity, lines["机时费"].unit_price) == (Decimal("1.75"), Decimal("333.33"))
        assert lines["机时费"].amount == Decimal("583.33")
        assert lines["耗材费"].amount == Decimal("86.45")
        assert charge.total == Decimal("669.78") == sum(line.amount for line in lines.values())
        assert charge.status == Charge.Status.BILLED and charge.billed_at is not None

    def test_half_a_fen_rounds_up_on_every_line(self, world):
        instrument = world.published_a
        for name in ("电费", "水费", "气费"):
            FeeItemFactory(instrument=instrument, name=name, rate_external=Decimal("0.01"))
        # 1.75 h × 0.01 = 0.0175 → 0.02 per line: 0.06, where rounding the sum once would give 0.05
        charge = billed(instrument, world.users["external_user"], minutes=105)
        assert [line.amount for line in charge.lines.all()] == [Decimal("0.02")] * 3
        assert charge.total == Decimal("0.06")

    def test_exactly_half_a_fen_goes_up_not_to_even(self):
        assert to_fen(Decimal("0.825")) == Decimal("0.83")
        assert to_fen(Decimal("0.835")) == Decimal("0.84")
        assert to_fen(Decimal("-0.825")) == Decimal("-0.83")

    def test_an_order_is_priced_on_machine_hours_samples_and_one_item(self, world, instrument):
        charge = billed_order(instrument, world.users["external_user"], hours="1.33", samples=7)
        # 1.33 × 333.33 = 443.3289 → 443.33; 7 × 12.35 = 86.45; labour 120.00
        assert sorted(line.amount for line in charge.lines.all()) == [
            Decimal("86.45"), Decimal("120.00"), Decimal("443.33")
        ]  # fmt: skip
        assert charge.total == Decimal("649.78")

    def test_the_quote_comes_before_the_bill_and_the_bill_uses_the_actual_time(self, world, instrument):
        record = service(instrument, world.users["external_user"], minutes=120)
        quote = services.quote(record)
        assert (quote.status, quote.quoted_total, quote.total) == (
            Charge.Status.QUOTED,
            Decimal("666.66"),
            Decimal("666.66"),
        )
        charge = bill(record, hours="1.00")
        assert charge.pk == quote.pk
        assert (charge.quoted_total, charge.total) == (Decimal("666.66"), Decimal("333.33"))
        # The quote stays on record beside the bill.
        assert charge.lines.filter(stage=ChargeLine.Stage.QUOTE).count() == 2
        trail = services.history(charge)
        assert [(row["action"], row["to_state"], row["data"]) for row in trail] == [
            ("quoted", Charge.Status.QUOTED, {"total": "666.66"}),
            ("billed", Charge.Status.BILLED, {"total": "333.33"}),
        ]
        assert [row["action_label"] for row in trail] == ["报价", "出账单"]

    def test_a_changed_plan_is_quoted_again(self, world, instrument):
        record = service(instrument, world.users["external_user"], minutes=120)
        services.quote(record)
        record.planned_hours = Decimal("1.00")
        charge = services.quote(record)
        assert (charge.quoted_total, charge.total) == (Decimal("333.33"), Decimal("333.33"))
        assert charge.lines.count() == 2 and actions(charge) == ["quoted", "quoted"]

    def test_a_billed_charge_is_not_quoted_again_and_a_paid_one_not_billed_again(self, world, instrument):
        charge = billed(instrument, world.users["external_user"])
        with pytest.raises(ValidationError, match="不能报价"):
            services.quote(charge.record)
        Charge.objects.filter(pk=charge.pk).update(status=Charge.Status.PAID)
        with pytest.raises(ValidationError, match="不能出账单"):
            services.bill(charge.record)
        charge.refresh_from_db()
        assert charge.status == Charge.Status.PAID and charge.total == Decimal("666.66")
        assert actions(charge) == ["billed"]

    def test_voiding_keeps_paid_money_on_record(self, world, instrument):
        open_charge = billed(instrument, world.users["external_user"])
        assert services.void_for(open_charge.record).total == Decimal("0.00")
        assert actions(open_charge)[-1] == "voided"
        paid = billed(instrument, world.users["external_user"])
        Charge.objects.filter(pk=paid.pk).update(status=Charge.Status.PAID)
        assert services.void_for(paid.record).status == Charge.Status.PAID
        assert actions(paid) == ["billed"]

    def test_a_record_never_priced_has_nothing_to_void(self, world, instrument):
        record = service(instrument, world.users["external_user"])
        assert services.void_for(record) is None
        assert not Charge.objects.exists()


class TestEstimate:
    def test_the_estimate_uses_the_users_category_and_the_services_lines(self, world, instrument):
        estimate = services.estimate(
            instrument, services.SELF_OPERATION, world.enterprise, hours="1.75", samples=7
        )
        assert estimate.category == UserCategory.EXTERNAL
        assert estimate.total == Decimal("669.78")
        internal = services.estimate(
            instrument, services.COMMISSIONED_TESTING, world.unit_a, hours=2, samples=3
        )
        # 2 × 100 + 3 × 5 + 50 labour
        assert (internal.category_label, internal.total) == ("本单位", Decimal("265.00"))

    @pytest.mark.parametrize(
        "hours, samples, field",
        [("-1", 0, "hours"), ("abc", 0, "hours"), (1, "-2", "samples"), (1, "1.5", "samples")],
    )
    def test_impossible_quantities_are_refused(self, world, instrument, hours, samples, field):
        with pytest.raises(ValidationError) as error:
            services.estimate(instrument, services.SELF_OPERATION, None, hours=hours, samples=samples)
        assert field in error.value.message_dict

    def test_an_instrument_without_a_schedule_is_estimated_at_zero(self, world):
        assert services.estimate(world.draft_b, services.SELF_OPERATION, None, hours=3).total == Decimal(
            "0.00"
        )


class TestSchedule:
    def item(self, world, **fields):
        values = {"instrument": world.published_a, "name": "机时费", "component": FeeItem.Component.RUNNING,
                  "basis": FeeItem.Basis.PER_HOUR, "rate_internal": "100", "rate_academic": "150.5",
                  "rate_external": "200.25"}  # fmt: skip
        return FeeItem(**{**values, **fields})

    @pytest.mark.parametrize("role", ["unit_admin_a", "manager_a"])
    def test_the_manager_and_the_unit_admin_set_the_schedule(self, world, role):
        world.published_a.manager = world.users["manager_a"]
        world.published_a.save()
        item = services.save_fee_item(self.item(world), actor=world.users[role])
        item.refresh_from_db()
        assert (item.rate_internal, item.rate_academic, item.rate_external) == (
            Decimal("100.00"), Decimal("150.50"), Decimal("200.25")
        )  # fmt: skip

    @pytest.mark.parametrize(
        "role", ["technician_a", "officer_a", "unit_admin_b", "external_user", "manager_a"]
    )
    def test_nobody_else_does(self, world, role):
        with pytest.raises(PermissionDenied):
            services.save_fee_item(self.item(world), actor=world.users[role])
        assert not FeeItem.objects.exists()

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("rate_external", "12.345", "两位小数"),
            ("rate_internal", "-1", "不能为负数"),
            ("rate_academic", "2000000", "不能超过"),
            ("rate_academic", "abc", "请填写金额"),
            ("rate_academic", "NaN", "请填写金额"),
            ("name", "   ", "请填写收费项目名称"),
            ("basis", "per_year", "有效选项"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_saves_nothing(self, world, field, value, message):
        with pytest.raises(ValidationError) as error:
            services.save_fee_item(self.item(world, **{field: value}), actor=world.users["unit_admin_a"])
        assert message in " ".join(error.value.message_dict[field])
        assert not FeeItem.objects.exists()

    def test_changing_or_withdrawing_a_price_leaves_existing_quotes_and_bills_alone(self, world, instrument):
        admin = world.users["unit_admin_a"]
        hourly = FeeItem.objects.get(instrument=instrument, name="机时费")
        quoted = services.quote(service(instrument, world.users["external_user"]))
        charge = billed(instrument, world.users["external_user"])
        snapshot = [
            (c.quoted_total, c.total, list(c.lines.values_list("unit_price", "amount")))
            for c in (quoted, charge)
        ]

        hourly.rate_external = Decimal("999.99")
        hourly.name = "新机时费"
        services.save_fee_item(hourly, actor=admin)
        services.set_fee_item_active(FeeItem.objects.get(name="耗材费"), active=False, actor=admin)

        for before, c in zip(snapshot, (quoted, charge), strict=True):
            c.refresh_from_db()
            assert (c.quoted_total, c.total, list(c.lines.values_list("unit_price", "amount"))) == before
        assert set(charge.lines.values_list("description", flat=True)) == {
            "机时费",
            "耗材费",
        }  # old names too
        # New service is priced on the new schedule.
        assert billed(instrument, world.users["external_user"], minutes=60, samples=2).total == Decimal(
            "999.99"
        )

    def test_an_item_cannot_move_to_another_instrument(self, world, instrument):
        item = FeeItem.objects.filter(instrument=instrument).first()
        item.instrument = world.draft_a
        with pytest.raises(ValidationError, match="不能更改"):
            services.save_fee_item(item, actor=world.users["unit_admin_a"])

    def test_the_published_schedule_lists_offered_services_with_their_items(self, world, instrument):
        groups = dict(services.published_schedule(instrument))
        assert [i.name for i in groups["自主上机"]] == ["机时费", "耗材费"]
        assert [i.name for i in groups["委托测试"]] == ["机时费", "耗材费", "测试人工费"]
        instrument.offers_commissioned_testing = False
        FeeItem.objects.filter(name="耗材费").update(is_active=False)
        assert [
            (str(s), [i.name for i in items]) for s, items in services.published_schedule(instrument)
        ] == [("自主上机", ["机时费"])]
