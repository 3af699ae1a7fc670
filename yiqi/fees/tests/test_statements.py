"""Monthly statements add up: the page, the API, the CSV and the workbook show the sum of the bills they list."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import UserFactory, user_with_role
from yiqi.fees import services, statements
from yiqi.fees.models import Charge
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

from .helpers import billed, billed_order, local, priced, service

NOV = local(2026, 11, 12, 10)


class Scene:
    """November 2026 at two units, paid by an enterprise, a university, the unit's own people and individuals."""

    def __init__(self, world):
        self.world = world
        users = world.users
        self.enterprise_user, self.admin_a = users["external_user"], users["unit_admin_a"]
        self.colleague = user_with_role(Role.EXTERNAL_USER, organization=world.enterprise, full_name="同事")
        self.university = OrganizationFactory(name="某某理工大学", is_management_unit=False)
        self.professor = user_with_role(Role.EXTERNAL_USER, organization=self.university)
        self.individual, self.other_individual = UserFactory(), UserFactory()
        self.insider = user_with_role(Role.TECHNICIAN, organization=world.unit_a)
        self.spectrometer = InstrumentFactory(
            unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED, name="=光谱仪"
        )
        self.instrument_b = InstrumentFactory(
            unit=world.unit_b, registration_status=RegistrationStatus.PUBLISHED
        )
        for instrument in (world.published_a, self.spectrometer, self.instrument_b):
            priced(instrument)
        a, s = world.published_a, self.spectrometer
        ent = world.enterprise
        self.november_a = [
            billed(a, self.enterprise_user, organization=ent, minutes=105, samples=7, at=NOV),
            billed(s, self.enterprise_user, organization=ent, minutes=50, at=local(2026, 11, 1, 0, 0)),
            billed(a, self.colleague, organization=ent, minutes=95, samples=3, at=NOV),
            billed(s, self.professor, organization=self.university, minutes=75, samples=1, at=NOV),
            billed(a, self.individual, minutes=61, at=NOV),
            billed_order(s, self.other_individual, hours="0.77", samples=11, at=local(2026, 11, 30, 23, 59)),
            billed_order(a, self.insider, organization=world.unit_a, hours="2.5", samples=2, at=NOV),
        ]
        tech = users["technician_a"]
        first, second, third, *_ = self.november_a
        approved = services.request_adjustment(first, actor=tech, amount="-66.66", reason="设备故障减免")
        services.decide_adjustment(approved, actor=self.admin_a, approve=True)
        extra = services.request_adjustment(third, actor=tech, amount="12.34", reason="额外耗材")
        services.decide_adjustment(extra, actor=self.admin_a, approve=True)
        rejected = services.request_adjustment(self.november_a[3], actor=tech, amount="-50", reason="优惠")
        services.decide_adjustment(rejected, actor=self.admin_a, approve=False, comment="无依据")
        services.record_payment(second, actor=tech, reference="=HYPERLINK(1)", paid_on="2026-11-20")
        # Not on the November statement of unit A:
        self.voided = services.void_for(billed(a, self.enterprise_user, organization=ent, at=NOV).record)
        self.quoted = services.quote(service(a, self.enterprise_user, organization=ent))
        self.october = billed(a, self.enterprise_user, organization=ent, at=local(2026, 10, 31, 23, 59))
        self.december = billed(s, self.individual, at=local(2026, 12, 1, 0, 0))
        self.november_b = billed(
            self.instrument_b, self.enterprise_user, organization=ent, minutes=30, at=NOV
        )
        for charge in self.november_a:
            charge.refresh_from_db()

    @property
    def expected_total(self) -> Decimal:
        return sum((c.total for c in self.november_a), Decimal("0.00"))


@pytest.fixture
def scene(world):
    return Scene(world)


def money(text) -> Decimal:
    return Decimal(str(text).replace(",", ""))


