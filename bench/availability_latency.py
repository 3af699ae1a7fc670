"""Availability of one instrument over 90 days with a year of bookings: median and p95 server time.

    python bench/availability_latency.py            # ~2,000 bookings in the year, SQLite (and PostgreSQL, see below)
    python bench/availability_latency.py --full     # ~6,000 short bookings (every open hour taken)

One instrument open 08:00–22:00 Monday to Saturday, with blackouts and a year of bookings around today, in a
database of its own (``/tmp/yiqi_bench_availability.sqlite3``; on PostgreSQL ``yiqi_bench_availability`` on the
server of DATABASE_URL, or BENCH_PG_URL with ``--engine postgres``). Measured: ``services.availability`` in process
for 90-day windows across the year, as an outsider and as the unit's technician, and the same through the HTTP
API (``GET /api/v1/instruments/{id}/availability/``) via Django's test client (full request stack, no network).
"""

import argparse
import json
import os
import sys
import time

from common import PG_BASE, ensure_postgres_database, manage, run_child, summarise

SAMPLES = 60


def seed(dense: bool) -> int:
    """The benchmark's instrument (built once per database and scale), returned by id."""
    import datetime as dt
    import random

    from django.utils import timezone

    from yiqi.accounts.models import Role, RoleAssignment, User
    from yiqi.booking.availability import local_midnight
    from yiqi.booking.models import Blackout, Booking, BookingStatus, OpenHours, ServiceSettings
    from yiqi.core.money import hours_between
    from yiqi.organizations.tests.factories import DepartmentFactory, OrganizationFactory, make_credit_code
    from yiqi.registry.models import Instrument, RegistrationStatus
    from yiqi.registry.tests.factories import InstrumentFactory
    from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
    from yiqi.servicerecords.services import build

    scale = "dense" if dense else "normal"
    name = f"可用时段基准仪器-{scale}"
    existing = Instrument.objects.filter(name=name).first()
    if existing is not None:
        return existing.pk
    # Named apart from the other scale's (both may live in this database, and factory sequences restart).
    unit = OrganizationFactory(
        name=f"可用时段基准大学-{scale}",
        credit_code=make_credit_code(900_001 if dense else 900_000),
        supervising_department=DepartmentFactory(name=f"可用时段基准主管部门-{scale}"),
    )
    instrument = InstrumentFactory(
        unit=unit, name=name, registration_status=RegistrationStatus.PUBLISHED, offers_self_operation=True
    )
    ServiceSettings.objects.create(
        instrument=instrument, requires_approval=False, requires_qualification=False
    )
    OpenHours.objects.bulk_create(
        OpenHours(instrument=instrument, weekday=day, start_minute=8 * 60, end_minute=22 * 60)
        for day in range(6)
    )
    technician = User.objects.create(username=f"avail-tech-{scale}")
    RoleAssignment.objects.create(user=technician, role=Role.TECHNICIAN, organization=unit)
    users = User.objects.bulk_create(
        User(username=f"avail-{scale}-{n:03d}", full_name=f"用户{n}") for n in range(100)
    )
    rng = random.Random(2026)
    today = timezone.localdate()
    rows, blackouts = [], []
    # A year around today: nine months back, three ahead; on a 30-minute grid, 1–2 hours with gaps of up to an
    # hour, or (dense) back-to-back half hours and hours.
    for offset in range(-270, 95):
        day = today + dt.timedelta(days=offset)
        if day.weekday() == 6:
            continue
        if offset % 30 == 0:
            blackouts.append(
                (local_midnight(day) + dt.timedelta(hours=8), local_midnight(day) + dt.timedelta(hours=12))
            )
            continue
        minute = 8 * 60
        while True:
            minute += 0 if dense else 30 * rng.randint(0, 2)
            length = 30 * (rng.randint(1, 2) if dense else rng.randint(2, 4))
            if minute + length > 22 * 60:
                break
            start = local_midnight(day) + dt.timedelta(minutes=minute)
            past = offset < 0
            user = rng.choice(users)
            end = start + dt.timedelta(minutes=length)
            record = build(
                ServiceKind.SELF_OPERATION,
                instrument=instrument,
                user=user,
                reference=f"{timezone.localtime(start):%Y-%m-%d %H:%M}",
                content="基准测试",
                planned_hours=hours_between(start, end),
            )
            if past:
                record.status, record.started_at, record.ended_at = ServiceStatus.COMPLETED, start, end
                record.hours, record.completed_at = hours_between(start, end), end
            rows.append(
                Booking(
                    record=record,
                    instrument=instrument,
                    user=user,
                    status=BookingStatus.COMPLETED if past else BookingStatus.CONFIRMED,
                    starts_at=start,
                    ends_at=end,
                    purpose="基准测试",
                )
            )
            minute += length
    ServiceRecord.objects.bulk_create([row.record for row in rows], batch_size=2000)
    Booking.objects.bulk_create(rows, batch_size=2000)
    Blackout.objects.bulk_create(
        Blackout(instrument=instrument, starts_at=s, ends_at=e, reason="保养") for s, e in blackouts
    )
    return instrument.pk


