"""Province–city–county: a province receives from its cities through the national interface, and the level that owns
a record wins conflicts; the other level's edits come back as returned records."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from yiqi.accounts.access import access_for
from yiqi.exchange.models import NationalRecord, ReceivedRecord, RecordType
from yiqi.exchange.services import outbox, receiving
from yiqi.servicerecords.tests.factories import CompletedRecordFactory

from .factories import UnitCodeFactory

S = NationalRecord.Status
CODE = "gdins00031"
ROOT = Path(__file__).resolve().parents[3]


def _instrument(**changes):
    return {"insCode": CODE, "innerId": "2024-001", "cname": "扫描电镜"} | changes


def _send(payload):
    return receiving.receive(CODE, 4, json.dumps(payload, ensure_ascii=False), issued_codes_only=True)


@pytest.fixture
def province(db, world, settings):
    settings.YIQI_PLATFORM_LEVEL = "province"
    UnitCodeFactory(unit=world.unit_a, code=CODE)


@pytest.fixture(autouse=True)
def schema_passes(monkeypatch):
    """These tests are about ownership; the schemas, and taking records into the province's data, have their own
    tests."""
    monkeypatch.setattr(receiving.validation, "problems", lambda record_type, payload: [])
    monkeypatch.setattr(receiving.received, "take_in", lambda ins_code, record_type, payload: "")


def test_a_province_takes_only_the_unit_codes_it_issued(province):
    assert _send(_instrument())[0] == "100"
    other = _instrument(insCode="gdins00099")
    code, _message = receiving.receive("gdins00099", 4, json.dumps(other), issued_codes_only=True)
    assert code == "200"


def test_the_sender_owns_its_record_and_the_provinces_objection_goes_back_once(province):
    _send(_instrument())
    kept = ReceivedRecord.objects.get()
    receiving.return_to_sender(kept, "原值应为 320 万元")
    code, message = _send(_instrument(cname="扫描电镜（改）"))
    assert code == "202" and "原值应为 320 万元" in message
    assert ReceivedRecord.objects.get().payload["cname"] == "扫描电镜"
    # The city corrected (or stands by) its record and sends it again: the owner's version stands.
    assert _send(_instrument(cname="扫描电镜（改）"))[0] == "100"
    assert ReceivedRecord.objects.get().payload["cname"] == "扫描电镜（改）"


def test_a_record_the_province_took_over_keeps_its_version(province):
    _send(_instrument())
    receiving.take_over(ReceivedRecord.objects.get(), _instrument(cname="省级维护的名称"), "由省平台维护")
    code, message = _send(_instrument(cname="城市改的名称"))
    assert code == "202" and "由省平台维护" in message
    assert ReceivedRecord.objects.get().payload["cname"] == "省级维护的名称"
    assert _send(_instrument(cname="省级维护的名称"))[0] == "100"


def test_a_county_receives_from_no_one(client, settings, db):
    settings.YIQI_PLATFORM_LEVEL = "county"
    assert client.get("/exchange/receive/?wsdl").status_code == 404
    settings.YIQI_PLATFORM_LEVEL = "city"
    assert client.get("/exchange/receive/?wsdl").status_code == 200


# --- two deployments ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


@pytest.fixture
def province_server(tmp_path):
    """A second deployment: its own database (migrated), level province, serving on 127.0.0.1."""
    database = tmp_path / "province.sqlite3"
    env = os.environ | {
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"sqlite:///{database}",
        "YIQI_PLATFORM_LEVEL": "province",
        "PYTHONPATH": str(ROOT),
    }
    _manage(env, "migrate", "--no-input", timeout=600)
    setup = (
        "from yiqi.organizations.tests.factories import OrganizationFactory;"
        "from yiqi.exchange.models import UnitCode;"
        f"UnitCode.objects.create(unit=OrganizationFactory(is_management_unit=True), code='{CODE}')"
    )
    _manage(env, "shell", "-c", setup, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                if requests.get(f"{url}/exchange/receive/?wsdl", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail("the province deployment did not start")
        yield url, env, database
    finally:
        server.terminate()
        server.wait(timeout=30)


def _province_payload(database, record_type):
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT payload FROM exchange_receivedrecord WHERE record_type = ?", (record_type,)
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def _report(admin):
    access = access_for(admin)
    outbox.rebuild()
    outbox.confirm(access, NationalRecord.objects.all(), actor=admin)
    return outbox.start_job(access, unit_id=sorted(access.unit_admin_unit_ids)[0], actor=admin)


@pytest.mark.sqlite_once
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_city_reports_into_its_province_and_the_provinces_return_comes_back(
    world, settings, province_server, monkeypatch
):
    url, env, database = province_server
    monkeypatch.undo()  # the whole path, schemas included
    settings.YIQI_PLATFORM_LEVEL = "city"
    settings.YIQI_EXCHANGE_WSDL = f"{url}/exchange/receive/?wsdl"
    settings.YIQI_EXCHANGE_TIMEOUT = 30
    UnitCodeFactory(unit=world.unit_a, code=CODE)
    instrument = world.published_a
    instrument.disciplines, instrument.room, instrument.service_content = "150", "A101", "形貌观察"
    instrument.save()
    CompletedRecordFactory(instrument=instrument)
    admin = world.users["unit_admin_a"]

    _report(admin)  # sent at commit by the (inline) task, to the province over HTTP
    assert set(NationalRecord.objects.values_list("status", flat=True)) == {S.ACCEPTED}
    assert [p["innerId"] for p in _province_payload(database, RecordType.INSTRUMENT)] == [
        instrument.asset_number
    ]
    assert len(_province_payload(database, RecordType.SERVICE)) == 1

    # The province objects to the city's instrument: the city owns it, so it comes back returned on the next sending.
    returning = (
        "from yiqi.exchange.models import ReceivedRecord;"
        "from yiqi.exchange.services.receiving import return_to_sender;"
        "return_to_sender(ReceivedRecord.objects.get(record_type=4), '请补充服务内容')"
    )
    _manage(env, "shell", "-c", returning, timeout=120)
    instrument.service_content = "形貌观察与能谱分析"
    instrument.save()
    _report(admin)
    returned = NationalRecord.objects.get(record_type=RecordType.INSTRUMENT)
    assert returned.status == S.RETURNED and "请补充服务内容" in returned.return_reason

    # The city resubmits: its version stands at the province.
    outbox.resubmit(access_for(admin), returned, actor=admin)
    _report(admin)
    assert NationalRecord.objects.get(record_type=RecordType.INSTRUMENT).status == S.ACCEPTED
    assert _province_payload(database, RecordType.INSTRUMENT)[0]["serviceContent"] == "形貌观察与能谱分析"
