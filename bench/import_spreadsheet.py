"""Import of a 16,000-row spreadsheet through the real import job: wall time and peak memory.

    python bench/import_spreadsheet.py           # 16,000 new rows, SQLite and PostgreSQL
    python bench/import_spreadsheet.py --full    # also re-import the file with every row changed (updates)
    python bench/import_spreadsheet.py --rows 2000 --engine sqlite

The workbook is the unit's own downloaded template with rows filled from realistic demo instruments, as an
information officer would fill it. Each run starts from a fresh database of its own (``yiqi_bench_import``).
"""

import argparse
import json
import os
import resource
import sys
import time
from io import BytesIO

from common import PG_BASE, ensure_postgres_database, manage, run_child


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_workbook(unit, rows: int, changed: bool = False) -> bytes:
    from openpyxl import load_workbook

    from yiqi.registry.models import Instrument
    from yiqi.registry.spreadsheets import HEADER_ROWS, Codebook, build_template, sheet_columns, sheet_names

    kind = Instrument.Kind.SINGLE_INSTRUMENT
    columns = sheet_columns(kind)
    book = Codebook(unit)
    samples = list(
        Instrument.objects.filter(kind=kind)
        .exclude(unit=unit)
        .select_related("unit", "sub_unit", "parent")[:500]
    )
    wb = load_workbook(BytesIO(build_template(unit)))
    ws = wb[sheet_names()[kind]]
    for i in range(rows):
        source = samples[i % len(samples)]
        values = []
        for column in columns:
            if column.field == "asset_number":
                values.append(f"BENCH-{i:05d}")
            elif column.field in ("sub_unit", "parent"):
                values.append(None)
            elif column.field == "model_spec" and changed:
                values.append(f"{source.model_spec} Rev.{i % 7}")
            else:
                values.append(book.display(column, source))
        ws.append(values)
    assert ws.max_row == HEADER_ROWS + rows
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def officer_and_unit():
    from yiqi.accounts.models import Role, RoleAssignment

    assignment = (
        RoleAssignment.objects.filter(role=Role.INFORMATION_OFFICER)
        .select_related("user", "organization")
        .first()
    )
    return assignment.user, assignment.organization


def build(rows: int, changed: bool, path: str) -> None:
    """Child process: write the workbook (kept apart so its memory does not count against the import)."""
    from common import setup_django

    setup_django()
    _officer, unit = officer_and_unit()
    with open(path, "wb") as out:
        out.write(build_workbook(unit, rows, changed=changed))


def measure(path: str) -> None:
    """Child process: run the import job on the workbook at ``path``."""
    from common import setup_django

    setup_django()
    from django.core.files.base import ContentFile

    from yiqi.registry.models import ImportJob
    from yiqi.registry.spreadsheets import process_import_job

    officer, unit = officer_and_unit()
    with open(path, "rb") as f:
        content = f.read()
    job = ImportJob.objects.create(
        unit=unit, uploaded_by=officer, original_name="bench.xlsx", file=ContentFile(content, "bench.xlsx")
    )
    baseline = rss_mb()
    started = time.perf_counter()
    process_import_job(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.status, job.errors[:3])
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": job.total_rows,
                "created": job.created_count,
                "updated": job.updated_count,
                "file_mb": len(content) / 2**20,
                "peak_rss_mb": rss_mb(),
                "rss_before_mb": baseline,
            }
        )
    )


def fresh_database(engine: str) -> str:
    name = "yiqi_bench_import"
    if engine == "sqlite":
        path = f"/tmp/{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # the benchmark's own database only
        url = f"{PG_BASE}/{name}"
        ensure_postgres_database(url)
    manage(url, "migrate", "--noinput")
    manage(url, "demo_data", "--instruments", "1000", "--units", "20")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also time an update of every row")
    parser.add_argument("--rows", type=int, default=16_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--build", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--changed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        return build(args.rows, args.changed, args.build)
    if args.measure:
        return measure(args.measure)
    print(f"spreadsheet import, {args.rows} rows (python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    for engine in engines:
        url = fresh_database(engine)
        passes = [("new rows", False)] + ([("every row changed", True)] if args.full else [])
        for label, changed in passes:
            path = f"/tmp/yiqi_bench_import_{args.rows}{'_changed' if changed else ''}.xlsx"
            run_child(
                __file__, url, "--rows", str(args.rows), "--build", path, *(["--changed"] if changed else [])
            )
            r = json.loads(run_child(__file__, url, "--measure", path))
            print(
                f"  {engine:8} {label:18} {r['seconds']:6.1f} s  ({r['rows'] / r['seconds']:5.0f} rows/s)  "
                f"created {r['created']}, updated {r['updated']}  file {r['file_mb']:.1f} MB  "
                f"peak RSS {r['peak_rss_mb']:.0f} MB (before the import ran: {r['rss_before_mb']:.0f} MB)"
            )


if __name__ == "__main__":
    sys.exit(main())