class TestUnitStatement:
    def test_grouped_by_paying_organisation_with_individuals_last_and_totals_that_reconcile(self, scene):
        statement = statements.unit_statement(
            access_for(scene.admin_a), scene.world.unit_a, statements.parse_month("2026-11")
        )
        assert {row.charge.pk for row in statement.rows} == {c.pk for c in scene.november_a}
        labels = [g.label for g in statement.groups]
        assert sorted(labels[:-1]) == sorted(["西安某某科技有限公司", "某某理工大学", "西北测试大学"])
        assert labels[-1] == "个人用户"
        individuals = statement.groups[-1]
        assert {r.charge.payer for r in individuals.rows} == {scene.individual, scene.other_individual}
        enterprise = next(g for g in statement.groups if g.organization == scene.world.enterprise)
        assert len(enterprise.rows) == 3
        assert enterprise.subtotal == sum(r.charge.total for r in enterprise.rows)
        for row in statement.rows:
            assert row.amount + row.adjustments == row.charge.total
        assert statement.total == sum(g.subtotal for g in statement.groups) == scene.expected_total
        assert statement.adjustments == Decimal("-54.32")  # approved only: -66.66 + 12.34
        assert statement.amount + statement.adjustments == statement.total

    def test_a_bill_counts_in_the_month_of_shanghai_time(self, scene, world):
        access = access_for(scene.admin_a)
        october = statements.unit_statement(access, world.unit_a, statements.parse_month("2026-10"))
        december = statements.unit_statement(access, world.unit_a, statements.parse_month("2026-12"))
        assert [r.charge.pk for r in october.rows] == [scene.october.pk]
        assert [r.charge.pk for r in december.rows] == [scene.december.pk]

    def test_an_instrument_manager_sees_only_the_instruments_they_manage(self, scene, world):
        manager = world.users["manager_a"]
        scene.spectrometer.manager = manager
        scene.spectrometer.save()
        statement = statements.unit_statement(
            access_for(manager), world.unit_a, statements.parse_month("2026-11")
        )
        assert {r.charge.instrument for r in statement.rows} == {scene.spectrometer}

    @pytest.mark.parametrize("role", ["officer_a", "unit_admin_b", "external_user", "department_admin_a"])
    def test_others_get_no_statement_of_the_unit(self, scene, world, role):
        with pytest.raises(PermissionDenied):
            statements.unit_statement(access_for(world.users[role]), world.unit_a, statements.parse_month(""))

    def test_the_page_and_both_exports_show_the_same_sums(self, scene, client_for):
        client = client_for(scene.admin_a)
        page = client.get(reverse("fees:statement"), {"month": "2026-11"})
        assert page.status_code == 200
        html = page.content.decode()
        grand = html.split("data-grand-total>")[1].split("<")[0]
        assert money(grand) == scene.expected_total
        assert (
            "个人用户" in html
            and scene.university.name in html
            and scene.november_b.instrument.name not in html
        )

        response = client.get(reverse("fees:statement_export", args=["csv"]), {"month": "2026-11"})
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        header, bills, totals = rows[0], rows[1:-1], rows[-1]
        total_col, amount_col, adjust_col = (
            header.index("应收金额（元）"),
            header.index("结算金额（元）"),
            header.index("调整金额（元）"),
        )
        assert len(bills) == len(scene.november_a)
        assert sum(money(r[total_col]) for r in bills) == money(totals[total_col]) == scene.expected_total
        assert money(totals[amount_col]) + money(totals[adjust_col]) == scene.expected_total
        assert totals[0].startswith("合计")
        assert "'=光谱仪" in text and "'=HYPERLINK(1)" in text  # never a formula
        assert {r[header.index("单号")] for r in bills} == {c.number for c in scene.november_a}

        response = client.get(reverse("fees:statement_export", args=["xlsx"]), {"month": "2026-11"})
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = list(ws.values)
        header, bills, totals = values[0], values[1:-1], values[-1]
        total_col = header.index("应收金额（元）")
        assert len(bills) == len(scene.november_a)
        assert sum(money(r[total_col]) for r in bills) == money(totals[total_col]) == scene.expected_total
        assert "=光谱仪" in {r[header.index("仪器")] for r in bills}  # text, not a formula
        assert ws.cell(row=2, column=total_col + 1).data_type == "n"

    def test_the_api_statement_matches(self, scene, client_for, world):
        data = (
            client_for(scene.admin_a)
            .get("/api/v1/statements/", {"month": "2026-11", "unit": world.unit_a.pk})
            .json()
        )
        assert data["month"] == "2026-11" and data["unit_name"] == "西北测试大学"
        assert money(data["total"]) == scene.expected_total
        assert data["count"] == len(scene.november_a)
        assert sum(money(c["total"]) for g in data["groups"] for c in g["charges"]) == scene.expected_total
        assert sum(money(g["subtotal"]) for g in data["groups"]) == scene.expected_total
        assert data["groups"][-1]["organization"] is None and data["groups"][-1]["label"] == "个人用户"
        assert all(isinstance(c["total"], str) and c["total"].count(".") == 1 and len(c["total"].split(".")[1]) == 2
                   for g in data["groups"] for c in g["charges"])  # fmt: skip


