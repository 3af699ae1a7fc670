"""Plain data for the reporting pages."""

import json

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access

from .models import NationalRecord, RecordType, ReportingJob
from .services import outbox

TO_DO_SHOWN = 50


def record_page(access: Access, params) -> dict:
    rows = outbox.visible_records(access)
    summary = outbox.summary(rows)
    to_do = outbox.to_do(rows).select_related("unit").order_by("record_type", "pk")[:TO_DO_SHOWN]
    status = params.get("status") or ""
    record_type = params.get("type") or ""
    listed = rows.select_related("unit")
    if status in NationalRecord.Status.values:
        listed = listed.filter(status=status)
    if record_type.isdigit() and int(record_type) in RecordType.values:
        listed = listed.filter(record_type=int(record_type))
    return {
        "summary": summary,
        "to_do": list(to_do),
        "rows": listed.order_by("record_type", "pk"),
        "statuses": NationalRecord.Status.choices,
        "types": RecordType.choices,
        "status": status,
        "record_type": record_type,
        "can_report": outbox.is_authority(access) or bool(access.unit_admin_unit_ids),
        "is_authority": outbox.is_authority(access),
    }


def record_detail(access: Access, record: NationalRecord) -> dict:
    return {
        "record": record,
        "payload": json.dumps(record.payload, ensure_ascii=False, indent=2),
        "history": outbox.RECORDS.history(record, labels={"confirm": _("单位确认")}),
        "can_resubmit": outbox.can_report(access, record.unit_id)
        and outbox.RECORDS.allows(record, "resubmit")
        and not record.problems,
    }


def jobs(access: Access) -> QuerySet[ReportingJob]:
    return outbox.visible_jobs(access).select_related("unit", "created_by")


def job_detail(job: ReportingJob) -> dict:
    return {
        "job": job,
        "history": outbox.JOBS.history(job),
        "rows": job.records.order_by("record_type", "pk"),
    }
