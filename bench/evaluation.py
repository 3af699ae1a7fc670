"""An evaluation round's indicators for every unit, beside DuckDB over the same data in Parquet.

    python bench/evaluation.py               # 1,600 instruments, 200,000 usage records, SQLite
    python bench/evaluation.py --province    # 16,000 instruments, 300 units, 2,000,000 records (the issue's province)
    python bench/evaluation.py --full        # 110,000 instruments, 344 units, 15,000,000 records (national scale)
    python bench/evaluation.py --records 2000000   # the province's records over the quick 1,600 instruments
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/evaluation.py --full   # on PostgreSQL

The database is the demo province (``manage.py demo_data``) with usage records over 2023–2025 (one record in three
with telemetry-verified hours, 90 % of the declared ones): on PostgreSQL generated in the server by one
``INSERT … SELECT … FROM generate_series`` (seeded, indexes built after the load), on SQLite by ``usage_totals.py``'s
loader. Built once per size and engine and kept for reruns (``/tmp/yiqi_bench_evaluation_<instruments>.sqlite3`` or
the PostgreSQL database of that name, ``yiqi_bench`` replaced by ``BENCH_DB_PREFIX`` when set; the one named in
DATABASE_URL is not touched); so is its Parquet export (``/tmp/yiqi_bench_evaluation/<database>``, remade when the
records change). Timed in one process, interleaved:

- ours: ``evaluation.services.figures.compute`` for every unit over 2025 (instruments, usage, ratings, complaints,
  devices, census: every figure the round stores), then ``results.leaf_points`` and ``results.rank`` under the
  default scheme — what closing a round computes. Usage comes from the units' stored totals, which triggers keep as
  records are written (``usage.stored_totals``), plus the records of the period's two partial edge days;
- DuckDB: the same aggregation of instruments and usage records (the two large tables) from Parquet files exported
  from the same database (export time shown apart), with the derived figures. DuckDB reads every record of the
  period: it has no totals kept for it.

Each unit's open rate, bookable share, effective and external hours per instrument and sharing rate (declared and
verified) must agree within the figure's rounding step; the script fails otherwise. Peak memory: each engine once
more in a fresh process of its own, its maximum resident set after start-up and after the computation (on
PostgreSQL also the server backend's peak, which counts the shared buffers it touched). Last, one unit's score sheet
regenerated after one of its records changes (``rounds.refresh_figures`` for that unit, its points, its sheet;
the change rolled back).
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
# Size → instruments, management units, usage records.
SIZES = {
    "quick": (1_600, 300, 200_000),
    "province": (16_000, 300, 2_000_000),
    "national": (110_000, 344, 15_000_000),
}
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


# The records usage_totals.py's loader writes, generated in the server: each unit its own share of external
# service, 30 to 480 minutes from a random minute of 2023–2025 (Asia/Shanghai), one record in three verified.
GENERATE_SQL = """
INSERT INTO {table} (source, user_name, is_external, purpose, started_at, ended_at, machine_hours, sample_count,
    service_content, fee, evidence, created_at, instrument_id, unit_id, user_organization_id, measured,
    verified_hours)
SELECT 'manual', '使用人', g.external, CASE WHEN g.external THEN 'service' ELSE 'research' END, g.began,
    g.began + make_interval(mins => g.minutes), round(g.minutes / 60.0, 2), g.samples, '',
    CASE WHEN g.external THEN g.minutes * 2.00 ELSE 0 END, '', g.began + make_interval(mins => g.minutes),
    g.instrument_id, g.unit_id, CASE WHEN g.external THEN g.organization_id ELSE g.unit_id END, false,
    CASE WHEN g.n %% 3 = 0 THEN round(round(g.minutes / 60.0, 2) * 0.9, 2) END
