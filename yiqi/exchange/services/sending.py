"""Sending a reporting job through the SOAP client (zeep) to the endpoint in settings, one record per call (the
interface carries one JSON record in ``instruList``), in dependency order: centres and facilities, instruments,
then customs and service records whose instrument the platform has accepted, the yearly block last.

Up to ``YIQI_EXCHANGE_CONCURRENCY`` records are in flight at once. A transport error (timeout, connection refused,
HTTP error, SOAP fault) stops the job: the records in flight it left unanswered go back to 未上报 and the job waits ``YIQI_EXCHANGE_RETRY_SECONDS`` × 2^(attempt−1) before it is tried again, at most
``YIQI_EXCHANGE_MAX_ATTEMPTS`` times. Only an answer of 100 marks a record 已接收.
"""

import json
import queue
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
import zeep
import zeep.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from lxml import etree

from .. import records
from ..models import NationalRecord, ReportingJob, WebhookEvent
from . import webhooks
from .outbox import JOBS, RECORDS, S

J = ReportingJob.Status
TRANSPORT_ERRORS = (
    requests.RequestException,
    zeep.exceptions.TransportError,
    zeep.exceptions.Fault,
    zeep.exceptions.XMLSyntaxError,
    etree.XMLSyntaxError,
    OSError,  # an unreachable or unreadable WSDL
)


class TransportFailure(Exception):
    pass


class Client:
    """The two national services behind one WSDL."""

    def __init__(self, wsdl: str | None = None):
        transport = zeep.Transport(
            timeout=settings.YIQI_EXCHANGE_TIMEOUT, operation_timeout=settings.YIQI_EXCHANGE_TIMEOUT
        )
        try:
            client = zeep.Client(wsdl or settings.YIQI_EXCHANGE_WSDL, transport=transport)
            self.instru = client.bind("instru", "InstruPort")
            self.institution = client.bind("institution", "InstitutionPort")
        except TRANSPORT_ERRORS as error:
            raise TransportFailure(str(error)) from error

    def send(self, record_type: int, ins_code: str, payload: dict) -> tuple[str, str]:
        """The platform's return code and message for one record."""
        text = json.dumps(payload, ensure_ascii=False)
        try:
            if record_type == records.YEARLY:
                answer = self.institution.effectInfo(insCode=ins_code, effectList=text)
            else:
                answer = self.instru.instruInfo(insCode=ins_code, instruType=record_type, instruList=text)
        except TRANSPORT_ERRORS as error:
            raise TransportFailure(str(error) or type(error).__name__) from error
        return parse_answer(answer)


def parse_answer(answer) -> tuple[str, str]:
    """``{"code": "100", "msg": ...}``, or a bare code as some provincial platforms answer."""
    text = str(answer or "").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return (text[:10] or "203"), ""
    if isinstance(data, dict):
        return str(data.get("code", "203"))[:10], str(data.get("msg", ""))[:500]
    return str(data)[:10], ""


def _batches(job: ReportingJob, record_type: int) -> Iterator[list[NationalRecord]]:
    """The job's unsent records of one type, ``YIQI_EXCHANGE_BATCH`` at a time; each batch is read after the one
    before it was answered, so a service record sees whether its instrument has just been accepted."""
    last = 0
    while True:
        rows = list(
            job.records.filter(record_type=record_type, status=S.NOT_SUBMITTED, pk__gt=last)
            .select_related("depends_on")
            .order_by("pk")[: settings.YIQI_EXCHANGE_BATCH]
        )
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _ready(row: NationalRecord) -> bool:
    if row.problems or row.confirmed_at is None:
        return False
    return not row.depends_on_id or row.depends_on.status == S.ACCEPTED  # else it waits for the next job


def send_job(job_id: int, *, client=None) -> ReportingJob | None:
    """Send the job's ready records; ``client`` replaces the SOAP client and is then called in this thread, one
    record at a time (the demo's in-process endpoint, which writes to this database)."""
    job = ReportingJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (J.QUEUED, J.WAITING):
        return job
    job = JOBS.run(job, "start", actor=None)
    try:
        with Sender(job.endpoint, client) as sender:
            for record_type in records.SEND_ORDER:
                for batch in _batches(job, record_type):
                    ready = [row for row in batch if _ready(row)]
                    for start in range(0, len(ready), sender.window):
                        sender.send(ready[start : start + sender.window])
    except TransportFailure as error:
        return _transport_failed(job, str(error))
    return _finish(job, "finish")


