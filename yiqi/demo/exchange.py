"""Demo national reporting: five units hold national codes; their records are built and, through the fake national
endpoint (called in-process: no server runs while the demo is built), one job is accepted, one returned with
code 202, one waits to retry after the endpoint was down; one unit has confirmed but not sent, one not confirmed."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model

from yiqi.accounts.access import access_for
from yiqi.exchange import records
from yiqi.exchange.models import FakeEndpointMode, NationalRecord, ReportingJob, UnitCode
from yiqi.exchange.services import endpoint, outbox, sending
from yiqi.organizations.models import Organization

UNITS = 5
SENT_PER_JOB = 40  # keeps the demo fast; the rest stay queued


class InProcessClient:
    """The fake national endpoint's answers without HTTP (``sending.Client``'s interface)."""

    def send(self, record_type, ins_code, payload):
        operation = "effectInfo" if record_type == records.YEARLY else "instruInfo"
        call = endpoint.Call(operation, ins_code, record_type, json.dumps(payload, ensure_ascii=False))
        try:
            return endpoint.answer(call)
        except endpoint.Unavailable:
            raise sending.TransportFailure("503 Service Unavailable") from None


def _mode(mode: str) -> None:
    FakeEndpointMode.objects.update_or_create(pk=1, defaults={"mode": mode})


def build_exchange() -> dict:
    admin = get_user_model().objects.filter(is_superuser=True).first()
    access = access_for(admin)
    units = list(
        Organization.objects.filter(is_management_unit=True, instruments__registration_status="published")
        .distinct()
        .order_by("pk")[:UNITS]
    )
    for index, unit in enumerate(units, start=1):
        UnitCode.objects.get_or_create(unit=unit, defaults={"code": f"sxins{index:05d}"})
    unit_ids = [unit.pk for unit in units]
    outbox.rebuild(unit_ids, actor=admin)
    plans = (
        (FakeEndpointMode.Mode.NORMAL,),
        (FakeEndpointMode.Mode.CODE_202,),
        (FakeEndpointMode.Mode.DOWN,),
        (),
    )
    for unit, plan in zip(units, plans, strict=False):
        outbox.confirm(access, NationalRecord.objects.filter(unit=unit), actor=admin)
        if not plan:
            continue  # confirmed, waiting to be sent
        _mode(plan[0])
        rows = outbox.sendable(unit.pk).order_by("record_type", "pk")[:SENT_PER_JOB]
        job = ReportingJob.objects.create(
            unit=unit, endpoint=settings.YIQI_EXCHANGE_WSDL, total=len(rows), created_by=admin
        )
        NationalRecord.objects.filter(pk__in=[row.pk for row in rows]).update(job=job)
        outbox.JOBS.record_created(job, actor=admin)
        sending.send_job(job.pk, client=InProcessClient())
    _mode(FakeEndpointMode.Mode.NORMAL)
    return {
        "national_records": NationalRecord.objects.count(),
        "reporting_jobs": ReportingJob.objects.count(),
    }
