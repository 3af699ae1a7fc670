"""Shared helpers for the benchmarks: a prepared demo database per engine, and timing statistics.

Benchmarks run Django in a child process per database, because settings are read once at start-up.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(engine: str, instruments: int, seed: int) -> str:
    name = f"{os.environ.get('BENCH_DB_PREFIX', 'yiqi_bench')}_{instruments}_{seed}"
    if engine == "sqlite":
        return f"sqlite:////tmp/{name}.sqlite3"
    return f"{PG_BASE}/{name}"


def django_env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_ENV="development", DJANGO_DEBUG="0", DATABASE_URL=url, LOG_LEVEL="WARNING")
    return env


def manage(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(url),
        check=check,
        capture_output=True,
        text=True,
    )


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's own database if missing (never touches any other database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fresh_database(url: str) -> None:
    """An empty database for a benchmark that builds its own data: the SQLite file deleted, or the PostgreSQL
    database (the benchmark's own, named by ``url``) dropped and created again."""
    if not url.startswith("postgres"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(
    engine: str, instruments: int, seed: int = 2026, url: str | None = None, units: int | None = None
) -> str:
    """A migrated database holding the demo province with ``instruments`` instruments (built once, reused); ``url``
    names a benchmark's own database instead of the shared one (for a benchmark that adds rows of its own);
    ``units``: management units other than the demo's 300."""
    url = url or database_url(engine, instruments, seed)
    if engine == "postgres":
        ensure_postgres_database(url)
    manage(url, "migrate", "--noinput")
    started = time.perf_counter()
    sized = [
        "--instruments",
        str(instruments),
        "--seed",
        str(seed),
        *(["--units", str(units)] if units else []),
    ]
    result = manage(url, "demo_data", "--if-empty", *sized)
    if "skipped" not in result.stdout.lower():
        print(
            f"  built demo data on {engine} ({instruments} instruments) in {time.perf_counter() - started:.1f} s"
        )
    return url


def run_child(script: str, url: str, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, script, *args], cwd=ROOT, env=django_env(url), check=True, capture_output=True, text=True
    )
    return result.stdout


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux ``/proc``); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summarise(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "median_ms": statistics.median(ordered), "p95_ms": p95, "max_ms": ordered[-1]}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqi.settings")
    import django

    django.setup()
