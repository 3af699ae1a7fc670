"""Usage totals for a whole province: per-unit machine-hours and sharing rates, per department and per region.

    python bench/usage_totals.py                 # 200,000 usage records, SQLite
    python bench/usage_totals.py --full          # 2,000,000 usage records, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/usage_totals.py --full   # on PostgreSQL

The database holds the demo province (``manage.py demo_data --instruments 16000``) and usage records spread
over the three years 2023–2025 (deterministic). It is built once per size and engine and reused:
``/tmp/yiqi_bench_usage_<records>.sqlite3``, or the PostgreSQL database ``yiqi_bench_usage_<records>`` on the
server of DATABASE_URL (the database named in DATABASE_URL itself is not touched). ``--rebuild`` deletes only
that file or drops only that database first. Each case is timed in process through ``yiqi.usage.totals`` (the
functions the dashboard and the API call), after one warm-up run, as the median of several runs.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from common import ensure_postgres_database, manage, run_child

SEED = 2026
INSTRUMENTS = 16_000
YEARS = (2023, 2024, 2025)
RUNS = 7
COLUMNS = (
    "source",
    "user_name",
    "is_external",
    "purpose",
    "started_at",
    "ended_at",
    "machine_hours",
    "sample_count",
    "service_content",
    "fee",
    "evidence",
    "created_at",
    "instrument_id",
    "unit_id",
    "user_organization_id",
    "measured",
)


def database_url(records: int) -> str:
    name = f"yiqi_bench_usage_{records}"
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return f"{given.rsplit('/', 1)[0]}/{name}"
    return f"sqlite:////tmp/{name}.sqlite3"


def drop(url: str) -> None:
    """Remove this benchmark's own database (and nothing else)."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    assert name.startswith("yiqi_bench_usage_"), name
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def generated_rows(count: int, instruments: list[tuple[int, int]], organizations: list[int]):
    """Deterministic records: each unit has its own share of external service, hours from 0.5 to 8."""
    rng = random.Random(SEED)
    external_share = {unit: rng.uniform(0.05, 0.6) for _pk, unit in instruments}
    shanghai = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(YEARS[0], 1, 1, tzinfo=shanghai)
    span_minutes = int((dt.datetime(YEARS[-1] + 1, 1, 1, tzinfo=shanghai) - start).total_seconds() // 60)
    for _ in range(count):
        instrument, unit = instruments[rng.randrange(len(instruments))]
        began = start + dt.timedelta(minutes=rng.randrange(span_minutes))
        minutes = rng.randrange(30, 481)
        external = rng.random() < external_share[unit]
        hours = f"{minutes / 60:.2f}"
        yield (
            "manual",
            "使用人",
            external,
            "service" if external else "research",
            began,
            began + dt.timedelta(minutes=minutes),
            hours,
            rng.randrange(0, 11),
            "",
            f"{minutes * 2:.2f}" if external else "0.00",
            "",
            began + dt.timedelta(minutes=minutes),
            instrument,
            unit,
            organizations[rng.randrange(len(organizations))] if external else unit,
            False,
        )


def load(count: int) -> None:
    """Child process: fill the usage records up to ``count`` (nothing to do when they are already there)."""
    from common import setup_django

    setup_django()
    from django.db import connection, transaction

    from yiqi.organizations.models import Organization
    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    if UsageRecord.objects.count() == count:
        return
    started = time.perf_counter()
    UsageRecord.objects.all().delete()
    # Read before writing: the connection is busy while COPY runs.
    instruments = list(Instrument.objects.order_by("pk").values_list("pk", "unit_id"))
    organizations = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    records = generated_rows(count, instruments, organizations)
    table = UsageRecord._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in records:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
            utc = dt.UTC

            def sqlite_row(row):
                # Django's SQLite format: naive UTC text.
                return [
                    v.astimezone(utc).replace(tzinfo=None).isoformat(" ") if isinstance(v, dt.datetime) else v
                    for v in row
                ]

            batch = []
            for row in records:
                batch.append(sqlite_row(row))
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            cursor.executemany(sql, batch)
    loaded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need.
        connection.cursor().execute(f"VACUUM ANALYZE {table}")
    print(json.dumps({"loaded_s": loaded}))


def timed(function, runs: int = RUNS) -> dict:
    function()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples)}


