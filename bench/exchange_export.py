"""National export: instruments and service records → validated national records, streamed; then sending.

    PYTHONPATH=. python bench/exchange_export.py            # 2,000 / 4,000 / 8,000 instruments, 5 services each
    PYTHONPATH=. python bench/exchange_export.py --full     # 110,000 instruments, 2,000,000 service records
    PYTHONPATH=. python bench/exchange_export.py --sizes 10000,40000 --services-each 18 --no-send
    PYTHONPATH=. python bench/exchange_export.py --sizes 11000,110000 --services-each 18 --send 16000 \
        --db postgres://postgres@127.0.0.1:5432/yiqi_bench_exchange

A fresh database: SQLite in /tmp (``yiqi_bench_exchange.sqlite3``, deleted first) or ``--db``, a file or the
benchmark's own PostgreSQL database (dropped and created again). For each
size the export runs in a child process: wall time of building and validating every record (``records.all_records``
+ ``validation.problems``) and the child's peak resident memory (its own ``VmHWM``: ``wait4``'s counts the
parent's memory at the fork), which should stay flat as N grows (tracemalloc is not used: it slows Python down
several times). Then records/s sending ``--send`` instruments to the
fake national endpoint over HTTP (Django's WSGI server in a thread, zeep client), ``YIQI_EXCHANGE_CONCURRENCY`` in
flight at once.
"""

import argparse
import os
import subprocess
import sys
import threading
import time

from common import fresh_database

DB = "/tmp/yiqi_bench_exchange.sqlite3"


def database_url() -> str:
    return DB if "://" in str(DB) else f"sqlite:///{DB}"


def setup(fresh: bool = True):
    os.environ.update(DJANGO_ENV="development", DJANGO_DEBUG="0", DATABASE_URL=database_url())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqi.settings")
    import django

    if not fresh:
        django.setup()
        return
    fresh_database(database_url())
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(instruments: int, services_each: int, start: int = 0):
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from yiqi.accounts.tests.factories import UserFactory
    from yiqi.exchange.models import UnitCode
    from yiqi.organizations.models import Organization
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import Instrument, InstrumentCategory
    from yiqi.servicerecords.models import ServiceRecord

    unit = Organization.objects.filter(is_management_unit=True).first() or OrganizationFactory()
    UnitCode.objects.get_or_create(unit=unit, defaults={"code": "f" * 32})
    user = UserFactory()
    category = InstrumentCategory.objects.get(code="010102")
    now = timezone.now()
    rows = [
        Instrument(
            unit=unit, asset_number=f"B{n:07d}", name=f"电镜{n}", category=category,
            original_value=Decimal("1234567.89"), manufacturer="厂家", country_of_origin="DE", model_spec="M1",
            technical_indicators="指标", main_functions="功能", service_content="服务", disciplines="150",
            acceptance_date=dt.date(2020, 1, 1), contact_name="王", contact_phone="029-88880000", room="101",
            registration_status="published", published_at=now,
        )
        for n in range(start, start + instruments)
    ]  # fmt: skip
    created = Instrument.objects.bulk_create(rows, batch_size=2000)
    ended = now - dt.timedelta(days=2)

    def service(instrument):
        return ServiceRecord(
            kind="self_operation", status="completed", instrument=instrument, unit=unit, user=user,
            reference="r", started_at=ended - dt.timedelta(hours=2), ended_at=ended,
            hours=Decimal("2.00"), completed_at=ended,
        )  # fmt: skip

    if connection.vendor == "postgresql" and created and services_each:
        _copy_services(service(created[0]), [i.pk for i in created], services_each)
        return
    services = []
    for instrument in created:
        services += [service(instrument) for _ in range(services_each)]
        if len(services) >= 20000:
            ServiceRecord.objects.bulk_create(services)
            services = []
    ServiceRecord.objects.bulk_create(services)