class Sender:
    """Records in flight ``YIQI_EXCHANGE_CONCURRENCY`` at a time: the interface takes one record per call, so over
    a real network the round trips, not the work, set the pace. Only the calls run in threads (a zeep client each);
    the state changes stay in the caller's thread, a window's in one transaction."""

    def __init__(self, endpoint: str, client=None):
        self.endpoint = endpoint
        self.concurrency = 1 if client else max(1, settings.YIQI_EXCHANGE_CONCURRENCY)
        self.window = self.concurrency * 4
        self.clients = queue.SimpleQueue()
        # Made here, before anything is marked sent: an unreachable WSDL fails the job with nothing in flight.
        self.clients.put(client or Client(endpoint))
        self.pool = (
            None if client else ThreadPoolExecutor(self.concurrency, thread_name_prefix="national-send")
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _answer(self, row: NationalRecord) -> tuple[str, str] | TransportFailure:
        try:
            client = self.clients.get_nowait()
        except queue.Empty:
            client = Client(self.endpoint)
        try:
            return client.send(row.record_type, row.payload.get("insCode", ""), row.payload)
        except TransportFailure as error:
            return error
        finally:
            self.clients.put(client)

    def send(self, rows: list[NationalRecord]) -> None:
        """Send ``rows`` and record each answer; after a transport error the rows it left unanswered go back to
        未上报 and the error is raised once every call of the window has ended."""

        def mark_sent(locked, step):
            locked.sent_at = timezone.now()
            locked.sent_digest = locked.digest

        with transaction.atomic():
            rows = [RECORDS.run(row, "send", actor=None, prepare=mark_sent) for row in rows]
        if self.pool is None:
            answers = [self._answer(row) for row in rows]
        else:  # every call ends before the answers are written: no transaction waits on the network
            answers = [call.result() for call in [self.pool.submit(self._answer, row) for row in rows]]
        failure = next((a for a in answers if isinstance(a, TransportFailure)), None)
        with transaction.atomic():
            for row, answer in zip(rows, answers, strict=True):
                if isinstance(answer, TransportFailure):
                    RECORDS.run(row, "retry", actor=None)
                else:
                    _answered(row, *answer)
        if failure is not None:
            raise failure


def _answered(row: NationalRecord, code: str, message: str) -> None:
    def note(locked, step):
        locked.return_code = code
        locked.return_reason = message if code != "100" else ""

    if code == "100":
        RECORDS.run(row, "accept", actor=None, prepare=note, data={"code": code})
    else:
        RECORDS.run(row, "return", actor=None, prepare=note, comment=message, data={"code": code})
    event = WebhookEvent.NATIONAL_RECORD_ACCEPTED if code == "100" else WebhookEvent.NATIONAL_RECORD_RETURNED
    data = {"national_record": row.pk, "record_type": row.record_type, "title": row.title, "code": code}
    webhooks.announce(row.unit_id, event, data | {"reason": message if code != "100" else ""})


def _counts(job: ReportingJob) -> dict:
    return job.records.aggregate(
        accepted=Count("id", filter=Q(status=S.ACCEPTED)), returned=Count("id", filter=Q(status=S.RETURNED))
    )


def _finish(job: ReportingJob, action: str, error: str = "") -> ReportingJob:
    counts = _counts(job)

    def prepare(locked, step):
        locked.accepted, locked.returned = counts["accepted"], counts["returned"]
        locked.finished_at = timezone.now()
        locked.last_error = error[:500]

    return JOBS.run(job, action, actor=None, prepare=prepare, comment=error[:1000])


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=settings.YIQI_EXCHANGE_RETRY_SECONDS * 2 ** (attempt - 1))


def _transport_failed(job: ReportingJob, error: str) -> ReportingJob:
    if job.attempts + 1 >= settings.YIQI_EXCHANGE_MAX_ATTEMPTS:
        return _finish(job, "fail", error)
    delay = backoff(job.attempts + 1)

    def prepare(locked, step):
        locked.attempts += 1
        locked.next_attempt_at = timezone.now() + delay
        locked.last_error = error[:500]

    job = JOBS.run(job, "wait", actor=None, prepare=prepare, comment=error[:1000])
    from .. import tasks  # the task module imports the services

    tasks.send_job.schedule((job.pk,), delay=delay.total_seconds())
    return job


def due_jobs() -> list[int]:
    """Waiting jobs whose retry time has come (in case a scheduled retry was lost with a restarted consumer)."""
    return list(
        ReportingJob.objects.filter(status=J.WAITING, next_attempt_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
