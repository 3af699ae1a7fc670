"""A province evaluation round's indicators for every unit, beside DuckDB over the same data in Parquet.

    python bench/evaluation.py            # 1,600 instruments, 200,000 usage records, SQLite
    python bench/evaluation.py --full     # 16,000 instruments, 2,000,000 usage records (the issue's province)
    python bench/evaluation.py --records 2000000   # the province's records over the quick 1,600 instruments
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/evaluation.py --full   # on PostgreSQL

The database is the demo province (``manage.py demo_data``) with usage records over 2023–2025 loaded by
``usage_totals.py``'s loader (one record in three is given telemetry-verified hours, 90 % of the declared ones);
built once per size and engine and reused (``/tmp/yiqi_bench_evaluation_<instruments>.sqlite3`` or the PostgreSQL
database of that name, ``yiqi_bench`` replaced by ``BENCH_DB_PREFIX`` when set; the one named in DATABASE_URL is not
touched). Timed in one process, interleaved:

- ours: ``evaluation.services.figures.compute`` for every unit over 2025 (instruments, usage, ratings, complaints,
  devices, census: every figure the round stores), then ``results.leaf_points`` and ``results.rank`` under the
  default scheme — what closing a round computes;
- DuckDB: the same aggregation of instruments and usage records (the two large tables) from Parquet files exported
  from the same database (export time shown apart), with the derived figures.

Each unit's open rate, bookable share, effective and external hours per instrument and sharing rate (declared and
verified) must agree within the figure's rounding step; the script fails otherwise. Peak memory is the child
process's maximum resident set (both engines run in it).
"""

import argparse
import csv
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from common import prepare, run_child

SEED = 2026
YEAR = 2025
THRESHOLD = Decimal("200000")
WORK = Path("/tmp/yiqi_bench_evaluation")
USAGE_TOTALS = str(Path(__file__).with_name("usage_totals.py"))
# Figure → rounding step of its stored value (what "the same number" means).
STEPS = {
    "open_rate": 0.0001,
    "bookable_share": 0.0001,
    "effective_hours": 0.1,
    "external_hours": 0.1,
    "sharing_rate": 0.0001,
}


def database_url(instruments: int) -> str:
    name = f"{os.environ.get('BENCH_DB_PREFIX', 'yiqi_bench')}_evaluation_{instruments}"
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return f"{given.rsplit('/', 1)[0]}/{name}"
    return f"sqlite:////tmp/{name}.sqlite3"


def verify_some() -> None:
    """Child process: give one usage record in three verified hours (once), so verified figures are exercised."""
    from common import setup_django

    setup_django()
    from django.db import connection, transaction

    from yiqi.usage.models import UsageRecord

    if UsageRecord.objects.filter(verified_hours__isnull=False).exists():
        return
    table = UsageRecord._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET verified_hours = ROUND(machine_hours * 0.9, 2) WHERE id % 3 = 0")


def _utc_text(value) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    return str(value)


