"""The pages people wait on, as each role: median and p95 server time and the query count per page and role,
SQLite and PostgreSQL.

    python bench/pages.py                       # 3,000 instruments with service history, both databases
    python bench/pages.py --full                # 110,000 instruments (national scale)
    python bench/pages.py --instruments 16000 --engine sqlite
    python bench/pages.py --profile workspace:unit_admin   # where one page's time goes (cProfile, top functions)
    DATABASE_URL=postgres://… python bench/pages.py        # an existing database instead of a bench-built one

Requests go in-process through Django's whole stack (middleware, sessions, views, templates, database) with the
test client, no network. Each role is a real demo user: the unit-side roles in the unit whose instrument has the
most bookings, so the pages show a busy unit. A page the role may not open (redirect, 403/404) is left out.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time

from common import prepare, run_child, summarise


def _people():
    """A demo user per role, the unit-side ones in the busiest unit, and that unit's busiest instrument."""
    from django.db.models import Count

    from yiqi.accounts.models import Role, RoleAssignment, User
    from yiqi.registry.models import Instrument, RegistrationStatus

    instrument = (
        Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
        .annotate(n=Count("bookings"))
        .order_by("-n", "pk")
        .first()
    )
    unit = instrument.unit_id

    def holder(role, **where):
        found = RoleAssignment.objects.filter(role=role, **where).order_by("user_id").first()
        return found.user if found else None

    people = {
        "anonymous": None,
        "individual": User.objects.filter(role_assignments__isnull=True, is_superuser=False)
        .order_by("pk")
        .first(),
        "enterprise": holder(Role.EXTERNAL_USER),
        "unit_admin": holder(Role.UNIT_ADMIN, organization_id=unit),
        "officer": holder(Role.INFORMATION_OFFICER, organization_id=unit),
        "manager": instrument.manager or holder(Role.INSTRUMENT_MANAGER, organization_id=unit),
        "technician": holder(Role.TECHNICIAN, organization_id=unit),
        "department": holder(Role.DEPARTMENT_ADMIN, department_id=instrument.unit.supervising_department_id),
        "platform_admin": holder(Role.PLATFORM_ADMIN),
    }
    return people, instrument


def _pages(instrument) -> dict[str, str]:
    from django.urls import reverse

    return {
        "home": reverse("portal:home"),
        "catalogue results": reverse("catalog:search") + "?q=电镜",
        "instrument list, 2 filters": reverse("registry:instrument_list")
        + "?sharing_mode=external&status=published",
        "instrument page": reverse("registry:instrument_detail", args=[instrument.pk]),
        "availability": reverse("booking:availability", args=[instrument.pk]),
        "my bookings": reverse("booking:mine"),
        "my orders": reverse("orders:mine"),
        "my bills": reverse("fees:mine"),
        "workspace": reverse("portal:workspace"),
        "review queue": reverse("registry:review_queue"),
        "booking queue": reverse("booking:queue"),
        "order queue": reverse("orders:queue"),
        "usage dashboard": reverse("usage:dashboard"),
        "statements": reverse("fees:statement"),
    }


def _client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def measure(requests: int, profile: str | None) -> None:
    """Child process: time every page as every role against the database in DATABASE_URL."""
    from common import setup_django

    setup_django()
    from django.db import connection

    from yiqi.core.tests.read_routes import ROLES  # the reads walk's roles, here as demo users

    people, instrument = _people()
    pages = _pages(instrument)
    if profile:
        page, role = profile.rsplit(":", 1)
        client = _client(people[role])
        client.get(pages[page])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(pages[page])
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
        return
    results = []
    for role in ROLES:
        if role != "anonymous" and people[role] is None:
            continue
        client = _client(people[role])
        for page, url in pages.items():
            queries = []  # counted by a wrapper: the request start empties Django's own query log
            count = lambda execute, sql, *args, seen=queries: seen.append(sql) or execute(sql, *args)  # noqa: E731
            with connection.execute_wrapper(count):
                first = client.get(url)  # warm-up, and the query count
            if first.status_code != 200:
                continue
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, role, response.status_code)
            results.append({"page": page, "role": role, "queries": len(queries), **summarise(samples)})
    print(json.dumps({"instrument": instrument.pk, "results": results}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="110,000 instruments instead of 3,000")
    parser.add_argument("--instruments", type=int, help="another scale")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and role (20)")
    parser.add_argument("--profile", metavar="PAGE:ROLE", help="profile one page as one role instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.requests, args.profile)
    instruments = args.instruments or (110_000 if args.full else 3_000)
    if os.environ.get("DATABASE_URL"):
        targets = [(os.environ["DATABASE_URL"].split(":", 1)[0], os.environ["DATABASE_URL"])]
    else:
        engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
        targets = [(engine, prepare(engine, instruments)) for engine in engines]
    extra = ["--requests", str(args.requests)] + (["--profile", args.profile] if args.profile else [])
    print(f"pages as each role, {instruments} instruments, {args.requests} requests per page and role")
    for engine, url in targets:
        out = run_child(__file__, url, "--child", *extra)
        if args.profile:
            print(out)
            continue
        data = json.loads(out)
        slow = []
        print(f"  {engine} (instrument page: /instruments/{data['instrument']}/)")
        for r in data["results"]:
            mark = "  > 100 ms" if r["p95_ms"] > 100 else ""
            print(
                f"    {r['page']:27} {r['role']:15} median {r['median_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms"
                f"  queries {r['queries']:3}{mark}"
            )
            if mark:
                slow.append(f"{r['page']} as {r['role']}")
        print(f"  {engine}: {len(slow)} over 100 ms p95" + (": " + "; ".join(slow) if slow else ""))


if __name__ == "__main__":
    sys.exit(main())
