"""The voucher API: every step of the journey over HTTP, field-level refusals, and lists whose query count does
not grow with their rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.core.models import AuditEvent
from yiqi.fees import services as fees
from yiqi.fees.tests.helpers import bill
from yiqi.organizations.tests.factories import OrganizationFactory
from yiqi.vouchers.models import Batch, Claim, LedgerEntry, Payment, Programme
from yiqi.vouchers.services import ledger

from .helpers import (
    apply_for_quota,
    build_scene,
    claim,
    company_with_user,
    grant,
    make_programme,
    paid_out,
    pdf,
    quoted_service,
    register_provider,
    served_and_paid,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/"


def test_the_journey_over_the_api(client_for):
    scene = build_scene()
    authority = client_for(scene.authority)
    created = authority.post(
        f"{API}voucher-programmes/",
        {
            "name": "县级创新券",
            "year": 2026,
            "level": "county",
            "authority": scene.authority_dept.pk,
            "region": scene.programme.region.code,
            "parent": scene.programme.pk,
            "parent_share": "30%",
            "budget": "2000000",
            "per_application_cap": "20000",
            "per_year_cap": "100000",
            "use_by": "2099-12-31",
            "cash_by": "2099-12-31",
            "bands": [{"up_to": "10000", "covered_share": "1"}, {"up_to": None, "covered_share": "0.5"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["parent_share"] == "0.3000" and len(created.json()["bands"]) == 2

    company = client_for(scene.company_user)
    applied = company.post(
        f"{API}voucher-applications/",
        {"programme": scene.programme.pk, "company": scene.company.pk, "credit_code": scene.company.credit_code,
         "project": "材料检测", "requested": "1000.00"},
        content_type="application/json",
    )  # fmt: skip
    assert applied.status_code == 201, applied.content
    decided = client_for(scene.authority).post(
        f"{API}voucher-applications/{applied.json()['id']}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert decided.json()["approved_amount"] == "1000.00"
    account = client_for(scene.company_user).get(f"{API}voucher-accounts/{scene.account.pk}/").json()
    assert account["available"] == "6000.00"

    record = quoted_service(scene)
    paid = client_for(scene.company_user).post(
        f"{API}voucher-payments/",
        {"record": record.pk, "account": scene.account.pk, "amount": "600.00"},
        content_type="application/json",
    )
    assert paid.status_code == 201 and paid.json()["status"] == "held"
    charge = bill(record)
    fees.record_payment(charge, actor=scene.manager, reference="P1", paid_on=timezone.localdate())

    provider = client_for(scene.unit_admin)
    claimed = provider.post(
        f"{API}voucher-claims/", {"payment": paid.json()["id"], "contract": pdf(), "invoice": pdf("发票.pdf")}
    )
    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["amount"] == "600.00"
    authority = client_for(scene.authority)
    authority.post(
        f"{API}voucher-claims/{claimed.json()['id']}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    batch = claimed.json()["batch"]
    assert authority.post(f"{API}voucher-batches/{batch}/review/").status_code == 200
    payout = authority.post(
        f"{API}voucher-batches/{batch}/pay/", {"reference": "CZ-9"}, content_type="application/json"
    )
    assert payout.json()["status"] == "paid"
    report = authority.get(f"{API}voucher-programmes/{scene.programme.pk}/report/").json()
    assert report["totals"]["paid"] == "600.00" and report["totals"]["granted"] == "6000.00"


def test_refusals_are_field_level_and_change_nothing(client_for):
    scene = build_scene(amount="500.00")
    record = quoted_service(scene)
    client = client_for(scene.company_user)
    before = LedgerEntry.objects.count()
    for amount, field, words in (
        ("600.00", "amount", "超过可用余额"),
        ("1.234", "amount", "两位小数"),
        ("700.00", "amount", "最多抵扣"),
    ):
        response = client.post(
            f"{API}voucher-payments/",
            {"record": record.pk, "account": scene.account.pk, "amount": amount},
            content_type="application/json",
        )
        assert response.status_code == 400 and words in response.json()[field][0], response.content
    assert LedgerEntry.objects.count() == before
    # Another company's account and a service not the user's are not offered.
    response = client.post(
        f"{API}voucher-payments/",
        {"record": record.pk, "account": 10**9, "amount": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "account" in response.json()
    assert client_for(scene.unit_admin).get(f"{API}voucher-accounts/{scene.account.pk}/").status_code == 404


def add_rows(scene, count: int) -> None:
    """``count`` more of every listed thing: companies with a grant, a spent and claimed payment each, programmes
    with a provider and a batch."""
    for n in range(count):
        company, user = company_with_user(f"列表科技有限公司{Batch.objects.count()}-{n}")
        scene.account = grant(scene, company, user, scene.authority, "1000.00")
        scene.company, scene.company_user = company, user
        _record, payment = served_and_paid(scene, "100.00")
        claim(scene, payment)
        programme = make_programme(scene.authority_dept, name=f"计划{Batch.objects.count()}-{n}")
        unit = OrganizationFactory()
        register_provider(
            programme, unit, user_with_role(Role.UNIT_ADMIN, organization=unit), scene.authority
        )
        Batch.objects.create(programme=programme, month=timezone.localdate().replace(day=1))


LISTS = [
    "voucher-programmes",
    "voucher-applications",
    "voucher-accounts",
    "voucher-providers",
    "voucher-payments",
    "voucher-claims",
    "voucher-batches",
]


@pytest.mark.parametrize("path", LISTS)
def test_lists_cost_the_same_for_more_rows(client_for, path):
    scene = build_scene()
    client = client_for(scene.authority)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}{path}/")
        assert response.status_code == 200
        return response.json()["count"], len(captured)

    add_rows(scene, 2)
    rows, few = measure()
    add_rows(scene, 4)
    more_rows, more = measure()
    assert more_rows == rows + 4 and more == few
    assert ledger.programme_balances(scene.programme).granted > Decimal("0")


def test_the_platform_admin_sees_every_programmes_records(client_for):
    """The platform admin runs no department yet oversees every programme: applications, accounts, providers,
    payments and claims of all of them appear in the lists and open."""
    scene = build_scene()
    _record, payment = served_and_paid(scene)
    claim(scene, payment)
    admin = client_for(user_with_role(Role.PLATFORM_ADMIN))
    for path in (
        "voucher-applications",
        "voucher-accounts",
        "voucher-providers",
        "voucher-payments",
        "voucher-claims",
    ):
        rows = admin.get(f"{API}{path}/").json()["results"]
        assert rows, path
        assert admin.get(f"{API}{path}/{rows[0]['id']}/").status_code == 200, path


def test_a_step_on_a_record_one_cannot_see_is_not_found_whatever_the_body(client_for):
    """An outsider learns nothing from a malformed step: the record is looked up before the body is judged."""
    scene = build_scene()
    _record, payment = served_and_paid(scene)
    made = claim(scene, payment)
    _other, outsider = company_with_user("另一家科技有限公司")
    client = client_for(outsider)
    for path in (
        f"voucher-accounts/{scene.account.pk}/clawback/",
        f"voucher-providers/{scene.provider.pk}/decide/",
        f"voucher-payments/{payment.pk}/refund/",
        f"voucher-claims/{made.pk}/decide/",
    ):
        assert client.post(f"{API}{path}", {}, content_type="application/json").status_code == 404, path


def test_after_payout_nothing_can_be_changed(client_for):
    scene = build_scene()
    paid = paid_out(scene)
    client = client_for(scene.authority)
    before = (LedgerEntry.objects.count(), AuditEvent.objects.count())
    for path, body, field, words in (
        (
            f"voucher-claims/{paid.pk}/decide/",
            {"decision": "reject", "comment": "撤回"},
            "action",
            "不能再更改",
        ),
        (f"voucher-batches/{paid.batch_id}/review/", {}, "action", ""),
        (f"voucher-batches/{paid.batch_id}/pay/", {"reference": "CZ-2"}, "action", ""),
        (f"voucher-payments/{paid.payment_id}/refund/", {"comment": "撤回"}, "amount", "已申请兑付"),
    ):
        response = client.post(f"{API}{path}", body, content_type="application/json")
        assert response.status_code == 400, (path, response.content)
        assert words in " ".join(response.json()[field]), (path, response.json())
    resubmitted = client_for(scene.unit_admin).post(
        f"{API}voucher-claims/", {"payment": paid.payment_id, "contract": pdf(), "invoice": pdf("发票.pdf")}
    )
    assert resubmitted.status_code == 400 and "不能重复申请" in resubmitted.json()["payment"][0]
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == before
    paid.refresh_from_db()
    assert paid.status == Claim.Status.PAID and paid.batch.payout_reference == "CZ-2026-12"


def test_the_admin_shows_money_records_without_letting_anyone_change_them(client_for):
    scene = build_scene()
    paid = paid_out(scene)
    admin = client_for(user_with_role(Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True))
    for model, pk in (("claim", paid.pk), ("batch", paid.batch_id), ("payment", paid.payment_id)):
        url = reverse(f"admin:vouchers_{model}_change", args=[pk])
        assert admin.get(url).status_code == 200  # shown, read-only
        assert admin.post(url, {"status": "approved", "amount": "1.00"}).status_code == 403
        assert (
            admin.post(reverse(f"admin:vouchers_{model}_delete", args=[pk]), {"post": "yes"}).status_code
            == 403
        )
    paid.refresh_from_db()
    assert (paid.status, paid.amount) == (Claim.Status.PAID, Decimal("100.00"))


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("voucher-applications/", {"requested": "100.005"}, "requested"),
        ("voucher-payments/", {"amount": "0.001"}, "amount"),
        ("application-decide", {"decision": "approve", "amount": "999.999"}, "amount"),
        ("clawback", {"amount": "10.001", "reason": "资格复核"}, "amount"),
        ("voucher-programmes/", {"budget": "1000000.001"}, "budget"),
        ("voucher-programmes/", {"per_year_cap": "100000.123"}, "per_year_cap"),
        ("voucher-programmes/", {"bands": [{"up_to": "9999.999", "covered_share": "1"}]}, "bands"),
    ],
)
def test_amounts_with_more_than_two_decimals_are_refused_everywhere(client_for, path, body, field):
    scene = build_scene()
    record = quoted_service(scene)
    application = apply_for_quota(scene.programme, scene.company, scene.company_user, "1000.00")
    defaults = {
        "voucher-applications/": (
            scene.company_user,
            {"programme": scene.programme.pk, "company": scene.company.pk,
             "credit_code": scene.company.credit_code, "project": "检测"},
        ),
        "voucher-payments/": (scene.company_user, {"record": record.pk, "account": scene.account.pk}),
        "application-decide": (scene.authority, {}),
        "clawback": (scene.authority, {}),
        "voucher-programmes/": (
            scene.authority,
            {"name": "新计划", "year": 2026, "authority": scene.authority_dept.pk,
             "region": scene.programme.region.code, "budget": "1000000", "per_application_cap": "20000",
             "per_year_cap": "100000", "use_by": "2099-12-31", "cash_by": "2099-12-31",
             "bands": [{"up_to": None, "covered_share": "1"}]},
        ),
    }  # fmt: skip
    urls = {
        "application-decide": f"voucher-applications/{application.pk}/decide/",
        "clawback": f"voucher-accounts/{scene.account.pk}/clawback/",
    }
    user, base = defaults[path]
    before = (LedgerEntry.objects.count(), Payment.objects.count(), Programme.objects.count())
    response = client_for(user).post(
        f"{API}{urls.get(path, path)}", {**base, **body}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "两位小数" in " ".join(response.json()[field]), response.json()
    assert (LedgerEntry.objects.count(), Payment.objects.count(), Programme.objects.count()) == before
    application.refresh_from_db()
    assert application.status == "submitted"
