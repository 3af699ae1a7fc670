"""The outbox: national records built from Yiqi's data, kept per object with their state; the unit confirms them,
a reporting job sends them.

States (the one state machine): 未上报 → 已发送 (handed to the endpoint) → 已接收 (answered 100) or 被退回 (any other
code, with the reason). A transport error puts the record back to 未上报 for the job's retry. A record whose content
changes after it was sent or returned goes back to 未上报 by itself (``refresh``), to be sent again.
"""

import hashlib
import json
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent
from yiqi.core.workflow import StateMachine, Transition

from .. import records, validation
from ..models import NationalRecord, RecordType, ReportingJob, UnitCode

S = NationalRecord.Status
RECORDS = StateMachine(
    NationalRecord,
    [
        Transition("send", gettext_lazy("发送"), (S.NOT_SUBMITTED,), S.SENT),
        Transition("accept", gettext_lazy("平台接收"), (S.SENT,), S.ACCEPTED),
        Transition("return", gettext_lazy("平台退回"), (S.SENT,), S.RETURNED),
        Transition("retry", gettext_lazy("传输失败，待重发"), (S.SENT,), S.NOT_SUBMITTED),
        Transition(
            "requeue", gettext_lazy("内容已更改，重新排队"), (S.SENT, S.ACCEPTED, S.RETURNED), S.NOT_SUBMITTED
        ),
        Transition("resubmit", gettext_lazy("重新提交"), (S.RETURNED,), S.NOT_SUBMITTED),
    ],
)
J = ReportingJob.Status
JOBS = StateMachine(
    ReportingJob,
    [
        Transition("start", gettext_lazy("开始发送"), (J.QUEUED, J.WAITING), J.SENDING),
        Transition("wait", gettext_lazy("传输失败，稍后重试"), (J.SENDING,), J.WAITING),
        Transition("finish", gettext_lazy("完成"), (J.SENDING,), J.DONE),
        Transition("fail", gettext_lazy("放弃重试"), (J.SENDING, J.WAITING), J.FAILED),
    ],
)


def reporting_year() -> int:
    """The yearly figures cover the last full calendar year."""
    return timezone.localdate().year - 1


def unit_codes(unit_ids=None) -> dict[int, str]:
    rows = UnitCode.objects.all()
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return dict(rows.values_list("unit_id", "code"))


def digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def check(built: records.Built) -> list[dict]:
    found = validation.problems(built.record_type, built.payload)
    if not built.payload.get("insCode"):
        found = [p for p in found if p["field"] != "insCode"]
        found.insert(0, {"field": "insCode", "reason": _("单位尚未登记国家平台单位代码")})
    return found


def _title(built: records.Built) -> str:
    payload = built.payload
    title = (
        payload.get("cname")
        or payload.get("formname")
        or payload.get("serviceContent")
        or payload.get("year")
    )
    return str(title or built.object_key)[:200]


# --- building -----------------------------------------------------------------------------------------------------

BATCH = 500
CONFIRM_LIMIT = 20_000  # records one confirmation may cover


def refresh(built_records: Iterable[records.Built], *, actor=None) -> dict:
    """Store each built record: new ones as 未上报; changed ones get the new content (and go back to 未上报 if the
    platform had them). Returns counts. Memory stays flat: the records are handled ``BATCH`` at a time."""
    counts = {"created": 0, "changed": 0, "unchanged": 0, "with_problems": 0}
    batch: list[records.Built] = []
    for built in built_records:
        batch.append(built)
        if len(batch) >= BATCH:
            _store(batch, counts, actor)
            batch = []
    if batch:
        _store(batch, counts, actor)
    return counts


@transaction.atomic
def _store(batch: list[records.Built], counts: dict, actor) -> None:
    # Instruments first, so that customs and service records in the same batch find the record they depend on.
    _store_part([b for b in batch if not b.instrument_key], counts, actor)
    _store_part([b for b in batch if b.instrument_key], counts, actor)


def _store_part(batch: list[records.Built], counts: dict, actor) -> None:
    if not batch:
        return
    unit_ids = {b.unit_id for b in batch}
    existing = {
        (r.record_type, r.unit_id, r.object_key): r
        for r in NationalRecord.objects.filter(
            record_type__in={b.record_type for b in batch},
            unit_id__in=unit_ids,
            object_key__in={b.object_key for b in batch},
        )
    }
    instruments = {
        (r.unit_id, r.object_key): r.pk
        for r in NationalRecord.objects.filter(
            record_type=RecordType.INSTRUMENT,
            unit_id__in=unit_ids,
            object_key__in={b.instrument_key for b in batch if b.instrument_key},
        ).only("pk", "unit_id", "object_key")
    }
    new = []
    for built in batch:
        found = check(built)
        depends = instruments.get((built.unit_id, built.instrument_key)) if built.instrument_key else None
        if built.instrument_key and depends is None:
            found.append(
                {"field": "innerId", "reason": _("所属仪器未在国家平台记录中（须先发布并上报仪器）")}
            )
        counts["with_problems"] += bool(found)
        row = existing.get((built.record_type, built.unit_id, built.object_key))
        value = digest(built.payload)
        if row is None:
            new.append(
                NationalRecord(
                    record_type=built.record_type,
                    unit_id=built.unit_id,
                    object_key=built.object_key,
                    depends_on_id=depends,
                    title=_title(built),
                    payload=built.payload,
                    digest=value,
                    problems=found,
                )
            )
            counts["created"] += 1
            continue
        if row.digest == value and row.problems == found and row.depends_on_id == depends:
            counts["unchanged"] += 1
            continue
        counts["changed"] += 1
        NationalRecord.objects.filter(pk=row.pk).update(
            payload=built.payload, digest=value, problems=found, title=_title(built), depends_on_id=depends
        )
        if row.status != S.NOT_SUBMITTED and value != row.sent_digest:
            RECORDS.run(row, "requeue", actor=actor)
    created = NationalRecord.objects.bulk_create(new)
    RECORDS.record_created_many([row for row in created if row.pk], actor=actor)


