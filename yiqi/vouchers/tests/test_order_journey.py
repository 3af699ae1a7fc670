"""The issue's "done when", over the API only: the authority opens a programme, a unit registers as provider, a
company gets a voucher, spends it on a commissioned-testing order, the provider claims and is paid. And the voucher
part of an order is held from the quote and comes back when the order is cancelled."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from yiqi.fees.tests.helpers import priced

pytestmark = pytest.mark.django_db
API = "/api/v1/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ok(response, code=200) -> dict:
    assert response.status_code == code, response.content.decode()
    return response.json()


class Journey:
    """The people of the shared world, each with an API client, and the steps they take."""

    def __init__(self, world):
        self.world = world
        instrument = world.published_a
        instrument.manager = world.users["manager_a"]
        instrument.save()
        priced(instrument)  # 333.33 元/h, 12.35 元/sample, 120 元 labour per order (external rates)
        self.instrument = instrument
        self.authority = api(world.users["department_admin_a"])
        self.provider = api(world.users["unit_admin_a"])
        self.manager = api(world.users["manager_a"])
        self.company = api(world.users["external_user"])

    def open_programme(self) -> dict:
        today = timezone.localdate()
        return ok(
            self.authority.post(
                f"{API}voucher-programmes/",
                {
                    "name": "科技创新券",
                    "year": today.year,
                    "authority": self.world.department_a.pk,
                    "region": self.world.department_a.region.code,
                    "budget": "1000000",
                    "per_application_cap": "20000",
                    "per_year_cap": "100000",
                    "use_by": str(today + dt.timedelta(days=90)),
                    "cash_by": str(today + dt.timedelta(days=120)),
                    "bands": [
                        {"up_to": "10000", "covered_share": "1"},
                        {"up_to": None, "covered_share": "50%"},
                    ],
                },
                format="json",
            ),
            201,
        )

    def register_provider(self, programme: dict) -> dict:
        unit = self.world.unit_a
        registration = ok(
            self.provider.post(
                f"{API}voucher-providers/",
                {
                    "programme": programme["id"],
                    "unit": unit.pk,
                    "credit_code": unit.credit_code,
                    "legal_representative": "王大明",
                    "registered_address": "西安市碑林区友谊西路 127 号",
                    "bank_name": "中国银行西安分行",
                    "bank_account": "6216610100000000001",
                    "account_name": unit.name,
                    "licence": pdf("营业执照.pdf"),
                },
                format="multipart",
            ),
            201,
        )
        assert registration["status"] == "submitted"
        return ok(
            self.authority.post(
                f"{API}voucher-providers/{registration['id']}/decide/", {"action": "approve"}, format="json"
            )
        )

    def get_voucher(self, programme: dict, amount: str) -> dict:
        enterprise = self.world.enterprise
        application = ok(
            self.company.post(
                f"{API}voucher-applications/",
                {
                    "programme": programme["id"],
                    "company": enterprise.pk,
                    "credit_code": enterprise.credit_code,
                    "project": "钛合金新材料的形貌表征",
                    "requested": amount,
                },
                format="json",
            ),
            201,
        )
        decided = ok(
            self.authority.post(
                f"{API}voucher-applications/{application['id']}/decide/",
                {"decision": "approve"},
                format="json",
            )
        )
        assert decided["status"] == "approved" and decided["approved_amount"] == amount
        (account,) = ok(self.company.get(f"{API}voucher-accounts/"))["results"]
        return account

    def account(self, account: dict) -> dict:
        return ok(self.company.get(f"{API}voucher-accounts/{account['id']}/"))

    def quoted_order(self) -> dict:
        order = ok(
            self.company.post(
                f"{API}orders/",
                {
                    "instrument": self.instrument.pk,
                    "sample_name": "钛合金块",
                    "sample_count": 2,
                    "sample_description": "Ti-6Al-4V",
                    "requirements": "表面形貌",
                },
                format="json",
            ),
            201,
        )
        return self.step(self.manager, order, "quote", hours="2")

    def step(self, client, order: dict, action: str, **fields) -> dict:
        return ok(
            client.post(f"{API}orders/{order['id']}/transition/", {"action": action, **fields}, format="json")
        )

    def charge_of(self, order: dict) -> dict:
        """The order's charge as the company finds it in its bills (the charge names its service record)."""
        charges = ok(self.company.get(f"{API}charges/"))["results"]
        return next(c for c in charges if c["reference"] == order["number"])

    def pay_with_voucher(self, order: dict, account: dict, amount: str) -> dict:
        return ok(
            self.company.post(
                f"{API}voucher-payments/",
                {"record": self.charge_of(order)["record"], "account": account["id"], "amount": amount},
                format="json",
            ),
            201,
        )