def export(folder: Path) -> float:
    """Instruments and usage records to Parquet through CSV (DuckDB converts); returns the seconds it took."""
    import duckdb
    from django.db import connection

    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "instruments.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "unit_id",
                "original_value",
                "operating_status",
                "registration_status",
                "sharing_mode",
                "bookable",
            ]
        )
        writer.writerows(
            Instrument.objects.values_list(
                "unit_id",
                "original_value",
                "operating_status",
                "registration_status",
                "sharing_mode",
                "service_settings__bookings_open",
            ).iterator(chunk_size=20_000)
        )
    table = UsageRecord._meta.db_table
    with open(folder / "usage.csv", "w", newline="") as out, connection.cursor() as cursor:
        writer = csv.writer(out)
        writer.writerow(["unit_id", "started_at", "machine_hours", "verified_hours", "is_external"])
        cursor.execute(f"SELECT unit_id, started_at, machine_hours, verified_hours, is_external FROM {table}")
        while rows := cursor.fetchmany(50_000):
            writer.writerows(
                (unit, _utc_text(at), hours, "" if verified is None else verified, int(bool(external)))
                for unit, at, hours, verified, external in rows
            )
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * FROM read_csv('{folder / "instruments.csv"}', header = true, columns = {{
              'unit_id': 'BIGINT', 'original_value': 'DECIMAL(14,2)', 'operating_status': 'VARCHAR',
              'registration_status': 'VARCHAR', 'sharing_mode': 'VARCHAR', 'bookable': 'BOOLEAN'}}))
            TO '{folder / "instruments.parquet"}' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT * FROM read_csv('{folder / "usage.csv"}', header = true, columns = {{
              'unit_id': 'BIGINT', 'started_at': 'TIMESTAMP', 'machine_hours': 'DECIMAL(8,2)',
              'verified_hours': 'DECIMAL(8,2)', 'is_external': 'BOOLEAN'}}))
            TO '{folder / "usage.parquet"}' (FORMAT parquet)"""
    )
    con.close()
    for name in ("instruments.csv", "usage.csv"):
        (folder / name).unlink()
    return time.perf_counter() - started


DUCK_SQL = """
WITH i AS (
    SELECT unit_id,
        SUM(original_value) FILTER (WHERE original_value >= $threshold AND operating_status <> 'scrapped')
            AS shareable_value,
        SUM(original_value) FILTER (WHERE original_value >= $threshold AND operating_status <> 'scrapped'
            AND registration_status = 'published' AND sharing_mode <> 'not_shared') AS open_value,
        COUNT(*) FILTER (WHERE registration_status = 'published') AS published,
        COUNT(*) FILTER (WHERE registration_status = 'published' AND bookable) AS bookable
    FROM read_parquet($instruments) GROUP BY unit_id
), u AS (
    SELECT unit_id,
        SUM(machine_hours) AS hours,
        SUM(machine_hours) FILTER (WHERE is_external) AS external,
        SUM(machine_hours) FILTER (WHERE verified_hours IS NOT NULL) AS checked,
        SUM(verified_hours) AS verified,
        SUM(verified_hours) FILTER (WHERE is_external) AS verified_external
    FROM read_parquet($usage) WHERE started_at >= $since AND started_at < $until GROUP BY unit_id
)
SELECT i.unit_id,
    COALESCE(open_value, 0) / NULLIF(shareable_value, 0) AS open_rate,
    bookable / NULLIF(published, 0) AS bookable_share,
    COALESCE(hours, 0) * $year_share / NULLIF(published, 0) AS effective_hours,
    CASE WHEN checked IS NOT NULL THEN COALESCE(verified, 0) * $year_share / NULLIF(published, 0) END
        AS effective_hours_verified,
    COALESCE(external, 0) * $year_share / NULLIF(published, 0) AS external_hours,
    CASE WHEN checked IS NOT NULL THEN COALESCE(verified_external, 0) * $year_share / NULLIF(published, 0) END
        AS external_hours_verified,
    COALESCE(external, 0) / NULLIF(hours, 0) AS sharing_rate,
    CASE WHEN checked IS NOT NULL THEN COALESCE(verified_external, 0) / NULLIF(verified, 0) END
        AS sharing_rate_verified
