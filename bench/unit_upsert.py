"""A unit's own system pushing usage records (or, with ``--services``, completed bookings) through its key:
throughput, and the same batches replayed change nothing.

    PYTHONPATH=. python bench/unit_upsert.py               # 10,000 usage records in batches of 1,000
    PYTHONPATH=. python bench/unit_upsert.py --records 2000
    PYTHONPATH=. python bench/unit_upsert.py --services    # 10,000 completed bookings (service records + usage)
    PYTHONPATH=. python bench/unit_upsert.py --db postgres://postgres@127.0.0.1:5432/yiqi_bench_unit_upsert

A fresh database: SQLite in /tmp (``yiqi_bench_unit_upsert.sqlite3``, deleted first) or ``--db``, the benchmark's own
PostgreSQL database (dropped and created again). The records go through the
whole API stack (key check, throttle, serializer, the usage rules, the id mapping) with Django's test client; the
replay must answer ``unchanged`` for every record and leave the usage and audit tables as they were.
"""

import argparse
import datetime as dt
import os
import time

from common import fresh_database

DB = "sqlite:////tmp/yiqi_bench_unit_upsert.sqlite3"


def setup(url: str = DB):
    os.environ.update(
        DJANGO_ENV="development", DJANGO_DEBUG="0", DATABASE_URL=url, YIQI_UNIT_KEY_RATE="100000/min"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqi.settings")
    fresh_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def as_service(item: dict, n: int) -> dict:
    """The same use as a completed booking of the system's user ``n % 97``."""
    return {
        "id": item["id"],
        "instrument": item["instrument"],
        "kind": "self_operation",
        "status": "completed",
        "user_id": f"U{n % 97}",
        "user_name": item["user_name"],
        "started_at": item["started_at"],
        "ended_at": item["ended_at"],
        "fee": item["fee"],
    }


def batches(instruments, total: int, size: int, services: bool = False):
    from django.utils import timezone

    end = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    items = []
    for n in range(total):
        instrument = instruments[n % len(instruments)]
        start = end - dt.timedelta(hours=3 * (n // len(instruments) + 1))
        items.append(
            {
                "id": f"LIMS-{n:06d}",
                "instrument": instrument.asset_number,
                "user_name": f"用户{n % 97}",
                "purpose": "research" if n % 3 else "teaching",
                "started_at": start.isoformat(),
                "ended_at": (start + dt.timedelta(hours=2)).isoformat(),
                "sample_count": n % 5,
                "fee": f"{(n % 40) * 10}.00",
            }
        )
        if services:
            items[-1] = as_service(items[-1], n)
    return [items[i : i + size] for i in range(0, total, size)]


def push(client, key, chunks, path: str) -> tuple[float, dict]:
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    started = time.perf_counter()
    for chunk in chunks:
        response = client.post(
            path,
            {"records": chunk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Unit-Key {key}",
        )
        assert response.status_code == 200, response.content[:500]
        for name, value in response.json().items():
            totals[name] += value
    return time.perf_counter() - started, totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--services", action="store_true", help="push completed bookings instead of usage")
    parser.add_argument("--db", default=DB, help="database URL (a PostgreSQL one is dropped and created)")
    args = parser.parse_args()
    setup(args.db)
    from django.db import connection
    from django.test import Client

    from yiqi.accounts.access import access_for
    from yiqi.accounts.models import Role
    from yiqi.accounts.tests.factories import user_with_role
    from yiqi.core.models import AuditEvent
    from yiqi.exchange.services import keys
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import RegistrationStatus
    from yiqi.registry.tests.factories import InstrumentFactory
    from yiqi.usage.models import UsageRecord

    unit = OrganizationFactory()
    admin = user_with_role(Role.UNIT_ADMIN, organization=unit)
    instruments = [
        InstrumentFactory(unit=unit, registration_status=RegistrationStatus.PUBLISHED) for _ in range(20)
    ]
    _row, key = keys.issue_key(
        access_for(admin), unit=unit, name="LIMS", scopes=["write_services"], days=30, actor=admin
    )
    chunks = batches(instruments, args.records, args.batch, args.services)
    path = "/api/v1/exchange/unit/" + ("services/" if args.services else "usage/")
    client = Client()

    seconds, totals = push(client, key, chunks, path)
    print(
        f"first push: {args.records} records in {seconds:.1f} s = {args.records / seconds:.0f} records/s {totals}"
    )
    rows, audit = UsageRecord.objects.count(), AuditEvent.objects.count()
    seconds, totals = push(client, key, chunks, path)
    print(
        f"replay:     {args.records} records in {seconds:.1f} s = {args.records / seconds:.0f} records/s {totals}"
    )
    unchanged = UsageRecord.objects.count() == rows and AuditEvent.objects.count() == audit
    print(f"replay changed nothing: {unchanged and totals['unchanged'] == args.records}")
    print(f"database {connection.vendor}; load {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
