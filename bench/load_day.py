"""A realistic day under load: Locust (``bench/load/locustfile.py``) against gunicorn + PostgreSQL + Redis + the
Huey consumer in the production profile, in steps of rising users; per step the request rate, p50/p95 per request
type, errors, CPU seconds per request by process, and what saturates first. Prints the highest rate sustained with
p95 < 300 ms and no error.

    python bench/load_day.py                      # the 3,000-instrument demo province, one gunicorn (4 sync workers)
    python bench/load_day.py --hosts 2            # scale-out: two gunicorn "hosts" (ports 8201, 8202), one database
    python bench/load_day.py --full               # the 16,000-instrument province
    python bench/load_day.py --steps 10:5,40:10 --step-seconds 60 --workers 4

Locust is not a dependency of the platform: install the ``bench`` extra's pin into a venv of its own
(``python3.11 -m venv /tmp/locust-venv && /tmp/locust-venv/bin/pip install locust==2.47.0``) and point ``LOCUST``
(or ``--locust``) at its ``bin/locust``; ``/tmp/locust-venv/bin/locust`` and ``locust`` on PATH are tried otherwise.
The driver itself runs in the platform's venv (it starts gunicorn and ``manage.py`` from there).

The bench database ``<BENCH_DB_PREFIX>_day_<instruments>`` (default ``yiqi_bench_day_3000``) is the demo province,
built once and reused; every run adds bookings and test orders to it, so it is not shared with the other
benchmarks. Before each run the scene step opens a few dozen self-operation instruments to booking without a
qualification (half of them with approval, so that staff have bookings to approve) and picks the demo accounts.
The servers: ``DJANGO_ENV=production`` with a throwaway secret key, allowed host 127.0.0.1, the HTTPS redirect off
(the bench speaks plain HTTP to gunicorn; nginx ends TLS in production), one trusted proxy (each simulated user sends
its own ``X-Forwarded-For``), ``REDIS_URL`` (default ``redis://127.0.0.1:6379/11``) for the cache and Huey, mail to
the console; gunicorn with ``deploy/gunicorn.conf.py``; ``manage.py run_huey``. Static files are collected once
into ``/tmp/<prefix>_static``. Logs go to ``/tmp/<prefix>_day_logs/``.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import PG_BASE, PYTHON, ROOT, prepare, run_child
from load.probe import Probe

PREFIX = os.environ.get("BENCH_DB_PREFIX", "yiqi_bench")
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
GOAL_P95_MS = 300
BOOKABLE = 40  # instruments opened to booking by the scene


def build_scene(path: str) -> None:
    """Child process: open instruments to booking, pick accounts and instruments; the scene as JSON in ``path``."""
    from common import setup_django

    setup_django()
    from django.db.models import Exists, OuterRef

    from yiqi.accounts.models import Role, RoleAssignment, User
    from yiqi.booking.models import OpenHours, ServiceSettings
    from yiqi.demo.common import DEMO_PASSWORD
    from yiqi.orders.models import OrderFormField
    from yiqi.registry.models import Instrument, RegistrationStatus

    shared = Instrument.objects.filter(
        registration_status=RegistrationStatus.PUBLISHED,
        sharing_mode=Instrument.SharingMode.EXTERNAL,
        operating_status=Instrument.OperatingStatus.NORMAL,
    ).order_by("pk")
    every = list(shared.values_list("pk", flat=True))
    candidates = list(
        shared.filter(offers_self_operation=True, manager__isnull=False)
        .filter(Exists(OpenHours.objects.filter(instrument=OuterRef("pk"))))
        .values_list("pk", "manager__username")
    )
    bookable = candidates[:: max(1, len(candidates) // BOOKABLE)][:BOOKABLE]  # spread over the units
    for n, (pk, _manager) in enumerate(bookable):
        ServiceSettings.objects.update_or_create(
            instrument_id=pk,
            defaults={
                "bookings_open": True,
                "requires_qualification": False,
                "requires_approval": n % 2 == 0,
                "weekly_quota_hours": None,
                "internal_reserved_percent": 0,
                "lead_time_hours": 2,
            },
        )
    settings = {s.pk: s for s in ServiceSettings.objects.filter(pk__in=[pk for pk, _ in bookable])}
    required = OrderFormField.objects.filter(instrument=OuterRef("pk"), required=True)
    orderable = list(
        shared.filter(offers_commissioned_testing=True)
        .exclude(Exists(required))
        .values_list("pk", flat=True)[:200]
    )

    def holders(role, **where) -> list[str]:
        found = RoleAssignment.objects.filter(role=role, user__is_active=True, **where).order_by("user_id")
        return list(dict.fromkeys(found.values_list("user__username", flat=True)))

    individuals = list(
        User.objects.filter(role_assignments__isnull=True, is_superuser=False, is_active=True)
        .order_by("pk")
        .values_list("username", flat=True)[:300]
    )
    units = set(
        Instrument.objects.filter(pk__in=[pk for pk, _ in bookable]).values_list("unit_id", flat=True)
    )
    scene = {
        "password": DEMO_PASSWORD,
        "instruments": every[:: max(1, len(every) // 500)],
        "terms": ["电镜", "显微镜", "光谱", "色谱", "质谱", "核磁", "X射线", "离心机", "激光", "测试"],
        "bookable": [
            {
                "id": pk,
                "slot": settings[pk].slot_minutes,
                "minutes": -(-max(settings[pk].min_booking_minutes, 60) // settings[pk].slot_minutes)
                * settings[pk].slot_minutes,
            }
            for pk, _ in bookable
        ],
        "orderable": orderable,
        # Enterprise users and individuals (accounts without a role).
        "users": (holders(Role.EXTERNAL_USER) + individuals)[:300],
        # The managers of the bookable instruments that need approval: they have bookings to approve.
        "managers": list(dict.fromkeys(manager for n, (_pk, manager) in enumerate(bookable) if n % 2 == 0)),
        "unit_admins": holders(Role.UNIT_ADMIN, organization_id__in=units)[:20],
    }
    Path(path).write_text(json.dumps(scene, ensure_ascii=False))


def server_env(url: str, redis_url: str, ports: list[int], logs: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="load-bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=",".join(f"http://127.0.0.1:{p}" for p in ports),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=f"/tmp/{PREFIX}_static",
        DJANGO_PRIVATE_MEDIA_ROOT=str(logs / "private"),
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        EMAIL_URL="consolemail://",
        YIQI_TRUSTED_PROXY_COUNT="1",
        LOG_LEVEL="WARNING",
    )
    return env


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} exited; see its log")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).close()
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"nothing answers on {port}")


def log_file(path: Path):
    """A log the child process writes for as long as it runs."""
    return path.open("wb")  # noqa: SIM115 - handed to the child, which outlives this call


def start_servers(env: dict, ports: list[int], workers: int, logs: Path) -> tuple[dict, subprocess.Popen]:
    """gunicorn masters (port -> process) and the Huey consumer."""
    if not Path(env["DJANGO_STATIC_ROOT"], "staticfiles.json").exists():
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    huey = subprocess.Popen(
        [PYTHON, "manage.py", "run_huey"], cwd=ROOT, env=env, stdout=log_file(logs / "huey.log"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    masters = {}
    for port in ports:
        masters[port] = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "yiqi.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
            stdout=log_file(logs / f"gunicorn-{port}.log"),
            stderr=subprocess.STDOUT,
        )
    for port, master in masters.items():
        wait_for(port, master)
        for _ in range(3 * workers):  # every worker loads its code, its connection and the search index
            for path in ("/", "/catalog/?q=%E7%94%B5%E9%95%9C", "/api/v1/search/?q=%E5%85%89%E8%B0%B1"):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).close()
    return masters, huey


def locust_binary(given: str | None) -> str:
    for candidate in (given, os.environ.get("LOCUST"), "/tmp/locust-venv/bin/locust", shutil.which("locust")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("Locust not found: install it into a venv of its own and set LOCUST (see this script's help)")


def run_step(binary, scene, hosts, users, rate, seconds, out: Path, probe: Probe):
    env = {**os.environ, "LOAD_SCENE": str(scene), "LOAD_HOSTS": ",".join(hosts)}
    command = [binary, "-f", str(LOCUSTFILE), "--headless", "--host", hosts[0], "-u", str(users)]
    command += [
        "-r",
        str(rate),
        "-t",
        f"{seconds}s",
        "--csv",
        str(out),
        "--only-summary",
        "--stop-timeout",
        "5",
    ]
    locust = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=log_file(Path(f"{out}.log"))
    )
    step = probe.start(locust.pid)
    locust.wait()
    return probe.stop(step), read_stats(out)


def read_stats(out: Path) -> dict:
    with open(f"{out}_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    failures = []
    if Path(f"{out}_failures.csv").exists():
        with open(f"{out}_failures.csv", newline="", encoding="utf-8") as f:
            failures = list(csv.DictReader(f))
    return {"rows": rows, "failures": failures}


def report(users: int, rate: float, step, stats: dict, workers: int) -> dict:
    rows = [r for r in stats["rows"] if r["Name"] != "Aggregated"]
    total = next(r for r in stats["rows"] if r["Name"] == "Aggregated")
    count, errors = int(total["Request Count"]), int(total["Failure Count"])
    rps, p50, p95 = float(total["Requests/s"]), float(total["50%"]), float(total["95%"])
    print(f"\n  {users} users (spawn {rate}/s), {step.wall:.0f} s: {rps:.1f} requests/s, {count} requests, "
          f"{errors} errors, p50 {p50:.0f} ms, p95 {p95:.0f} ms")  # fmt: skip
    for r in sorted(rows, key=lambda r: -int(r["Request Count"])):
        print(f"    {r['Type']:5} {r['Name']:28} {int(r['Request Count']):6}  err {int(r['Failure Count']):4}"
              f"  p50 {float(r['50%']):6.0f} ms  p95 {float(r['95%']):6.0f} ms")  # fmt: skip
    for failure in stats["failures"][:5]:
        print(
            f"    error ×{failure['Occurrences']}: {failure['Method']} {failure['Name']}: {failure['Error'][:140]}"
        )
    per_request = {group: 1000 * seconds / max(count, 1) for group, seconds in step.cpu.items()}
    print("    CPU ms per request: " + ", ".join(f"{g} {ms:.1f}" for g, ms in per_request.items()))
    share = {group: 100 * seconds / step.wall for group, seconds in step.cpu.items()}
    print("    CPU % of one core:  " + ", ".join(f"{g} {pct:.0f}" for g, pct in share.items())
          + f"; whole machine {100 * step.machine_busy / step.wall:.0f} of {100 * os.cpu_count()}")  # fmt: skip
    samples = max(step.samples, 1)
    running = step.workers_running_sum / samples
    print(f"    queues: gunicorn accept queue avg {step.accept_sum / samples:.1f} max {step.accept_max}; workers on "
          f"CPU avg {running:.1f} of {workers}; DB lock waits avg {step.lock_waits_sum / samples:.2f} max "
          f"{step.lock_waits_max}; Huey queue max {step.huey_max}, at end {step.huey_last}")  # fmt: skip
    print(f"    saturates first: {saturation(step, share, workers)}")
    return {"users": users, "rps": rps, "p95": p95, "errors": errors}


def saturation(step, share: dict, workers: int) -> str:
    """The first limit reached, judged from what queued and which process held the CPU."""
    machine = 100 * step.machine_busy / step.wall
    cores = 100 * os.cpu_count()
    samples = max(step.samples, 1)
    if step.lock_waits_sum / samples >= 1:
        return "PostgreSQL row locks (requests wait on each other)"
    if step.huey_max > 50 and step.huey_last >= step.huey_max:
        return "the Huey consumer (its queue keeps growing)"
    if machine >= 0.9 * cores:
        others = machine - sum(share.values())
        busiest = max(share, key=share.get)
        whose = f"other work on the machine {others:.0f} %" if others > share[busiest] else f"{busiest}"
        queued = ": requests queue for workers" if step.accept_sum / samples >= 1 else ""
        return f"the machine's CPU ({machine:.0f} % of {cores}, most of it {whose}){queued}"
    if step.accept_sum / samples >= 1:
        return f"the gunicorn workers (all {workers} busy, requests queue in the accept backlog)"
    return "nothing yet"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="16,000 instruments instead of 3,000")
    parser.add_argument("--hosts", type=int, choices=[1, 2], default=1, help="gunicorn hosts (2 = scale-out)")
    parser.add_argument("--workers", type=int, default=4, help="sync workers per gunicorn host (4)")
    parser.add_argument("--port", type=int, default=8201, help="first host's port (8201; the second +1)")
    parser.add_argument("--steps", default="10:5,20:5,40:10,80:20", help="users:spawn-rate, comma-separated")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument(
        "--locust", help="the locust executable (else $LOCUST, /tmp/locust-venv/bin/locust, PATH)"
    )
    parser.add_argument("--scene-into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scene_into:
        return build_scene(args.scene_into)
    binary = locust_binary(args.locust)
    instruments = 16_000 if args.full else 3_000
    url = prepare("postgres", instruments, url=f"{PG_BASE}/{PREFIX}_day_{instruments}")
    logs = Path(f"/tmp/{PREFIX}_day_logs")
    logs.mkdir(exist_ok=True)
    scene = logs / "scene.json"
    run_child(__file__, url, "--scene-into", str(scene))
    ports = [args.port + n for n in range(args.hosts)]
    env = server_env(url, args.redis, ports, logs)
    masters, huey = start_servers(env, ports, args.workers, logs)
    hosts = [f"http://127.0.0.1:{p}" for p in ports]
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"a day under load: {instruments} instruments, {args.hosts} gunicorn host(s) × {args.workers} sync "
          f"workers, PostgreSQL, Redis, Huey; {os.cpu_count()} cores, load average {load} at start")  # fmt: skip
    probe = Probe(url, args.redis, {p: m.pid for p, m in masters.items()}, huey.pid)
    results = []
    try:
        for n, spec in enumerate(args.steps.split(",")):
            users, rate = spec.split(":")
            step, stats = run_step(binary, scene, hosts, int(users), float(rate), args.step_seconds,
                                   logs / f"step{n}-h{args.hosts}", probe)  # fmt: skip
            results.append(report(int(users), float(rate), step, stats, args.workers * args.hosts))
    finally:
        probe.close()
        for process in [*masters.values(), huey]:
            process.terminate()
        for process in [*masters.values(), huey]:
            process.wait(timeout=60)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    good = [r for r in results if r["errors"] == 0 and r["p95"] < GOAL_P95_MS]
    best = max(good, key=lambda r: r["rps"]) if good else None
    verdict = (
        f"{best['rps']:.1f} requests/s ({best['users']} users, p95 {best['p95']:.0f} ms)"
        if best
        else "no step"
    )
    print(
        f"\nhighest rate sustained with p95 < {GOAL_P95_MS} ms and 0 errors: {verdict}; load average {load} at end"
    )


if __name__ == "__main__":
    sys.exit(main())