FROM (
    SELECT s.n, p.id AS instrument_id, p.unit_id, s.began, s.minutes, s.samples, o.id AS organization_id,
        s.draw < e.share AS external
    FROM (
        SELECT n, floor(random() * %(instruments)s)::int AS k, floor(random() * %(organizations)s)::int AS o,
            timestamptz '2023-01-01 00:00+08' + make_interval(mins => floor(random() * %(minutes)s)::int) AS began,
            30 + floor(random() * 451)::int AS minutes, floor(random() * 11)::int AS samples, random() AS draw
        FROM generate_series(1, %(records)s) AS n
    ) s
    JOIN bench_instruments p ON p.k = s.k
    JOIN bench_shares e ON e.unit_id = p.unit_id
    JOIN bench_organizations o ON o.k = s.o
) g
"""


def load_postgres(records: int) -> None:
    """Child process: the usage records, generated in PostgreSQL (nothing to do when they are already there).
    Secondary indexes are dropped and built again after the load, and foreign keys are not checked row by row
    (every id comes from the tables it points to): a fraction of the time of inserting into the indexes. That
    also skips the triggers keeping the units' stored totals: they are rebuilt from the records."""
    from common import setup_django

    setup_django()
    from django.db import connection, transaction

    from yiqi.organizations.models import Organization
    from yiqi.registry.models import Instrument
    from yiqi.usage import stored_totals
    from yiqi.usage.models import UsageRecord

    present = UsageRecord.objects.count()  # the demo's own are kept (reconciliation items refer to them)
    if present >= records:
        return
    started = time.perf_counter()
    table = UsageRecord._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            "CREATE TEMP TABLE bench_instruments ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) - 1 AS k,"
            f" id, unit_id FROM {Instrument._meta.db_table}"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_shares ON COMMIT DROP AS SELECT unit_id, 0.05 + random() * 0.55 AS share"
            " FROM (SELECT DISTINCT unit_id FROM bench_instruments ORDER BY unit_id) u"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_organizations ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) - 1"
            f" AS k, id FROM {Organization._meta.db_table}"
        )
        minutes = int((dt.datetime(YEAR + 1, 1, 1) - dt.datetime(YEAR - 2, 1, 1)).total_seconds() // 60)
        cursor.execute(
            GENERATE_SQL.format(table=table),
            {
                "instruments": Instrument.objects.count(),
                "organizations": Organization.objects.count(),
                "minutes": minutes,
                "records": records - present,
            },
        )
        inserted = time.perf_counter() - started
        for _name, definition in indexes:
            cursor.execute(definition)
        stored_totals.rebuild()  # the replica role skipped the triggers that keep them
    loaded = time.perf_counter() - started
    # What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need.
    connection.cursor().execute(f"VACUUM ANALYZE {table}")
    connection.cursor().execute(f"VACUUM ANALYZE {stored_totals.TOTALS}")
    print(
        json.dumps(
            {"loaded_s": loaded, "inserted_s": inserted, "vacuum_s": time.perf_counter() - started - loaded}
        )
    )


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


INSTRUMENT_COLUMNS = {
    "unit_id": "BIGINT",
    "original_value": "DECIMAL(14,2)",
    "operating_status": "VARCHAR",
    "registration_status": "VARCHAR",
    "sharing_mode": "VARCHAR",
    "bookable": "BOOLEAN",
}
USAGE_COLUMNS = {
    "unit_id": "BIGINT",
    "started_at": "TIMESTAMP",
    "machine_hours": "DECIMAL(8,2)",
    "verified_hours": "DECIMAL(8,2)",
    "is_external": "BOOLEAN",
}


def _csv_postgres(folder: Path) -> None:
    """The two tables as CSV straight from the server (COPY), instants as UTC."""
    from django.db import connection

    from yiqi.booking.models import ServiceSettings
    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    queries = {
        "instruments": f"SELECT i.unit_id, i.original_value, i.operating_status, i.registration_status,"
        f" i.sharing_mode, s.bookings_open::int FROM {Instrument._meta.db_table} i"
        f" LEFT JOIN {ServiceSettings._meta.db_table} s ON s.instrument_id = i.id",
        "usage": "SELECT unit_id, started_at AT TIME ZONE 'UTC', machine_hours, verified_hours, is_external::int"
        f" FROM {UsageRecord._meta.db_table}",
    }
    with connection.cursor() as cursor:
        for name, query in queries.items():
            with (
                open(folder / f"{name}.csv", "wb") as out,
                cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy,
            ):
                for block in copy:
                    out.write(block)


def _csv_sqlite(folder: Path) -> None:
    from django.db import connection

    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    with open(folder / "instruments.csv", "w", newline="") as out:
        csv.writer(out).writerows(
            Instrument.objects.values_list(*list(INSTRUMENT_COLUMNS)[:-1], "service_settings__bookings_open")
            .order_by()
            .iterator(chunk_size=20_000)
        )
    table = UsageRecord._meta.db_table
    with open(folder / "usage.csv", "w", newline="") as out, connection.cursor() as cursor:
        writer = csv.writer(out)
        cursor.execute(f"SELECT unit_id, started_at, machine_hours, verified_hours, is_external FROM {table}")
        while rows := cursor.fetchmany(50_000):
            writer.writerows(
                (unit, _utc_text(at), hours, "" if verified is None else verified, int(bool(external)))
                for unit, at, hours, verified, external in rows
            )


def export() -> None:
    """Child process: instruments and usage records to Parquet through CSV (DuckDB converts), unless the files
    there were made from these very records; prints the seconds it took (null: reused)."""
    from common import setup_django

    setup_django()
    import duckdb
    from django.db import connection
    from django.db.models import Count, Max

    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    folder = parquet_folder(connection.settings_dict["NAME"])
    stamp = {
        "instruments": Instrument.objects.count(),
        **UsageRecord.objects.aggregate(records=Count("pk"), last=Max("pk")),
    }
    stamp_file = folder / "stamp.json"
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        print(json.dumps({"export_s": None}))
        return
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    stamp_file.unlink(missing_ok=True)
    (_csv_postgres if connection.vendor == "postgresql" else _csv_sqlite)(folder)
    con = duckdb.connect()
    for name, columns in (("instruments", INSTRUMENT_COLUMNS), ("usage", USAGE_COLUMNS)):
        types = ", ".join(f"'{column}': '{kind}'" for column, kind in columns.items())
        con.execute(
            f"""COPY (SELECT * FROM read_csv('{folder / f"{name}.csv"}', header = false, columns = {{{types}}}))
                TO '{folder / f"{name}.parquet"}' (FORMAT parquet)"""
        )
        (folder / f"{name}.csv").unlink()
    con.close()
    stamp_file.write_text(json.dumps(stamp))
    print(json.dumps({"export_s": time.perf_counter() - started}))


def parquet_folder(database: str) -> Path:
    return WORK / database.replace("/", "_")


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


def _round():
    """What both engines are given: the units, the period, the scheme, DuckDB's connection and parameters."""
    from common import setup_django

    setup_django()
    import duckdb
    from django.db import connection

    from yiqi.evaluation.services import defaults, figures
    from yiqi.organizations.models import Organization
    from yiqi.registry.models import Instrument

    folder = parquet_folder(connection.settings_dict["NAME"])
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    since, until = figures.bounds(start, end)
    unit_ids = list(
        Organization.objects.filter(pk__in=Instrument.objects.values("unit_id")).values_list("pk", flat=True)
    )
    parameters = {
        "threshold": THRESHOLD,
        "instruments": str(folder / "instruments.parquet"),
        "usage": str(folder / "usage.parquet"),
        "since": since.astimezone(dt.UTC).replace(tzinfo=None),
        "until": until.astimezone(dt.UTC).replace(tzinfo=None),
        "year_share": 365.0 / ((end - start).days + 1),
    }
    return unit_ids, start, end, defaults.default_scheme(), duckdb.connect(), parameters


def _ours(unit_ids, start, end, scheme, samples=None) -> dict:
    from yiqi.evaluation.services import figures, results

    started = time.perf_counter()
    computed = figures.compute(unit_ids, start, end, threshold=THRESHOLD)
    if samples is not None:
        samples.append(time.perf_counter() - started)
    points = results.leaf_points(scheme, computed, {})
    results.rank(scheme, points)
    return computed


def _theirs(duck, parameters) -> dict:
    cursor = duck.execute(DUCK_SQL, parameters)
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def measure(runs: int) -> None:
    """Child process: time ours and DuckDB's interleaved; check they agree."""
    unit_ids, start, end, scheme, duck, parameters = _round()
    from django.db import connection

    from yiqi.evaluation.services import figures
    from yiqi.registry.models import Instrument
    from yiqi.usage.models import UsageRecord

    samples: dict[str, list[float]] = {"ours": [], "duckdb": [], "figures": []}  # figures: ours' SQL part
    for _ in range(runs):
        started = time.perf_counter()
        mine = _ours(unit_ids, start, end, scheme, samples["figures"])
        samples["ours"].append(time.perf_counter() - started)
        started = time.perf_counter()
        other = _theirs(duck, parameters)
        samples["duckdb"].append(time.perf_counter() - started)
    differences = compare(mine, other)
    since, until = figures.bounds(start, end)
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
                "samples": samples,
                "differences": differences[:10],
                "compared": len(mine) * len(STEPS) * 2,
            }
        )
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _backend_peak_mb(connection) -> float | None:
    """The PostgreSQL backend's peak resident set (this machine's server only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kilobytes) / 1024


def memory(engine: str) -> None:
    """Child process: one engine once, in a process of its own; peak resident set before and after."""
    unit_ids, start, end, scheme, duck, parameters = _round()
    from django.db import connection

    before = {"process_mb": _peak_mb()}
    if connection.vendor == "postgresql":
        before["backend_mb"] = _backend_peak_mb(connection)
    started = time.perf_counter()
    if engine == "ours":
        _ours(unit_ids, start, end, scheme)
    else:
        _theirs(duck, parameters)
    after = {"process_mb": _peak_mb(), "seconds": time.perf_counter() - started}
    if engine == "ours" and connection.vendor == "postgresql":
        after["backend_mb"] = _backend_peak_mb(connection)
    print(json.dumps({"before": before, "after": after}))


def sheet(runs: int) -> None:
    """Child process: one of the YEAR round's units, one of its records changed, its figures, points and sheet
    regenerated; each change rolled back."""
    from common import setup_django

    setup_django()
    from django.db import transaction
    from django.db.models import F

    from yiqi.accounts.access import access_for
    from yiqi.accounts.models import User
    from yiqi.evaluation.models import UnitEvaluation
    from yiqi.evaluation.services import figures, presenters, results, rounds
    from yiqi.usage.models import UsageRecord

    evaluation = (
        UnitEvaluation.objects.filter(round__period_start=dt.date(YEAR, 1, 1))
        .select_related("round__scheme")
        .order_by("pk")
        .first()
    )
    if evaluation is None:
        print(json.dumps({"samples": []}))
        return
    round_ = evaluation.round
    since, until = figures.bounds(round_.period_start, round_.period_end)
    record = UsageRecord.objects.filter(
        unit_id=evaluation.unit_id, started_at__gte=since, started_at__lt=until
    ).first()
    access = access_for(User.objects.filter(is_superuser=True).order_by("pk").first())
    samples = []
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            UsageRecord.objects.filter(pk=record.pk).update(machine_hours=F("machine_hours") + 1)
            rounds.refresh_figures(round_, [evaluation.unit_id])
            evaluation.refresh_from_db()
            results.leaf_points(round_.scheme, {evaluation.unit_id: evaluation.figures}, {})
            presenters.unit_sheet(evaluation, access)
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(json.dumps({"samples": samples, "unit": evaluation.unit_id}))


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
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--province", action="store_true", help="16,000 instruments, 2,000,000 usage records")
    size.add_argument("--full", action="store_true", help="national: 110,000 instruments, 15,000,000 records")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each engine (default 3)")
    parser.add_argument("--records", type=int, help="usage records instead of the size's")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    children = {
        "load": lambda: load_postgres(args.records),
        "verify": verify_some,
        "export": export,
        "measure": lambda: measure(args.runs),
        "memory-ours": lambda: memory("ours"),
        "memory-duckdb": lambda: memory("duckdb"),
        "sheet": lambda: sheet(args.runs),
    }
    if args.child:
        return children[args.child]()
    instruments, units, records = SIZES["national" if args.full else "province" if args.province else "quick"]
    records = args.records or records
    url = database_url(instruments)
    engine = "sqlite" if url.startswith("sqlite") else "postgres"
    print(
        f"evaluation round, {instruments:,} instruments, {units} units, {records:,} usage records over 2023–2025,"
        f" {engine}; load average before {_load()}"
    )
    prepare(engine, instruments, SEED, url=url, units=units)
    loader = (__file__, "--child", "load") if engine == "postgres" else (USAGE_TOTALS, "--child", "load")
    loaded = run_child(loader[0], url, *loader[1:], "--records", str(records)).strip()
    if loaded:
        print(f"  loaded the usage records: {loaded}")
    run_child(__file__, url, "--child", "verify")
    exported = json.loads(run_child(__file__, url, "--child", "export"))["export_s"]
    out = json.loads(run_child(__file__, url, "--child", "measure", "--runs", str(args.runs)))
    ours, duck = statistics.median(out["samples"]["ours"]), statistics.median(out["samples"]["duckdb"])
    print(
        f"  {out['units']} units, {out['instruments']:,} instruments, {out['records']:,} records "
        f"({out['records_in_year']:,} in {YEAR}); Parquet export "
        + ("reused" if exported is None else f"{exported:.1f} s")
    )
    print(f"  ours   (figures + points + rank): median {ours:.3f} s   runs {_runs(out['samples']['ours'])}")
    print(
        f"    of which figures.compute (the queries): median {statistics.median(out['samples']['figures']):.3f} s"
    )
    print(f"  DuckDB (same aggregation):        median {duck:.3f} s   runs {_runs(out['samples']['duckdb'])}")
    print(f"  ratio ours / DuckDB: {ours / duck:.2f}×   load average {_load()}, {os.cpu_count()} CPUs")
    for label in ("ours", "duckdb"):
        peak = json.loads(run_child(__file__, url, "--child", f"memory-{label}"))
        before, after = peak["before"], peak["after"]
        backend = (
            f"; PostgreSQL backend peak {before['backend_mb']:.0f} → {after['backend_mb']:.0f} MB"
            if after.get("backend_mb")
            else ""
        )
        print(
            f"  peak memory, {label} alone ({after['seconds']:.2f} s): process {before['process_mb']:.0f} MB after"
            f" start-up → {after['process_mb']:.0f} MB{backend}"
        )
    regenerated = json.loads(run_child(__file__, url, "--child", "sheet", "--runs", str(args.runs)))[
        "samples"
    ]
    if regenerated:
        print(
            f"  one unit's sheet regenerated after a record changes: median {statistics.median(regenerated):.3f} s"
            f"   runs {_runs(regenerated)}"
        )
    print(f"  load average after {_load()}")
    if out["differences"]:
        print("  DIFFERENT NUMBERS:\n    " + "\n    ".join(out["differences"]))
        return 1
    print(f"  same numbers: {out['compared']:,} unit figures agree within their rounding step")
    return 0


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _runs(samples) -> str:
    return ", ".join(f"{s:.3f}" for s in samples)


if __name__ == "__main__":
    sys.exit(main())
