"""Reporting jobs sent through zeep to the fake national endpoint over HTTP (Django's live server)."""

import threading
import time
from decimal import Decimal

import pytest

from yiqi.exchange.models import (
    FakeEndpointMode,
    NationalRecord,
    ReceivedRecord,
    RecordType,
    ReportingJob,
)
from yiqi.exchange.services import outbox, sending
from yiqi.registry.models import RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory
from yiqi.servicerecords.tests.factories import CompletedRecordFactory

from .factories import UnitCodeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
S = NationalRecord.Status


@pytest.fixture
def endpoint(live_server, settings):
    settings.YIQI_EXCHANGE_WSDL = f"{live_server.url}/exchange/fake-national/?wsdl"
    settings.YIQI_EXCHANGE_TIMEOUT = 5
    return live_server


def switch(mode):
    FakeEndpointMode.objects.update_or_create(pk=1, defaults={"mode": mode, "delay_seconds": Decimal("0")})


@pytest.fixture
def reporting(world, endpoint):
    """Unit A with its code, one published instrument with a completed service, all records confirmed."""
    UnitCodeFactory(unit=world.unit_a, code="b" * 32)
    instrument = world.published_a
    instrument.disciplines, instrument.room, instrument.service_content = "150", "A101", "形貌观察"
    instrument.save()
    CompletedRecordFactory(instrument=instrument)
    outbox.rebuild()
    admin = world.users["unit_admin_a"]
    from yiqi.accounts.access import access_for

    access = access_for(admin)
    assert outbox.confirm(access, NationalRecord.objects.all(), actor=admin) == 3
    return access, admin


def start(reporting):
    access, admin = reporting
    return outbox.start_job(access, unit_id=sorted(access.unit_admin_unit_ids)[0], actor=admin)


def test_a_unit_reports_and_every_record_is_accepted_in_order(reporting):
    job = start(reporting)  # sent at commit by the (inline) task
    job.refresh_from_db()
    assert job.status == ReportingJob.Status.DONE
    assert (job.total, job.accepted, job.returned) == (3, 3, 0)
    assert set(NationalRecord.objects.values_list("status", flat=True)) == {S.ACCEPTED}
    received = ReceivedRecord.objects.order_by("pk").values_list("record_type", flat=True)
    assert list(received) == [RecordType.INSTRUMENT, RecordType.SERVICE, RecordType.YEARLY]


def test_returned_records_carry_the_code_and_go_again_after_resubmission(reporting):
    switch(FakeEndpointMode.Mode.CODE_202)
    job = start(reporting)
    job.refresh_from_db()
    instrument = NationalRecord.objects.get(record_type=RecordType.INSTRUMENT)
    assert (instrument.status, instrument.return_code, instrument.return_reason) == (
        S.RETURNED,
        "202",
        "数据校验错误",
    )
    # The service record waits for its instrument: never sent while the instrument is not accepted.
    assert NationalRecord.objects.get(record_type=RecordType.SERVICE).status == S.NOT_SUBMITTED
    assert not ReceivedRecord.objects.exists()
    switch(FakeEndpointMode.Mode.NORMAL)
    access, admin = reporting
    outbox.resubmit(access, instrument, actor=admin)
    outbox.resubmit(access, NationalRecord.objects.get(record_type=RecordType.YEARLY), actor=admin)
    start(reporting)
    assert set(NationalRecord.objects.values_list("status", flat=True)) == {S.ACCEPTED}


def test_an_endpoint_that_is_down_is_retried_and_nothing_is_marked_accepted(reporting, settings):
    switch(FakeEndpointMode.Mode.DOWN)
    job = start(reporting)
    job.refresh_from_db()
    assert job.status == ReportingJob.Status.WAITING
    assert job.attempts == 1 and job.next_attempt_at is not None
    assert "503" in job.last_error
    assert set(NationalRecord.objects.values_list("status", flat=True)) == {S.NOT_SUBMITTED}
    switch(FakeEndpointMode.Mode.NORMAL)
    job = sending.send_job(job.pk)
    assert job.status == ReportingJob.Status.DONE and job.accepted == 3


