"""A month of raw samples rolled up into intervals, daily and monthly hours, on PostgreSQL: wall time.

The month is the simulator's (``monitoring.simulator.Scenario``, the one the accuracy tests score against): 30 days
of N instruments on working days and Chinese holidays, sessions of one to three hours with idle running after them,
instruments left on in standby all day, breakdowns, long idleness; half the devices are gateways that report the
state, half power sensors whose watts the thresholds classify. Every device reports every ``--period`` seconds, each
at its own offset, as the simulator publishes.

Why a sample every 300 s: it is the sparsest stream the platform is built for — the default profile ends an interval
after 300 s without a sample (``gap_seconds``), so a device must report at least that often, and retention keeps 90
days of whatever it sends. 16,000 instruments make 138 million samples a month (about 20 GB with both indexes). The
roll-up reads each sample once (classify, compare with the one before, collapse runs), so its time grows with the
samples: a 60 s stream — the accuracy bench's, needed for daily hours within 1 % — is five times the rows (690
million, ~100 GB: more than this machine's disk), and the bench prints samples/s to scale by.

Loading: the simulator plans each instrument's days in Python (a few standby and running segments a day); the plans
go to the database by COPY, and each UTC day's samples are generated there from them straight into that day's
partition (``generate_series`` per device; the day's table is filled bare, given its key and index, and attached
as the partition: building an index is several times cheaper than growing it row by row) — the samples themselves
never pass through Python. Then every device is marked dirty from the month's start and one
``rollup.roll_up()`` derives states, intervals, daily hours and verified hours, as the scheduled job would after a
month's backlog; then the month's hours per instrument are read as the monthly-hours API reads them.

It prints rows, wall times, samples/s, peak memory (this process; the PostgreSQL backend's resident peak, which
includes the shared buffers it touched; bytes sorts spilled to disk) and the load, and — as a check that the month
is real and rolled up right — the running hours found against the simulator's truth.

    python bench/telemetry_rollup.py           # quick: 500 instruments (4.3 million samples)
    python bench/telemetry_rollup.py --full    # 16,000 instruments (138 million samples)

The database (``BENCH_ROLLUP_URL``, default ``yiqi_bench_rollup``) keeps its instruments for the next run; its
samples are replaced each run. ``--drop-samples`` empties them at the end (the disk they take).
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time

from common import PG_BASE, PYTHON, ROOT, django_env, ensure_postgres_database, manage, setup_django

URL = os.environ.get("BENCH_ROLLUP_URL", f"{PG_BASE}/yiqi_bench_rollup")
DAYS = 30
TABLES = """
DROP TABLE IF EXISTS bench_device, bench_segment;
CREATE TEMP TABLE bench_device (
    device_id bigint, instrument_id bigint, gateway boolean, standby_w float8, running_w float8, first_t timestamptz
);
CREATE TEMP TABLE bench_segment (device_id bigint, day date, start timestamptz, finish timestamptz, state text);
"""
# One UTC day of every device's samples. Off: the simulator's 0–2 W of noise; on: the level ± 5 %.
DAY_SQL = """
INSERT INTO {partition} (device_id, t, instrument_id, state, power_w, current_a, signals, received_at)
SELECT d.device_id, h.t, d.instrument_id,
       CASE WHEN d.gateway THEN COALESCE(s.state, 'off') ELSE '' END,
       round((CASE s.state WHEN 'running' THEN d.running_w * (0.95 + 0.1 * random())
                           WHEN 'standby' THEN d.standby_w * (0.95 + 0.1 * random())
                           ELSE 2 * random() END)::numeric, 1)::float8,
       NULL, NULL, h.t
FROM bench_device d
CROSS JOIN LATERAL generate_series(
    d.first_t + make_interval(
        secs => (ceil(greatest(0, extract(epoch FROM %(day_start)s - d.first_t)) / %(period)s) * %(period)s)::float8
    ),
    %(day_end)s - interval '1 microsecond', make_interval(secs => %(period)s)) h(t)
