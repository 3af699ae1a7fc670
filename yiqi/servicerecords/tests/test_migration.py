"""The move to service records and the one audit trail keeps every figure of a demo province.

A demo province of 150 instruments, dumped from the version before the move (with events of every audited kind
added through that version's models), is loaded into a fresh database at the old schema and migrated forward in a
separate process; counts, charge totals, monthly statements, usage sums, which service every charge / usage record
/ rating / complaint belongs to, and every audit row must come out identical.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

FIXTURE = Path(__file__).parent / "data" / "demo_province_150.json.gz"


@pytest.fixture
def fresh_database_url(tmp_path):
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"yiqi_migration_{uuid.uuid4().hex[:10]}"
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    if db.get("PASSWORD"):
        server = server.replace("@", f":{db['PASSWORD']}@", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrating_a_demo_province_keeps_every_figure(fresh_database_url):
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "DJANGO_ENV": "test"}
    done = subprocess.run(
        [sys.executable, "-m", "yiqi.servicerecords.tests.migration_check", str(FIXTURE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=settings.BASE_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    before, after = figures["before"], figures["after"]
    assert before["counts"]["booking_booking"] > 200 and before["counts"]["fees_charge"] > 500
    for name in before:
        assert after[name] == before[name], name
    # Every booking and order got exactly one record, in the matching stage.
    records = after["records"]
    assert sum(records.values()) == before["counts"]["booking_booking"] + before["counts"]["orders_testorder"]
    assert sum(len(rows) for rows in after["events"].values()) > 200
