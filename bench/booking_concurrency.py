"""Booking creation over HTTP under 50 concurrent clients on PostgreSQL: throughput, latency, overlaps (must be 0).

    python bench/booking_concurrency.py            # 2,000 requests, 10 instruments, 200 users
    python bench/booking_concurrency.py --full     # 10,000 requests, 50 instruments, 1,000 users

A fresh database ``yiqi_bench_booking_<timestamp>`` on BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432)
is created, migrated and seeded (instruments open round the clock, users with API tokens), then served by a real
gunicorn (4 processes × 4 threads, gthread) on a free port. 50 client threads (stdlib urllib, one connection per
request) fire ``POST /api/v1/bookings/``: most for random slots of random instruments (which sometimes collide),
a share for a few contested slots that many clients want at once. Afterwards an SQL self-join counts overlapping
slot-holding bookings. The database is dropped at the end (that one only).

The server runs the ``test`` profile so that notifications go to an in-memory mailbox instead of the task queue
file in ``var/``; everything else (middleware, token auth, services, PostgreSQL) is as in production.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PG_BASE, PYTHON, ROOT, manage, summarise

CLIENTS = 50
HOT_SHARE = 0.3  # share of requests aimed at the few contested slots
HOT_SLOTS = 10
SLOT_HOLDING = ("requested", "confirmed", "checked_in", "completed")
OVERLAPS_SQL = """
    SELECT count(*) FROM booking_booking a JOIN booking_booking b
      ON a.instrument_id = b.instrument_id AND a.id < b.id
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
    WHERE a.status = ANY(%(held)s) AND b.status = ANY(%(held)s)