def test_a_slow_endpoint_times_out_and_the_job_gives_up_after_its_attempts(reporting, settings):
    settings.YIQI_EXCHANGE_TIMEOUT = 0.5
    settings.YIQI_EXCHANGE_MAX_ATTEMPTS = 2
    FakeEndpointMode.objects.update_or_create(
        pk=1, defaults={"mode": "slow", "delay_seconds": Decimal("1.5")}
    )
    job = start(reporting)
    job.refresh_from_db()
    assert job.status == ReportingJob.Status.WAITING
    job = sending.send_job(job.pk)
    assert job.status == ReportingJob.Status.FAILED
    assert not NationalRecord.objects.filter(status=S.ACCEPTED).exists()
    time.sleep(1.5)  # let the live server's slow request threads end before the test database goes


def test_a_changed_record_is_queued_again(reporting, world):
    start(reporting)
    instrument = world.published_a
    instrument.service_content = "形貌观察与能谱分析"
    instrument.save()
    outbox.rebuild()
    row = NationalRecord.objects.get(record_type=RecordType.INSTRUMENT)
    assert row.status == S.NOT_SUBMITTED and row.confirmed_at is not None
    assert [e["action"] for e in outbox.RECORDS.history(row)][-3:] == ["send", "accept", "requeue"]


class StubPlatform:
    """The national platform without the network (the live server's in-memory SQLite cannot take calls at once):
    answers 100, or a transport error for the ``failing`` payload, slowly enough that calls overlap."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent, self.in_flight, self.most, self.failing = [], 0, 0, None
        platform = self

        class Client:
            def __init__(self, endpoint):
                pass

            def send(self, record_type, ins_code, payload):
                with platform.lock:
                    platform.in_flight += 1
                    platform.most = max(platform.most, platform.in_flight)
                time.sleep(0.2)
                with platform.lock:
                    platform.in_flight -= 1
                if payload == platform.failing:
                    raise sending.TransportFailure("连接被重置")
                platform.sent.append(record_type)
                return "100", ""

        self.Client = Client


@pytest.fixture
def many(world, settings, monkeypatch):
    """Unit A with five published instruments, each with a completed service, all confirmed; three records in
    flight at once."""
    settings.YIQI_EXCHANGE_CONCURRENCY = 3
    platform = StubPlatform()
    monkeypatch.setattr(sending, "Client", platform.Client)
    UnitCodeFactory(unit=world.unit_a, code="c" * 32)
    for n in range(5):
        instrument = InstrumentFactory(
            unit=world.unit_a, registration_status=RegistrationStatus.PUBLISHED, name=f"电镜{n}",
            disciplines="150", room="A101", service_content="形貌观察",
        )  # fmt: skip
        CompletedRecordFactory(instrument=instrument)
    outbox.rebuild()
    admin = world.users["unit_admin_a"]
    from yiqi.accounts.access import access_for

    access = access_for(admin)
    outbox.confirm(access, NationalRecord.objects.all(), actor=admin)
    return (access, admin), platform


@pytest.mark.django_db  # no live server: plain test transactions, the job sent by hand
def test_records_in_flight_together_are_each_answered_once_and_services_follow_their_instruments(many):
    reporting, platform = many
    job = sending.send_job(start(reporting).pk)
    assert job.status == ReportingJob.Status.DONE and job.accepted == job.total == 11
    assert platform.sent == [RecordType.INSTRUMENT] * 5 + [RecordType.SERVICE] * 5 + [RecordType.YEARLY]
    assert platform.most == 3
    for row in job.records.all():
        assert [e["action"] for e in outbox.RECORDS.history(row)] == ["create", "confirm", "send", "accept"]


@pytest.mark.django_db
def test_a_call_that_fails_in_a_window_puts_only_the_unanswered_back(many):
    reporting, platform = many
    rows = NationalRecord.objects.filter(record_type=RecordType.INSTRUMENT).order_by("pk")
    sendable = [row.pk for row in rows if not row.problems]
    failing = rows.get(pk=sendable[1])
    platform.failing = failing.payload
    job = sending.send_job(start(reporting).pk)
    assert job.status == ReportingJob.Status.WAITING and "连接被重置" in job.last_error
    statuses = dict(job.records.values_list("pk", "status"))
    assert statuses.pop(failing.pk) == S.NOT_SUBMITTED
    assert {statuses[pk] for pk in sendable if pk != failing.pk} == {
        S.ACCEPTED
    }  # they were in the failed call's window
    assert not job.records.filter(record_type=RecordType.SERVICE).exclude(status=S.NOT_SUBMITTED)
    platform.failing = None
    job = sending.send_job(job.pk)
    assert job.status == ReportingJob.Status.DONE and job.accepted == 11
