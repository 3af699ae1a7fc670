"""Redemption check of a month's voucher claims for a province: every claim checked against its service record
(completed, paid, usage recorded) and for the suspicious patterns (related parties, split orders, prices far from
the published fee schedule) — ``vouchers.services.claims.recheck``, what the authority's batch page runs.

    python bench/vouchers_redemption.py            # 2,000 claims, SQLite
    python bench/vouchers_redemption.py --full     # 10,000 claims
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/vouchers_redemption.py --full   # PostgreSQL

The database is this benchmark's own (``/tmp/yiqi_bench_vouchers_<claims>.sqlite3``, or the PostgreSQL database
``yiqi_bench_vouchers_<claims>`` on the server of DATABASE_URL), built once per size: one province programme, 400
priced instruments at 40 provider units, 2,000 companies, and the month's claims with their records, bills,
payments and usage records written in bulk. Wall time is the median of several runs after one warm-up.
"""

import argparse
import json
import os
import statistics
import sys
import time

from common import PG_BASE, ensure_postgres_database, manage, run_child

RUNS = 5
UNITS, INSTRUMENTS, COMPANIES = 40, 400, 2000


def database_url(claims: int) -> str:
    name = f"yiqi_bench_vouchers_{claims}"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0] or PG_BASE}/{name}"
    return f"sqlite:////tmp/{name}.sqlite3"


def load(claims: int) -> None:
    """The programme and the month's claims, written in bulk (skipped when present)."""
    from common import setup_django

    setup_django()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from yiqi.accounts.models import User
    from yiqi.fees.models import Charge, FeeItem
    from yiqi.organizations.models import Organization
    from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory, make_credit_code
    from yiqi.registry.models import RegistrationStatus
    from yiqi.registry.tests.factories import InstrumentFactory
    from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
    from yiqi.usage.models import UsageRecord
    from yiqi.vouchers.models import (
        Account,
        Batch,
        Claim,
        CompanyProfile,
        Payment,
        PriceBand,
        Programme,
        ProviderRegistration,
    )

    if Claim.objects.count() >= claims:
        print(json.dumps({"loaded": False}))
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    with transaction.atomic():
        department = DepartmentFactory(name="基准省科学技术厅")
        programme = Programme.objects.create(
            name="基准创新券", year=today.year, authority=department, region=department.region,
            budget=Decimal("1000000000.00"), per_application_cap=Decimal("20000.00"),
            per_year_cap=Decimal("100000.00"), eligible_kinds=["enterprise"],
            use_by=today + dt.timedelta(days=365), cash_by=today + dt.timedelta(days=400),
        )  # fmt: skip
        PriceBand.objects.bulk_create(
            [
                PriceBand(programme=programme, up_to=Decimal("10000.00"), covered_share=Decimal("1")),
                PriceBand(programme=programme, up_to=None, covered_share=Decimal("0.5")),
            ]
        )
        user = User.objects.create(username="bench-voucher-user")
        units = [
            OrganizationFactory(
                name=f"基准服务机构{n}",
                credit_code=make_credit_code(800_000 + n),
                supervising_department=department,
            )
            for n in range(UNITS)
        ]
        registrations = ProviderRegistration.objects.bulk_create(
            ProviderRegistration(
                programme=programme, unit=unit, credit_code=unit.credit_code, legal_representative=f"代表{n}",
                registered_address=f"基准路 {n} 号", bank_name="银行", bank_account="62166101000000000", account_name=unit.name,
                licence="voucher-licences/bench.pdf", licence_name="bench.pdf", licence_type="application/pdf",
                status="approved", submitted_by=user,
            )
            for n, unit in enumerate(units)
        )  # fmt: skip
        provider_of = {r.unit_id: r for r in registrations}
        instruments = [
            InstrumentFactory(
                unit=units[n % UNITS], registration_status=RegistrationStatus.PUBLISHED, name=f"基准仪器{n}"
            )
            for n in range(INSTRUMENTS)
        ]
        FeeItem.objects.bulk_create(
            FeeItem(instrument=i, name="机时费", component="running", basis="per_hour", rate_internal=100,
                    rate_academic=200, rate_external=Decimal("300.00"))
            for i in instruments
        )  # fmt: skip
        companies = Organization.objects.bulk_create(
            Organization(name=f"基准科技有限公司{n}", kind="enterprise", credit_code=make_credit_code(700_000 + n),
                         region=department.region, address=f"高新路 {n} 号")
            for n in range(COMPANIES)
        )  # fmt: skip
        CompanyProfile.objects.bulk_create(
            CompanyProfile(organization=c, legal_representative=f"法人{n}", registered_address=c.address)
            for n, c in enumerate(companies)
        )
        accounts = Account.objects.bulk_create(Account(programme=programme, company=c) for c in companies)
        batch = Batch.objects.create(programme=programme, month=today.replace(day=1))
        now = timezone.now()
        records, picks = [], []
        for _n in range(claims):
            instrument = instruments[rng.randrange(INSTRUMENTS)]
            hours = Decimal(rng.choice(["1.00", "2.00", "3.50", "8.00"]))
            start = now - dt.timedelta(days=rng.randrange(1, 28), hours=rng.randrange(24))
            picks.append((instrument, hours, rng.randrange(COMPANIES)))
            records.append(
                ServiceRecord(
                    kind=ServiceKind.SELF_OPERATION, status=ServiceStatus.COMPLETED, instrument=instrument,
                    unit_id=instrument.unit_id, user=user, user_organization=companies[picks[-1][2]],
                    planned_hours=hours, hours=hours, started_at=start, ended_at=start + dt.timedelta(hours=float(hours)),
                    completed_at=start + dt.timedelta(hours=float(hours)),
                )
            )  # fmt: skip
        records = ServiceRecord.objects.bulk_create(records, batch_size=2000)
        charges = Charge.objects.bulk_create(
            (
                Charge(record=r, instrument_id=r.instrument_id, unit_id=r.unit_id, payer=user,
                       payer_organization_id=r.user_organization_id, user_category="external", status="paid",
                       total=hours * Decimal("300.00") * (Decimal("1.6") if n % 50 == 0 else 1), paid_at=now)
                for n, (r, (_i, hours, _c)) in enumerate(zip(records, picks, strict=True))
            ),
            batch_size=2000,
        )  # fmt: skip
        UsageRecord.objects.bulk_create(
            (
                UsageRecord(instrument_id=r.instrument_id, unit_id=r.unit_id, record=r, source="booking",
                            user_name="基准", is_external=True, purpose="service", started_at=r.started_at,
                            ended_at=r.ended_at, machine_hours=r.hours, fee=c.total)
                for n, (r, c) in enumerate(zip(records, charges, strict=True)) if n % 97
            ),
            batch_size=2000,
        )  # fmt: skip
        payments = Payment.objects.bulk_create(
            (
                Payment(record=r, charge=c, account=accounts[company], provider=provider_of[r.unit_id],
                        amount=c.total, status="spent", applied_by=user)
                for r, c, (_i, _h, company) in zip(records, charges, picks, strict=True)
            ),
            batch_size=2000,
        )  # fmt: skip
        Claim.objects.bulk_create(
            (
                Claim(payment=p, provider=p.provider, batch=batch, amount=p.amount, contract="c.pdf", contract_name="c.pdf",
                      contract_type="application/pdf", invoice="i.pdf", invoice_name="i.pdf",
                      invoice_type="application/pdf", submitted_by=user)
                for p in payments
            ),
            batch_size=2000,
        )  # fmt: skip
    print(json.dumps({"loaded": True}))