def rebuild(unit_ids=None, *, actor=None) -> dict:
    """Build every record of the province (or of ``unit_ids``) and store what changed."""
    return refresh(records.all_records(unit_codes(unit_ids), reporting_year(), unit_ids), actor=actor)


def rebuild_instruments(ids: list[int]) -> dict:
    return refresh(records.instrument_records(unit_codes(), reporting_year(), ids=ids))


def rebuild_services(ids: list[int]) -> dict:
    return refresh(records.service_records(unit_codes(), ids=ids))


# --- who sees what ------------------------------------------------------------------------------------------------


def is_authority(access: Access) -> bool:
    return access.is_platform_admin


def sees_reporting(access: Access) -> bool:
    """The reporting pages are for unit staff (their unit's records) and the authority (the province's)."""
    return is_authority(access) or bool(access.staff_unit_ids)


def visible_records(access: Access) -> QuerySet[NationalRecord]:
    if is_authority(access):
        return NationalRecord.objects.all()
    return NationalRecord.objects.filter(unit_id__in=access.staff_unit_ids)


def visible_jobs(access: Access) -> QuerySet[ReportingJob]:
    if is_authority(access):
        return ReportingJob.objects.all()
    return ReportingJob.objects.filter(unit_id__in=access.staff_unit_ids)


def can_report(access: Access, unit_id: int | None) -> bool:
    """The unit's administrator confirms and sends its records; the authority sends the province's."""
    return is_authority(access) or (unit_id is not None and unit_id in access.unit_admin_unit_ids)


def summary(rows: QuerySet[NationalRecord]) -> dict:
    """Counts by state and of records that need correcting or confirming, in one query."""
    return rows.aggregate(
        total=Count("id"),
        not_submitted=Count("id", filter=Q(status=S.NOT_SUBMITTED)),
        sent=Count("id", filter=Q(status=S.SENT)),
        accepted=Count("id", filter=Q(status=S.ACCEPTED)),
        returned=Count("id", filter=Q(status=S.RETURNED)),
        with_problems=Count("id", filter=~Q(problems=[])),
        unconfirmed=Count("id", filter=Q(confirmed_at__isnull=True)),
    )


def to_do(rows: QuerySet[NationalRecord]) -> QuerySet[NationalRecord]:
    """What the unit must act on: records the platform would refuse, and records it returned."""
    return rows.filter(~Q(problems=[]) | Q(status=S.RETURNED))


# --- the unit's steps ---------------------------------------------------------------------------------------------


@transaction.atomic
def confirm(access: Access, rows: QuerySet[NationalRecord], *, actor) -> int:
    """The unit confirms its records for reporting (those without problems); returns how many."""
    rows = rows.filter(confirmed_at__isnull=True, problems=[])
    if not is_authority(access):
        rows = rows.filter(unit_id__in=access.unit_admin_unit_ids)
    chosen = list(rows.values_list("pk", flat=True)[:CONFIRM_LIMIT])
    now = timezone.now()
    NationalRecord.objects.filter(pk__in=chosen).update(confirmed_at=now, confirmed_by=actor)
    AuditEvent.objects.bulk_create(
        AuditEvent.build(row, "confirm", actor=actor) for row in NationalRecord.objects.filter(pk__in=chosen)
    )
    return len(chosen)


def resubmit(access: Access, record: NationalRecord, *, actor) -> NationalRecord:
    """Send a returned record again unchanged (the platform's error was on its side, e.g. 203 or 301)."""
    if not can_report(access, record.unit_id):
        raise PermissionDenied(_("只有单位管理员可以重新提交。"))
    if record.problems:
        raise ValidationError({"action": [_("请先改正记录中的问题。")]})
    return RECORDS.run(record, "resubmit", actor=actor)


def sendable(unit_id: int | None) -> QuerySet[NationalRecord]:
    rows = NationalRecord.objects.filter(status=S.NOT_SUBMITTED, problems=[], confirmed_at__isnull=False)
    return rows.filter(unit_id=unit_id) if unit_id else rows


@transaction.atomic
def start_job(access: Access, *, unit_id: int | None, actor) -> ReportingJob:
    """A job for the unit's (or, for the authority, the province's) confirmed records not yet submitted."""
    if not can_report(access, unit_id):
        raise PermissionDenied(_("只有单位管理员或平台主管机关可以上报。"))
    if ReportingJob.objects.filter(unit_id=unit_id, status__in=(J.QUEUED, J.SENDING, J.WAITING)).exists():
        raise ValidationError({"unit": [_("已有上报批次正在进行，请等待其完成。")]})
    rows = sendable(unit_id)
    total = rows.count()
    if not total:
        raise ValidationError({"unit": [_("没有已确认、待上报的记录。")]})
    job = ReportingJob.objects.create(
        unit_id=unit_id, endpoint=settings.YIQI_EXCHANGE_WSDL, total=total, created_by=actor
    )
    rows.update(job=job)
    JOBS.record_created(job, actor=actor)
    from .. import tasks  # the task module imports the services

    transaction.on_commit(lambda: tasks.send_job(job.pk))
    return job