def measure(dense: bool) -> None:
    """Child process: time availability against the database in DATABASE_URL."""
    from common import setup_django

    setup_django()
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from yiqi.accounts.access import ANONYMOUS, access_for
    from yiqi.accounts.models import User
    from yiqi.booking import services
    from yiqi.booking.availability import local_midnight
    from yiqi.registry.models import Instrument

    started = time.perf_counter()
    instrument = Instrument.objects.get(pk=seed(dense))
    seeded = time.perf_counter() - started
    year = instrument.bookings.count()
    technician = User.objects.get(username=f"avail-tech-{'dense' if dense else 'normal'}")
    first = local_midnight(timezone.localdate() - dt.timedelta(days=270))
    windows = [
        (first + dt.timedelta(days=5 * n), first + dt.timedelta(days=5 * n + 90)) for n in range(SAMPLES)
    ]
    results = {"bookings": year, "seed_s": seeded}
    for label, access in (("service, outsider", ANONYMOUS), ("service, technician", access_for(technician))):
        services.availability(instrument, *windows[0], access=access)  # warm-up
        samples, busy = [], 0
        for start, end in windows:
            t = time.perf_counter()
            result = services.availability(instrument, start, end, access=access)
            samples.append((time.perf_counter() - t) * 1000)
            busy += len(result.busy)
        results[label] = {**summarise(samples), "busy_per_window": busy / len(windows)}
    client = Client()
    url = f"/api/v1/instruments/{instrument.pk}/availability/"
    client.get(url, {"start": windows[0][0].isoformat(), "end": windows[0][1].isoformat()})
    samples = []
    for start, end in windows:
        t = time.perf_counter()
        response = client.get(url, {"start": start.isoformat(), "end": end.isoformat()})
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:300]
    results["http api, anonymous"] = summarise(samples)
    print(json.dumps(results))


def database(engine: str) -> str:
    if engine == "sqlite":
        return "sqlite:////tmp/yiqi_bench_availability.sqlite3"
    base = PG_BASE
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        base = given.rsplit("/", 1)[0]
    url = f"{base}/yiqi_bench_availability"
    ensure_postgres_database(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--full", action="store_true", help="about 6,000 bookings in the year instead of 2,000"
    )
    parser.add_argument(
        "--engine",
        choices=["sqlite", "postgres", "both"],
        default="both" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
    )
    parser.add_argument("--child", choices=["normal", "dense"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.child == "dense")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    for engine in engines:
        url = database(engine)
        manage(url, "migrate", "--noinput")
        r = json.loads(run_child(__file__, url, "--child", "dense" if args.full else "normal"))
        print(f"availability over 90 days, one instrument with {r['bookings']} bookings in a year, {engine}")
        if r["seed_s"] > 1:
            print(f"  seeded in {r['seed_s']:.1f} s")
        for label in ("service, outsider", "service, technician", "http api, anonymous"):
            s = r[label]
            print(
                f"  {label:22} median {s['median_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms   ({s['n']} windows)"
            )
        print(f"  busy periods per 90-day window: {r['service, outsider']['busy_per_window']:.0f}")


if __name__ == "__main__":
    sys.exit(main())