class TestPayerStatement:
    def test_a_member_sees_their_organisations_bills_from_every_unit(self, scene, client_for):
        statement = statements.payer_statement(
            access_for(scene.enterprise_user), statements.parse_month("2026-11")
        )
        expected = [c for c in scene.november_a if c.payer_organization == scene.world.enterprise]
        assert {r.charge.pk for r in statement.rows} == {c.pk for c in expected} | {scene.november_b.pk}
        assert statement.unit is None
        page = client_for(scene.enterprise_user).get(reverse("fees:statement"), {"month": "2026-11"})
        html = page.content.decode()
        assert money(html.split("data-grand-total>")[1].split("<")[0]) == statement.total
        own, colleagues = scene.november_a[0], scene.november_a[2]
        assert reverse("fees:charge_detail", args=[own.pk]) in html
        assert reverse("fees:charge_detail", args=[colleagues.pk]) not in html  # listed, not opened

    def test_an_individual_sees_only_their_own_bills(self, scene, client_for):
        data = client_for(scene.individual).get("/api/v1/statements/", {"month": "2026-11"}).json()
        assert [c["id"] for g in data["groups"] for c in g["charges"]] == [scene.november_a[4].pk]
        assert data["groups"][0]["label"] == "个人用户"

    def test_a_payer_cannot_ask_for_a_units_statement(self, scene, client_for, world):
        client = client_for(scene.enterprise_user)
        assert client.get(reverse("fees:statement"), {"unit": world.unit_a.pk}).status_code == 404
        assert (
            client.get("/api/v1/statements/", {"unit": world.unit_a.pk}).status_code == 404
        )  # as on the page: no hint which units exist


@pytest.mark.parametrize("month", ["2026-13", "11-2026", "2026/11", "abc", "2026-00", "1899-01"])
def test_a_malformed_month_gets_a_clear_message(world, client_for, month):
    client = client_for(world.users["unit_admin_a"])
    page = client.get(reverse("fees:statement"), {"month": month})
    assert page.status_code == 400 and "月份格式" in page.content.decode()
    assert client.get(reverse("fees:statement_export", args=["csv"]), {"month": month}).status_code == 400
    response = client.get("/api/v1/statements/", {"month": month})
    assert response.status_code == 400 and "月份格式" in response.json()["month"][0]
    listing = client.get(reverse("fees:unit"), {"month": month})
    assert "月份格式" in listing.content.decode()


def test_an_empty_month_has_an_empty_statement_that_adds_up_to_zero(world, client_for):
    response = client_for(world.users["unit_admin_a"]).get(reverse("fees:statement_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[-1][0].startswith("合计")
    assert Charge.objects.count() == 0