def _copy_services(template, instrument_ids: list[int], each: int) -> None:
    """PostgreSQL: ``each`` copies of one service record for every instrument, in one INSERT … SELECT (building
    millions of rows in Python would take longer than the export measured)."""
    from django.db import connection

    from yiqi.servicerecords.models import ServiceRecord

    template.save()
    table = ServiceRecord._meta.db_table
    columns = ", ".join(
        f'"{f.column}"'
        for f in ServiceRecord._meta.concrete_fields
        if not f.primary_key and f.column != "instrument_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({columns}, "instrument_id") SELECT {columns}, i FROM "{table}" '
            "CROSS JOIN unnest(%s::bigint[]) AS i CROSS JOIN generate_series(1, %s) WHERE id = %s",
            [instrument_ids, each, template.pk],
        )
    template.delete()


def export() -> tuple[int, float]:
    from yiqi.exchange import records, validation
    from yiqi.exchange.services import outbox

    started = time.perf_counter()
    count = 0
    for built in records.all_records(outbox.unit_codes(), outbox.reporting_year()):
        validation.problems(built.record_type, built.payload)
        count += 1
    return count, time.perf_counter() - started


def peak_mib() -> float:
    """This process's peak resident memory since it started (exec), in MiB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def export_in_child() -> tuple[int, float, float]:
    """(records, wall seconds, peak RSS MiB) of one export run in a fresh process."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", "--db", str(DB)], stdout=subprocess.PIPE, text=True
    )
    output = child.stdout.read()
    if child.wait():
        raise SystemExit(f"export child failed: {child.returncode}")
    count, wall, peak = output.split()
    return int(count), float(wall), float(peak)


def send(limit: int) -> tuple[int, float]:
    from django.conf import settings
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
        get_internal_wsgi_application,
    )

    from yiqi.exchange.models import NationalRecord
    from yiqi.exchange.services import outbox, sending

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_internal_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.YIQI_EXCHANGE_WSDL = f"http://127.0.0.1:{server.server_port}/exchange/fake-national/?wsdl"
    outbox.refresh(outbox.records.instrument_records(outbox.unit_codes(), outbox.reporting_year()))
    rows = NationalRecord.objects.filter(record_type=4).order_by("pk")[:limit]
    ids = list(rows.values_list("pk", flat=True))
    NationalRecord.objects.filter(pk__in=ids).update(confirmed_at=time_now())
    job = outbox.ReportingJob.objects.create(endpoint=settings.YIQI_EXCHANGE_WSDL, total=len(ids))
    NationalRecord.objects.filter(pk__in=ids).update(job=job)
    started = time.perf_counter()
    job = sending.send_job(job.pk)
    wall = time.perf_counter() - started
    server.shutdown()
    return job.records.filter(status="accepted").count(), wall


def time_now():
    from django.utils import timezone

    return timezone.now()


def main():
    global DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--sizes", help="instrument counts, comma-separated, ascending")
    parser.add_argument("--services-each", type=int)
    parser.add_argument("--db", default=DB, help="SQLite file or database URL")
    parser.add_argument("--no-send", action="store_true")
    parser.add_argument("--send", type=int, help="instruments to send (16,000 with --full, else 2,000)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    DB = options.db
    if options.child:
        setup(fresh=False)
        print(*export(), peak_mib())
        return
    setup()
    sizes = (110_000,) if options.full else (2_000, 4_000, 8_000)
    if options.sizes:
        sizes = tuple(int(n) for n in options.sizes.split(","))
    services_each = options.services_each or (18 if options.full else 5)
    done = 0
    for size in sizes:
        populate(size - done, services_each, start=done)
        done = size
        count, wall, peak = export_in_child()
        print(f"export {size:>7} instruments, {size * services_each:>8} services: {count} records in {wall:.1f} s "
              f"({count / wall:,.0f}/s), peak RSS {peak:.0f} MiB; load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    if options.no_send:
        return
    from django.conf import settings

    sent = options.send or (16_000 if options.full else 2_000)
    accepted, wall = send(sent)
    print(
        f"send {accepted} instruments to the fake endpoint over HTTP: {wall:.1f} s ({accepted / wall:.0f} records/s), "
        f"{settings.YIQI_EXCHANGE_CONCURRENCY} in flight; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