def measure() -> None:
    """Child process: time the totals against the database in DATABASE_URL."""
    from common import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client

    from yiqi.accounts.models import User
    from yiqi.organizations.models import Organization
    from yiqi.usage import totals
    from yiqi.usage.models import UsageRecord

    one_year = totals.period(YEARS[-1])
    all_years = (totals.period(YEARS[0])[0], one_year[1])
    units = totals.usage_totals("unit", start=one_year[0], end=one_year[1])
    busiest = Organization.objects.filter(pk=units[0].key)
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)

    def api():
        response = client.get("/api/v1/usage-totals/", {"group_by": "unit", "start": f"{YEARS[-1]}-01-01"})
        assert response.status_code == 200, response.content

    cases = {}
    for label, (start, end) in (("1 year", one_year), ("3 years", all_years)):
        for group_by in ("unit", "department", "region"):
            cases[f"per {group_by}, {label}"] = lambda g=group_by, s=start, e=end: totals.usage_totals(
                g, start=s, end=e
            )
    cases["per instrument (16,000), 1 year"] = lambda: totals.usage_totals(
        "instrument", start=one_year[0], end=one_year[1]
    )
    cases["monthly, province, 1 year"] = lambda: totals.monthly_totals(*one_year)
    cases["one unit's dashboard figures, 1 year"] = lambda: (
        totals.monthly_totals(*one_year, scope_queryset=busiest),
        totals.usage_totals("instrument", start=one_year[0], end=one_year[1], scope_queryset=busiest),
    )
    cases["API /usage-totals/?group_by=unit, 1 year"] = api
    results = {"records": UsageRecord.objects.count(), "vendor": connection.vendor}
    results["cases"] = {label: timed(function) for label, function in cases.items()}
    results["units_with_records"] = len(units)
    results["sample_unit"] = {
        "label": units[0].label,
        "machine_hours": str(units[0].machine_hours),
        "sharing_rate": str(units[0].sharing_rate),
    }
    print(json.dumps(results, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="2,000,000 usage records instead of 200,000")
    parser.add_argument(
        "--rebuild", action="store_true", help="drop this benchmark's database and build it again"
    )
    parser.add_argument("--child", choices=["load", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--records", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "load":
        return load(args.records)
    if args.child == "measure":
        return measure()
    records = 2_000_000 if args.full else 200_000
    url = database_url(records)
    engine = "sqlite" if url.startswith("sqlite") else "postgres"
    print(
        f"usage totals, {INSTRUMENTS} instruments, {records:,} usage records over {YEARS[0]}–{YEARS[-1]}, {engine}"
    )
    if args.rebuild:
        drop(url)
    if engine == "postgres":
        ensure_postgres_database(url)
    manage(url, "migrate", "--noinput")
    started = time.perf_counter()
    result = manage(url, "demo_data", "--if-empty", "--instruments", str(INSTRUMENTS), "--seed", str(SEED))
    if "skipped" not in result.stdout.lower():
        print(f"  built the demo province in {time.perf_counter() - started:.1f} s")
    loaded = run_child(__file__, url, "--child", "load", "--records", str(records)).strip()
    if loaded:
        print(f"  loaded the usage records in {json.loads(loaded)['loaded_s']:.1f} s")
    results = json.loads(run_child(__file__, url, "--child", "measure"))
    for label, r in results["cases"].items():
        print(
            f"  {label:42} median {r['median_ms']:8.1f} ms   (min {r['min_ms']:.1f}, max {r['max_ms']:.1f})"
        )
    sample = results["sample_unit"]
    print(
        f"  {results['units_with_records']} units with records; busiest {sample['label']}: "
        f"{sample['machine_hours']} h, sharing rate {sample['sharing_rate']}"
    )
    load_average = os.getloadavg()
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {load_average[0]:.2f} / {load_average[1]:.2f} / {load_average[2]:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