def test_a_company_spends_its_voucher_on_an_order_and_the_provider_is_paid(world):
    journey = Journey(world)
    programme = journey.open_programme()
    provider = journey.register_provider(programme)
    assert provider["status"] == "approved"
    account = journey.get_voucher(programme, "5000.00")
    assert account["available"] == "5000.00"

    # The unit quotes the order: 2 h × 333.33 + 2 samples × 12.35 + 120.00 labour.
    order = journey.quoted_order()
    assert order["charge"]["total"] == "811.36"
    payment = journey.pay_with_voucher(order, account, "800.00")
    assert payment["status"] == "held"
    assert (journey.account(account)["available"], journey.account(account)["held"]) == ("4200.00", "800.00")

    manager, company = journey.manager, journey.company
    journey.step(company, order, "confirm")
    journey.step(manager, order, "receive_samples")
    journey.step(manager, order, "start_testing")
    ok(
        manager.post(f"{API}orders/{order['id']}/results/", {"files": [pdf("报告.pdf")]}, format="multipart"),
        201,
    )
    start = timezone.localtime() - dt.timedelta(hours=3)
    journey.step(
        manager,
        order,
        "publish_results",
        machine_hours="2",
        tested_from=start.isoformat(),
        tested_until=(start + dt.timedelta(hours=2)).isoformat(),
    )
    assert journey.step(company, order, "accept")["charge"]["status"] == "billed"
    payment = ok(company.get(f"{API}voucher-payments/{payment['id']}/"))
    assert (payment["status"], payment["amount"]) == ("spent", "800.00")

    # The company pays the 11.36 the voucher did not cover; the unit records it.
    charge = journey.charge_of(order)
    paid = ok(
        manager.post(
            f"{API}charges/{charge['id']}/record-payment/",
            {"reference": "ZZ-2026-0001", "paid_on": str(timezone.localdate())},
            format="json",
        )
    )
    assert paid["status"] == "paid"

    claim = ok(
        journey.provider.post(
            f"{API}voucher-claims/",
            {"payment": payment["id"], "contract": pdf("合同.pdf"), "invoice": pdf("发票.pdf")},
            format="multipart",
        ),
        201,
    )
    assert (claim["amount"], claim["status"], claim["flags"]) == ("800.00", "submitted", [])
    authority = journey.authority
    ok(authority.post(f"{API}voucher-claims/{claim['id']}/decide/", {"decision": "approve"}, format="json"))
    ok(authority.post(f"{API}voucher-batches/{claim['batch']}/review/"))
    batch = ok(
        authority.post(
            f"{API}voucher-batches/{claim['batch']}/pay/", {"reference": "CZ-2026-12"}, format="json"
        )
    )
    assert batch["status"] == "paid" and batch["payout_reference"] == "CZ-2026-12"

    # The provider sees its claim paid; the company's balance and the programme's figures agree.
    assert ok(journey.provider.get(f"{API}voucher-claims/{claim['id']}/"))["status"] == "paid"
    balances = journey.account(account)
    assert (balances["available"], balances["held"], balances["paid"]) == ("4200.00", "0.00", "800.00")
    report = ok(authority.get(f"{API}voucher-programmes/{programme['id']}/report/"))
    assert report["totals"]["paid"] == "800.00" and report["unallocated"] == "995000.00"
    assert [(row["provider"], row["paid"]) for row in report["providers"]] == [(world.unit_a.name, "800.00")]


def test_the_voucher_part_is_held_from_the_quote_and_released_when_the_order_is_cancelled(world):
    journey = Journey(world)
    programme = journey.open_programme()
    journey.register_provider(programme)
    account = journey.get_voucher(programme, "5000.00")
    order = journey.quoted_order()
    payment = journey.pay_with_voucher(order, account, "811.36")
    journey.step(journey.company, order, "confirm")
    assert journey.account(account)["held"] == "811.36"

    cancelled = journey.step(journey.company, order, "cancel")
    assert cancelled["status"] == "cancelled" and cancelled["charge"]["status"] == "void"
    payment = ok(journey.company.get(f"{API}voucher-payments/{payment['id']}/"))
    assert payment["status"] == "released"
    balances = journey.account(account)
    assert (balances["available"], balances["held"], balances["spent"]) == ("5000.00", "0.00", "0.00")
    # Nothing was spent, so there is nothing to claim.
    response = journey.provider.post(
        f"{API}voucher-claims/",
        {"payment": payment["id"], "contract": pdf("合同.pdf"), "invoice": pdf("发票.pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "没有已抵扣" in response.json()["payment"][0]
    assert (
        Decimal(
            ok(journey.authority.get(f"{API}voucher-programmes/{programme['id']}/report/"))["totals"]["held"]
        )
        == 0
    )