LEFT JOIN bench_segment s ON s.device_id = d.device_id AND s.day = %(day)s AND s.start <= h.t AND h.t < s.finish
"""


def backend_peak_kb(pid: int) -> int:
    """Peak resident memory of a PostgreSQL backend on this machine (``VmHWM``), in kB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def spilled_bytes() -> int:
    """Bytes this database's queries have written to temporary files so far (statistics flush within a second)."""
    from django.db import connection

    time.sleep(1.5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def instruments_and_devices(count: int) -> list[tuple[int, int]]:
    """``count`` benchmark instruments with one power device each (made once, reused): [(device, instrument)]."""
    from yiqi.monitoring.models import Device
    from yiqi.organizations.models import Organization
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import Instrument
    from yiqi.registry.tests.factories import InstrumentFactory

    have = Device.objects.filter(uid__startswith="rollup-").count()
    if have < count:
        unit = Organization.objects.filter(name__startswith="汇总基准单位").first() or OrganizationFactory(
            name="汇总基准单位"
        )
        template = InstrumentFactory(unit=unit, asset_number=f"T-{have:06d}")
        fields = {f.attname: getattr(template, f.attname) for f in Instrument._meta.concrete_fields}
        del fields["id"]
        made = Instrument.objects.bulk_create(
            Instrument(**{**fields, "asset_number": f"R-{n:06d}"}) for n in range(have, count)
        )
        Device.objects.bulk_create(
            Device(uid=f"rollup-{have + i:06d}", instrument=inst, unit=unit, kind="power", secret_digest="-")
            for i, inst in enumerate(made)
        )
    devices = Device.objects.filter(uid__startswith="rollup-").order_by("pk")[:count]
    return list(devices.values_list("pk", "instrument_id"))


def plan(cursor, scenario, chosen) -> float:
    """Profiles as a unit would set them, and every device's planned segments COPYed to ``bench_segment``;
    returns the truth's running seconds."""
    from yiqi.monitoring.models import MonitoringProfile
    from yiqi.monitoring.simulator import GATEWAY, RUNNING

    fields = list(scenario.profiles[0].monitoring_profile(scenario.period))
    MonitoringProfile.objects.bulk_create(
        [
            MonitoringProfile(
                instrument_id=instrument, **scenario.profiles[i].monitoring_profile(scenario.period)
            )
            for i, (_, instrument) in enumerate(chosen)
        ],
        update_conflicts=True,
        unique_fields=["instrument"],
        update_fields=fields,
    )
    cursor.execute(TABLES)
    running = 0.0
    raw = cursor.cursor
    with raw.copy("COPY bench_device FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "int8", "bool", "float8", "float8", "timestamptz"])
        for i, (device, instrument) in enumerate(chosen):
            p = scenario.profiles[i]
            first = scenario.start + dt.timedelta(seconds=scenario.offset(i))
            copy.write_row((device, instrument, p.device_kind == GATEWAY, p.standby_w, p.running_w, first))
    with raw.copy("COPY bench_segment FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "date", "timestamptz", "timestamptz", "text"])
        for i, (device, _) in enumerate(chosen):
            for segment in scenario.segments(i):
                copy.write_row((device, segment.start.date(), segment.start, segment.end, segment.state))
                if segment.state == RUNNING:
                    running += (segment.end - segment.start).total_seconds()
            scenario.forget(i)
    cursor.execute("ANALYZE bench_device")
    cursor.execute("ANALYZE bench_segment")
    return running


def load(cursor, start: dt.datetime, end: dt.datetime, period: int) -> int:
    """Every UTC day's samples into a table of its own, indexed and attached as that day's partition (replacing
    it), one transaction a day; returns the rows."""
    from django.db import transaction

    from yiqi.monitoring.services import PARTITION_PREFIX

    rows = 0
    day = start.date()
    while day <= end.date():
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        bounds = [day_start, day_start + dt.timedelta(days=1)]
        table = f"{PARTITION_PREFIX}{day:%Y%m%d}"
        began = time.perf_counter()
        with transaction.atomic():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} (LIKE monitoring_sample INCLUDING DEFAULTS)")
            cursor.execute(
                DAY_SQL.format(partition=table),
                {
                    "day": day,
                    "day_start": max(day_start, start),
                    "day_end": min(bounds[1], end),
                    "period": period,
                },
            )
            count = cursor.rowcount
            cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (device_id, t)")
            cursor.execute(f"CREATE INDEX ON {table} (instrument_id, t)")
            # The constraint spares ATTACH its own scan; the indexes match the parent's, so they are attached too.
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_day CHECK (t >= %s AND t < %s)", bounds
            )
            cursor.execute(
                f"ALTER TABLE monitoring_sample ATTACH PARTITION {table} FOR VALUES FROM (%s) TO (%s)", bounds
            )
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_day")
        rows += count
        print(
            f"  {day}: {count:,} samples in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True
        )
        day += dt.timedelta(days=1)
    return rows


def child(instruments: int, period: int, drop_samples: bool) -> None:
    setup_django()
    from django.db import connection
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from yiqi.monitoring import rollup
    from yiqi.monitoring.models import DailyHours, Device, StateInterval
    from yiqi.monitoring.simulator import Scenario

    chosen = instruments_and_devices(instruments)
    end = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    start = end - dt.timedelta(days=DAYS)
    scenario = Scenario(instruments=instruments, start=start, end=end, period=period)
    load_before = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        cursor.execute(
            "TRUNCATE monitoring_sample, monitoring_stateinterval, monitoring_dailyhours, monitoring_instrumentmonitor"
        )
        cursor.execute("UPDATE monitoring_device SET dirty_from = NULL, last_seen = NULL")
        began = time.perf_counter()
        truth_running = plan(cursor, scenario, chosen)
        planned = time.perf_counter() - began
        began = time.perf_counter()
        samples = load(cursor, start, end, period)
        cursor.execute("ANALYZE monitoring_sample")
        loaded = time.perf_counter() - began
    Device.objects.filter(pk__in=[d for d, _ in chosen]).update(dirty_from=start, last_seen=end)
    temp_before = spilled_bytes()
    began = time.perf_counter()
    rolled = rollup.roll_up()
    wall = time.perf_counter() - began
    began = time.perf_counter()
    unit_id = Device.objects.get(pk=chosen[0][0]).unit_id
    monthly = list(
        DailyHours.objects.filter(unit_id=unit_id)
        .annotate(month_start=TruncMonth("day"))
        .values("instrument_id", "month_start")
        .annotate(running=Sum("running_seconds"), standby=Sum("standby_seconds"), days=Count("id"))
    )
    monthly_s = time.perf_counter() - began
    found_running = DailyHours.objects.filter(unit_id=unit_id).aggregate(s=Sum("running_seconds"))["s"] or 0
    temp_after = spilled_bytes()
    if drop_samples:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE monitoring_sample")
    result = {
        "instruments": rolled,
        "samples": samples,
        "plan_s": round(planned, 1),
        "load_s": round(loaded, 1),
        "roll_up_s": round(wall, 1),
        "samples_per_s": round(samples / wall),
        "intervals": StateInterval.objects.count(),
        "daily_hours_rows": DailyHours.objects.count(),
        "monthly_rows": len(monthly),
        "monthly_s": round(monthly_s, 2),
        "running_hours": round(found_running / 3600),
        "truth_running_hours": round(truth_running / 3600),
        "python_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "postgres_backend_peak_mb": round(backend_peak_kb(backend) / 1024),
        "spilled_mb": round((temp_after - temp_before) / 2**20),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--instruments", type=int)
    parser.add_argument("--period", type=int, default=300, help="seconds between one device's samples")
    parser.add_argument("--drop-samples", action="store_true", help="empty the sample table at the end")
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child[:2], bool(options.child[2]))
        return
    instruments = options.instruments or (16_000 if options.full else 500)
    ensure_postgres_database(URL)
    manage(URL, "migrate", "--noinput")
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()}", flush=True)
    args = ("--child", str(instruments), str(options.period), str(int(options.drop_samples)))
    # The child's progress (a line a day) goes to stderr as it comes; its result is the last line of stdout.
    output = subprocess.run(
        [PYTHON, __file__, *args],
        cwd=ROOT,
        env=django_env(URL),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    r = json.loads(output.strip().splitlines()[-1])
    print(
        f"{r['instruments']:,} instruments, {DAYS} days, a sample every {options.period} s: {r['samples']:,} samples; "
        f"planned in {r['plan_s']} s, generated into the day partitions in {r['load_s']} s "
        f"({r['samples'] / max(r['load_s'], 0.1):,.0f} rows/s)"
    )
    print(
        f"roll-up: {r['roll_up_s']} s wall ({r['samples_per_s']:,} samples/s) → {r['intervals']:,} intervals, "
        f"{r['daily_hours_rows']:,} daily rows; monthly hours: {r['monthly_rows']:,} rows in {r['monthly_s']} s"
    )
    print(
        f"running hours found {r['running_hours']:,} vs the simulator's {r['truth_running_hours']:,}; "
        f"peak memory: this process {r['python_peak_mb']} MB, PostgreSQL backend {r['postgres_backend_peak_mb']} MB "
        f"resident, {r['spilled_mb']:,} MB of sorts spilled to disk"
    )
    print(f"load before {r['load_before']}, after {r['load_after']}")


if __name__ == "__main__":
    sys.exit(main())
