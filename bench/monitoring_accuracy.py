"""The monitoring pipeline scored against the simulator's ground truth, at a larger scale than the test suite.

    python bench/monitoring_accuracy.py           # 10 instruments, 10 days, a sample every 30 s (~290,000 samples)
    python bench/monitoring_accuracy.py --full    # 100 instruments, 30 days (~8.6 million samples)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/monitoring_accuracy.py   # on PostgreSQL

A fresh database (``/tmp/yiqi_bench_accuracy.sqlite3`` or the PostgreSQL database ``yiqi_bench_accuracy`` on the
server of DATABASE_URL) gets a small demo province; the scenario's devices, profiles and usage records (with the
planted faked records) are provisioned, every sample goes through the ingestion service's validation and batch writer,
then the roll-up and reconciliation run. Printed: the score (``yiqi.monitoring.simulation.score``: boundaries within
one sample period, days within 1 %, precision and recall of suspect records and unrecorded use) and the time of each
step.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import PG_BASE, ensure_postgres_database, manage, run_child, setup_django

NAME = "yiqi_bench_accuracy"


def child(instruments: int, days: int, period: float) -> None:
    setup_django()
    from django.utils import timezone

    from yiqi.monitoring import reconciliation, rollup, simulation
    from yiqi.monitoring.simulator import SHANGHAI, Scenario
    from yiqi.registry.models import Instrument, RegistrationStatus

    today = timezone.now().astimezone(SHANGHAI).date()
    start = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(), SHANGHAI)
    scenario = Scenario(instruments, start, start + dt.timedelta(days=days), period=period, seed=2026)
    chosen = list(Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).order_by("pk"))
    timings = {}
    began = time.perf_counter()
    devices = simulation.provision(scenario, chosen[:instruments])
    simulation.write_records(scenario, devices)
    timings["provision_s"] = time.perf_counter() - began
    now = timezone.now()
    began = time.perf_counter()
    fed = simulation.feed(scenario, devices, now=now)
    timings["ingest_s"] = time.perf_counter() - began
    began = time.perf_counter()
    rollup.roll_up(now=now)
    timings["roll_up_s"] = time.perf_counter() - began
    began = time.perf_counter()
    reconciliation.reconcile(scenario.start, scenario.end, now=now)
    timings["reconcile_s"] = time.perf_counter() - began
    result = {"samples": fed["accepted"], **{k: round(v, 1) for k, v in timings.items()}}
    result["score"] = simulation.score(scenario, devices)
    print(json.dumps(result, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        instruments, days, period = options.child
        child(int(instruments), int(days), float(period))
        return
    instruments, days, period = (100, 30, 30) if options.full else (10, 10, 30)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = f"{PG_BASE}/{NAME}"
        ensure_postgres_database(url)
        subprocess.run(
            ["psql", f"{PG_BASE}/{NAME}", "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"],
            check=True,
        )
    else:
        url = f"sqlite:////tmp/{NAME}.sqlite3"
        Path(f"/tmp/{NAME}.sqlite3").unlink(missing_ok=True)
    manage(url, "migrate", "--noinput")
    manage(url, "demo_data", "--instruments", str(max(200, instruments * 2)), "--units", "10")
    output = run_child(__file__, url, "--child", str(instruments), str(days), str(period))
    print(f"{instruments} instruments, {days} days, period {period:g} s, {url.split('/')[-1]}:")
    print(json.dumps(json.loads(output.strip().splitlines()[-1]), indent=1))


if __name__ == "__main__":
    sys.exit(main())
