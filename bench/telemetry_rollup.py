"""A month of raw samples rolled up into intervals and daily hours, on PostgreSQL: wall time.

N instruments, one power sensor each, a sample every ``--period`` seconds for 30 days (working days: standby from
8:00, running 9–12 and 14–18, a different shift per instrument; nights and weekends off). The samples are generated
in the database (``generate_series``), every device is marked dirty from the month's start, then one
``rollup.roll_up()`` derives states, intervals, daily hours and verified hours, as the scheduled job does.

    python bench/telemetry_rollup.py           # quick: 500 instruments, a sample every 300 s (4.3 million samples)
    python bench/telemetry_rollup.py --full    # 16,000 instruments (138 million samples)
"""

import argparse
import json
import os
import sys
import time

from common import PG_BASE, ensure_postgres_database, manage, run_child, setup_django

URL = os.environ.get("BENCH_ROLLUP_URL", f"{PG_BASE}/yiqi_bench_rollup")
DAYS = 30

SAMPLES_SQL = """
INSERT INTO monitoring_sample (device_id, t, instrument_id, state, power_w, received_at)
SELECT d.id, s.t, d.instrument_id, '',
       CASE
         WHEN extract(isodow FROM s.local) > 5 OR extract(hour FROM s.local) - d.shift NOT BETWEEN 8 AND 17 THEN 1.0
         WHEN extract(hour FROM s.local) - d.shift IN (9, 10, 11, 14, 15, 16, 17) THEN 180.0 + d.id %% 9
         ELSE 30.0
       END,
       now()
FROM (SELECT id, instrument_id, id %% 3 AS shift FROM monitoring_device WHERE uid LIKE 'rollup-%%') d
CROSS JOIN LATERAL (
  SELECT g AS t, g AT TIME ZONE 'Asia/Shanghai' AS local
  FROM generate_series(%(start)s::timestamptz, %(end)s::timestamptz, make_interval(secs => %(period)s)) g
) s
"""


def child(instruments: int, period: int) -> None:
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from yiqi.monitoring import rollup
    from yiqi.monitoring.models import DailyHours, Device, MonitoringProfile, StateInterval
    from yiqi.organizations.models import Organization
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import Instrument
    from yiqi.registry.tests.factories import InstrumentFactory

    have = Device.objects.filter(uid__startswith="rollup-").count()
    if have < instruments:
        unit = Organization.objects.filter(name__startswith="汇总基准单位").first() or OrganizationFactory(
            name="汇总基准单位"
        )
        template = InstrumentFactory(unit=unit, asset_number=f"T-{have:06d}")
        fields = {f.attname: getattr(template, f.attname) for f in Instrument._meta.concrete_fields}
        del fields["id"]
        made = Instrument.objects.bulk_create(
            Instrument(**{**fields, "asset_number": f"R-{n:06d}"}) for n in range(have, instruments)
        )
        Device.objects.bulk_create(
            Device(uid=f"rollup-{have + i:06d}", instrument=inst, unit=unit, kind="power", secret_digest="-")
            for i, inst in enumerate(made)
        )
    devices = Device.objects.filter(uid__startswith="rollup-").order_by("pk")[:instruments]
    chosen = list(devices.values_list("pk", "instrument_id"))
    MonitoringProfile.objects.bulk_create(
        [
            MonitoringProfile(instrument_id=i, sample_period_seconds=period, gap_seconds=3 * period)
            for _, i in chosen
        ],
        ignore_conflicts=True,
    )
    end = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    start = end - dt.timedelta(days=DAYS)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_sample, monitoring_stateinterval, monitoring_dailyhours, monitoring_instrumentmonitor"
        )
        cursor.execute(
            "UPDATE monitoring_device SET dirty_from = NULL, last_seen = NULL WHERE uid NOT LIKE 'rollup-%%'"
        )
        cursor.execute(SAMPLES_SQL.replace("LIKE 'rollup-%%'", "= ANY(%(uids)s)"), {
            "start": start, "end": end, "period": period, "uids": [f"rollup-{n:06d}" for n in range(instruments)],
        })  # fmt: skip
        samples = cursor.rowcount
        cursor.execute("ANALYZE monitoring_sample")
    Device.objects.filter(pk__in=[d for d, _ in chosen]).update(dirty_from=start, last_seen=end)
    generated = time.perf_counter() - began
    began = time.perf_counter()
    rolled = rollup.roll_up()
    wall = time.perf_counter() - began
    result = {
        "instruments": rolled,
        "samples": samples,
        "generate_s": round(generated, 1),
        "roll_up_s": round(wall, 1),
        "samples_per_s": round(samples / wall),
        "intervals": StateInterval.objects.count(),
        "daily_hours_rows": DailyHours.objects.count(),
        "load": os.getloadavg(),
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--instruments", type=int)
    parser.add_argument("--period", type=int, default=300, help="seconds between samples")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    instruments = options.instruments or (16_000 if options.full else 500)
    ensure_postgres_database(URL)
    manage(URL, "migrate", "--noinput")
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()}")
    output = run_child(__file__, URL, "--child", str(instruments), str(options.period))
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"{result['instruments']} instruments, {DAYS} days, a sample every {options.period} s: "
        f"{result['samples']:,} samples generated in {result['generate_s']} s"
    )
    print(
        f"roll-up: {result['roll_up_s']} s wall ({result['samples_per_s']:,} samples/s) → "
        f"{result['intervals']:,} intervals, {result['daily_hours_rows']:,} daily rows; load {result['load']}"
    )


if __name__ == "__main__":
    sys.exit(main())