"""


def seed(path: str, instruments: int, users: int) -> None:
    """Child process: instruments open round the clock, users with tokens; ids and keys written to ``path``."""
    from common import setup_django

    setup_django()
    from django.utils import timezone

    from yiqi.accounts.models import User
    from yiqi.accounts.tokens import issue_token
    from yiqi.booking.models import OpenHours, ServiceSettings
    from yiqi.organizations.tests.factories import OrganizationFactory
    from yiqi.registry.models import RegistrationStatus
    from yiqi.registry.tests.factories import InstrumentFactory

    unit = OrganizationFactory(name="基准测试大学")
    ids = []
    for n in range(instruments):
        instrument = InstrumentFactory(
            unit=unit,
            name=f"基准仪器{n:03d}",
            registration_status=RegistrationStatus.PUBLISHED,
            offers_self_operation=True,
        )
        ServiceSettings.objects.create(
            instrument=instrument,
            requires_approval=False,
            requires_qualification=False,
            closed_on_holidays=False,
            horizon_days=90,
        )
        OpenHours.objects.bulk_create(
            OpenHours(instrument=instrument, weekday=day, start_minute=0, end_minute=1440) for day in range(7)
        )
        ids.append(instrument.pk)
    people = User.objects.bulk_create(
        User(username=f"bench{n:05d}", full_name=f"用户{n}") for n in range(users)
    )
    tokens = [issue_token(person)[1] for person in people]
    today = timezone.localdate().isoformat()
    Path(path).write_text(json.dumps({"instruments": ids, "tokens": tokens, "today": today}))


def requests_to_fire(scene: dict, count: int, rng: random.Random) -> list[tuple[str, dict]]:
    """(token, payload) pairs: random slots over the next 60 days, plus contested ones for tomorrow."""
    import datetime as dt

    today = dt.date.fromisoformat(scene["today"])
    instruments, tokens = scene["instruments"], scene["tokens"]

    def slot(instrument: int, day: dt.date, start_minute: int, minutes: int) -> dict:
        start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start_minute)
        end = start + dt.timedelta(minutes=minutes)
        return {
            "instrument": instrument,
            "starts_at": start.isoformat() + "+08:00",
            "ends_at": end.isoformat() + "+08:00",
            "purpose": "基准测试",
        }

    hot = [
        slot(instruments[n % len(instruments)], today + dt.timedelta(days=1), 600, 120)
        for n in range(HOT_SLOTS)
    ]
    fired = []
    for _ in range(count):
        if rng.random() < HOT_SHARE:
            payload = rng.choice(hot)
        else:
            day = today + dt.timedelta(days=rng.randint(2, 60))
            payload = slot(rng.choice(instruments), day, 30 * rng.randint(0, 40), 60 * rng.randint(1, 3))
        fired.append((rng.choice(tokens), payload))
    return fired


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, log) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_ENV="test", DATABASE_URL=url, LOG_LEVEL="ERROR")
    command = [PYTHON, "-m", "gunicorn", "yiqi.wsgi", "--bind", f"127.0.0.1:{port}", "--backlog", "512"]
    command += ["--worker-class", "gthread", "--workers", "4", "--threads", "4", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=10).close()
            return server
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("gunicorn did not start")


def post(base: str, token: str, payload: dict) -> tuple[int, float]:
    request = urllib.request.Request(
        f"{base}/api/v1/bookings/",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            code = response.status
    except urllib.error.HTTPError as error:
        error.read()
        code = error.code
    return code, (time.perf_counter() - started) * 1000


def fire(base: str, work: list[tuple[str, dict]]) -> tuple[list[tuple[int, float]], float]:
    """Every request from a pool of CLIENTS threads, all starting together; (results, wall seconds)."""
    barrier = threading.Barrier(CLIENTS)
    lock = threading.Lock()
    pending = iter(work)
    results: list[tuple[int, float]] = []

    def client() -> None:
        barrier.wait()
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            outcome = post(base, *item)
            with lock:
                results.append(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for future in [pool.submit(client) for _ in range(CLIENTS)]:
            future.result()
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="10,000 requests, 50 instruments, 1,000 users")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    parser.add_argument("--instruments", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_into:
        return seed(args.seed_into, args.instruments, args.users)
    requests, instruments, users = (10_000, 50, 1_000) if args.full else (2_000, 10, 200)

    import psycopg

    name = f"yiqi_bench_booking_{int(time.time())}"
    url = f"{PG_BASE}/{name}"
    admin_url = f"{PG_BASE}/postgres"
    print(
        f"booking creation over HTTP, {CLIENTS} concurrent clients, {requests} requests, PostgreSQL ({name})"
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        started = time.perf_counter()
        manage(url, "migrate", "--noinput")
        with tempfile.TemporaryDirectory() as tmp:
            scene_file = Path(tmp) / "scene.json"
            env = {**os.environ, "DJANGO_ENV": "test", "DATABASE_URL": url}
            subprocess.run(
                [PYTHON, __file__, "--seed-into", str(scene_file), "--instruments", str(instruments)]
                + ["--users", str(users)],
                cwd=ROOT,
                env=env,
                check=True,
            )
            scene = json.loads(scene_file.read_text())
            print(f"  database migrated and seeded in {time.perf_counter() - started:.1f} s")
            work = requests_to_fire(scene, requests, random.Random(2026))
            port = free_port()
            log_path = Path(tmp) / "gunicorn.log"
            with log_path.open("wb") as log:
                server = start_server(url, port, log)
                base = f"http://127.0.0.1:{port}"
                for _ in range(32):  # every worker thread loads its code and opens its connection
                    urllib.request.urlopen(f"{base}/api/v1/", timeout=30).close()
                results, wall = fire(base, work)
                server.terminate()
                server.wait(timeout=60)
                server = None
        report(url, results, wall)
    finally:
        if server is not None:
            server.kill()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )  # this benchmark's own database only


def report(url: str, results: list[tuple[int, float]], wall: float) -> None:
    import psycopg

    codes = [code for code, _ms in results]
    stats = summarise([ms for _code, ms in results])
    with psycopg.connect(url) as conn:
        overlaps = conn.execute(OVERLAPS_SQL, {"held": list(SLOT_HOLDING)}).fetchone()[0]
        held = conn.execute(
            "SELECT count(*) FROM booking_booking WHERE status = ANY(%s)", [list(SLOT_HOLDING)]
        ).fetchone()[0]
    other = len(codes) - codes.count(201) - codes.count(400)
    print(f"  throughput      {len(results) / wall:8.1f} requests/s ({len(results)} in {wall:.1f} s)")
    print(
        f"  latency         median {stats['median_ms']:7.1f} ms   p95 {stats['p95_ms']:7.1f} ms   max {stats['max_ms']:7.1f} ms"
    )
    print(f"  responses       201: {codes.count(201)}   400: {codes.count(400)}   other: {other}")
    print(f"  held bookings   {held} (= 201 responses: {held == codes.count(201)})")
    print(f"  overlapping slot-holding pairs (SQL self-join): {overlaps}")
    if overlaps or other:
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