def measure() -> None:
    from common import setup_django

    setup_django()
    from yiqi.vouchers.models import Batch
    from yiqi.vouchers.services import claims

    batch = Batch.objects.get(programme__name="基准创新券")
    results = claims.recheck(batch)  # warm-up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        results = claims.recheck(batch)
        timings.append(time.perf_counter() - started)
    flagged = {}
    for result in results.values():
        for flag in result.flags:
            flagged[flag] = flagged.get(flag, 0) + 1
    print(
        json.dumps(
            {
                "claims": len(results),
                "median_s": statistics.median(timings),
                "max_s": max(timings),
                "flags": flagged,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="10,000 claims instead of 2,000")
    parser.add_argument("--child", choices=["load", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--claims", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "load":
        return load(args.claims)
    if args.child == "measure":
        return measure()
    count = 10_000 if args.full else 2_000
    url = database_url(count)
    engine = "sqlite" if url.startswith("sqlite") else "postgres"
    print(f"voucher redemption check, {count:,} claims of one month, {engine}")
    if engine == "postgres":
        ensure_postgres_database(url)
    manage(url, "migrate", "--noinput")
    started = time.perf_counter()
    loaded = json.loads(run_child(__file__, url, "--child", "load", "--claims", str(count)).strip())
    if loaded["loaded"]:
        print(f"  built the month's claims in {time.perf_counter() - started:.1f} s")
    result = json.loads(run_child(__file__, url, "--child", "measure").strip())
    print(
        f"  checked {result['claims']:,} claims: median {result['median_s']:.2f} s, max {result['max_s']:.2f} s "
        f"(flags: {result['flags']})"
    )


if __name__ == "__main__":
    sys.exit(main())