FROM i LEFT JOIN u USING (unit_id)
"""


def measure(runs: int) -> None:
    """Child process: export, then time ours and DuckDB's interleaved; check they agree."""
    from common import setup_django

    setup_django()
    import duckdb
    from django.db import connection

    from yiqi.evaluation.services import defaults, figures, results
    from yiqi.organizations.models import Organization
    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    folder = WORK / connection.settings_dict["NAME"].replace("/", "_")
    exported = export(folder)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    since, until = figures.bounds(start, end)
    scheme = defaults.default_scheme()
    unit_ids = list(
        Organization.objects.filter(pk__in=Instrument.objects.values("unit_id")).values_list("pk", flat=True)
    )
    duck = duckdb.connect()
    parameters = {
        "threshold": THRESHOLD,
        "instruments": str(folder / "instruments.parquet"),
        "usage": str(folder / "usage.parquet"),
        "since": since.astimezone(dt.UTC).replace(tzinfo=None),
        "until": until.astimezone(dt.UTC).replace(tzinfo=None),
        "year_share": 365.0 / ((end - start).days + 1),
    }

    def ours():
        started = time.perf_counter()
        computed = figures.compute(unit_ids, start, end, threshold=THRESHOLD)
        samples["figures"].append(time.perf_counter() - started)
        points = results.leaf_points(scheme, computed, {})
        results.rank(scheme, points)
        return computed

    def theirs():
        cursor = duck.execute(DUCK_SQL, parameters)
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    samples: dict[str, list[float]] = {"ours": [], "duckdb": [], "figures": []}  # figures: ours' SQL part
    mine = other = None
    for _ in range(runs):
        for label, function in (("ours", ours), ("duckdb", theirs)):
            started = time.perf_counter()
            value = function()
            samples[label].append(time.perf_counter() - started)
            if label == "ours":
                mine = value
            else:
                other = value
    differences = compare(mine, other)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "units": len(unit_ids),
                "instruments": Instrument.objects.count(),
                "records": UsageRecord.objects.count(),
                "records_in_year": UsageRecord.objects.filter(
                    started_at__gte=since, started_at__lt=until
                ).count(),
                "export_s": exported,
                "samples": samples,
                "differences": differences[:10],
                "compared": len(mine) * len(STEPS) * 2,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def compare(mine: dict, other: dict) -> list[str]:
    """Each unit's figures from both engines, declared and verified, within the figure's rounding step."""
    differences = []
    for unit_id, figures in mine.items():
        row = other.get(unit_id, {})
        for name, step in STEPS.items():
            for kind, column in (("declared", name), ("verified", f"{name}_verified")):
                ours = figures[name][kind]
                theirs = row.get(column)
                if column not in row and kind == "verified":
                    continue  # figures without a verified value (instruments' shares)
                if (ours is None) != (theirs is None) or (
                    ours is not None and abs(float(ours) - float(theirs)) > step * 1.0001
                ):
                    differences.append(f"unit {unit_id} {name} {kind}: ours {ours}, DuckDB {theirs}")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="16,000 instruments and 2,000,000 usage records")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each engine (default 3)")
    parser.add_argument("--records", type=int, help="usage records (default 200,000; 2,000,000 with --full)")
    parser.add_argument("--child", choices=["verify", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "verify":
        return verify_some()
    if args.child == "measure":
        return measure(args.runs)
    instruments, records = (16_000, 2_000_000) if args.full else (1_600, 200_000)
    records = args.records or records
    url = database_url(instruments)
    engine = "sqlite" if url.startswith("sqlite") else "postgres"
    print(
        f"evaluation round, {instruments:,} instruments, {records:,} usage records over 2023–2025, {engine}"
    )
    prepare(engine, instruments, SEED, url=url)
    loaded = run_child(USAGE_TOTALS, url, "--child", "load", "--records", str(records)).strip()
    if loaded:
        print(f"  loaded the usage records in {json.loads(loaded)['loaded_s']:.1f} s")
    run_child(__file__, url, "--child", "verify")
    out = json.loads(run_child(__file__, url, "--child", "measure", "--runs", str(args.runs)))
    ours, duck = statistics.median(out["samples"]["ours"]), statistics.median(out["samples"]["duckdb"])
    load_average = os.getloadavg()
    print(
        f"  {out['units']} units, {out['instruments']:,} instruments, {out['records']:,} records "
        f"({out['records_in_year']:,} in {YEAR}); Parquet export {out['export_s']:.1f} s"
    )
    print(f"  ours   (figures + points + rank): median {ours:.3f} s   runs {_runs(out['samples']['ours'])}")
    print(
        f"    of which figures.compute (the queries): median {statistics.median(out['samples']['figures']):.3f} s"
    )
    print(f"  DuckDB (same aggregation):        median {duck:.3f} s   runs {_runs(out['samples']['duckdb'])}")
    print(f"  ratio ours / DuckDB: {ours / duck:.1f}×   peak memory (child) {out['peak_rss_mb']:.0f} MB")
    print(
        f"  load average {load_average[0]:.2f} / {load_average[1]:.2f} / {load_average[2]:.2f}, {os.cpu_count()} CPUs"
    )
    if out["differences"]:
        print("  DIFFERENT NUMBERS:\n    " + "\n    ".join(out["differences"]))
        return 1
    print(f"  same numbers: {out['compared']:,} unit figures agree within their rounding step")
    return 0


def _runs(samples) -> str:
    return ", ".join(f"{s:.3f}" for s in samples)


if __name__ == "__main__":
    sys.exit(main())
