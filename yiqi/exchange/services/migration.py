"""Migration in: a province moving from an existing platform brings its national records (a JSON file of records
as they travel, for many units) or a unit's instrument workbook (the registry's template, which follows the
national reporting form).

Everything is checked before anything is written: each record against its type's JSON Schema
(``validation.problems``), the unit by its national code, then every instrument as a row of the registry's
spreadsheet import (``registry.spreadsheets.Importer``: the same parsing, model rules and update by the unit's own
number), one importer per unit. Only when no record of any unit has a problem are all units written, in one
transaction: by a background task (``MigrationJob``, ``queue`` and ``run``), which checks the file again in full first
(the database may have changed since the preview). A record's national id is (``insCode``, ``innerId``), the unit and its asset number here: importing the
same file again changes nothing.

What maps: single instruments (type 4) and their customs details (type 5). Centres and facilities (types 1, 2) lack
the category and make the registry requires, service records (type 6) name applicants who have no account here, and
the yearly block (type 7) is a census figure: they are checked against their schemas and counted, not imported.
"""

import io
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from yiqi.core.spreadsheets import error_entry
from yiqi.core.storage import private_storage
from yiqi.organizations.models import Organization
from yiqi.registry.models import ImportJob, Instrument
from yiqi.registry.signals import instruments_bulk_changed
from yiqi.registry.spreadsheets import COLUMN_BY_FIELD, Importer

from .. import mappings, validation
from ..models import MigrationJob, RecordType, UnitCode
from ..records import CENTRE, CUSTOMS, FACILITY, INSTRUMENT, SERVICE, TEN_THOUSAND, YEARLY

logger = logging.getLogger(__name__)
IMPORTED_TYPES = (INSTRUMENT, CUSTOMS)
CHECKED_ONLY = (CENTRE, FACILITY, SERVICE, YEARLY)
CUSTOMS_FIELDS = {
    "declarationNumber": "customs_declaration_number",
    "importDate": "customs_import_date",
    "itemNumber": "customs_item_number",
    "formname": "customs_form_name",
}


def _reverse(mapping: dict) -> dict:
    """National text → Yiqi's value: the export's mapping turned round."""
    reverse = {}
    for value, text in mapping.items():
        reverse.setdefault(text, value)  # the first Yiqi value of a shared text (正常 → normal, not idle)
    return reverse


@dataclass
class UnitPlan:
    unit: Organization
    code: str
    importer: Importer
    customs: dict[str, dict] = field(default_factory=dict)  # asset number → customs fields

    @property
    def created(self) -> int:
        return len(self.importer.to_create)

    @property
    def updated(self) -> int:
        return sum(map(len, self.importer.to_update.values()))


@dataclass
class Plan:
    """What an import would do, or why it cannot: errors by record (or sheet and row) and field."""

    name: str
    units: dict[int, UnitPlan] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    records: int = 0
    checked_only: dict[int, int] = field(default_factory=dict)  # record type → records checked, not imported

    def error(self, message, where="", row=None, column="", value="") -> None:
        self.error_count += 1
        if len(self.errors) < 1000:
            self.errors.append(error_entry(message, where, row, column, value))

    @property
    def ok(self) -> bool:
        return not self.error_count and bool(self.units or self.checked_only)

    def summary(self) -> dict:
        """Plain figures for the preview page and the command."""
        return {
            "name": self.name,
            "records": self.records,
            "errors": self.errors,
            "error_count": self.error_count,
            "units": [
                {
                    "unit": unit.unit.name,
                    "code": unit.code,
                    "created": unit.created,
                    "updated": unit.updated,
                    "unchanged": unit.importer.unchanged,
                    "customs": len(unit.customs),
                }
                for unit in self.units.values()
            ],
            "checked_only": [
                {"type": record_type, "label": str(RecordType(record_type).label), "count": count}
                for record_type, count in sorted(self.checked_only.items())
            ],
        }


def _unit_importer(unit: Organization, user, name: str) -> Importer:
    """The registry's importer for one unit, acting as the unit's editor: the authority moves the province's data."""
    importer = Importer(ImportJob(unit=unit, uploaded_by=user, original_name=name[:200]))
    importer.access = SimpleNamespace(editor_unit_ids={unit.pk}, staff_unit_ids={unit.pk}, user_id=None)
    return importer


# --- reading ---------------------------------------------------------------------------------------------------


def read_json(data: bytes) -> list:
    """The records of a migration file: a JSON array whose items are records with ``instruType``, or envelopes as
    sent (``{"insCode", "instruType", "instruList": "<record as a JSON string>"}``)."""
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(
            _("文件不是有效的 JSON（UTF-8）：%(error)s") % {"error": str(error)[:200]}, code="json"
        ) from None
    if not isinstance(items, list):
        raise ValidationError(_("文件须为国家平台记录组成的 JSON 数组。"), code="json")
    if len(items) > settings.YIQI_IMPORT_MAX_ROWS:
        raise ValidationError(
            _("记录数超过上限 %(max)s 条，请拆分后分批导入。")
            % {"max": f"{settings.YIQI_IMPORT_MAX_ROWS:,}"},
            code="size",
        )
    return items


def _unwrap(item) -> tuple[int | None, object]:
    """(record type, record) of one item; the type None when it is missing or not a known type."""
    if not isinstance(item, dict):
        return None, item
    record_type = item.get("instruType")
    record = item
    if "instruList" in item:
        record = item["instruList"]
        if isinstance(record, str):
            try:
                record = json.loads(record)
            except ValueError:
                record = None
        if isinstance(record, dict) and "insCode" not in record and "insCode" in item:
            record = {"insCode": item["insCode"], **record}
    else:
        record = {k: v for k, v in item.items() if k != "instruType"}
    try:
        record_type = int(record_type)
    except (TypeError, ValueError):
        return None, record
    return (record_type if record_type in validation.RECORD_TYPES else None), record


# --- checking --------------------------------------------------------------------------------------------------


def _where(position: int, record_type, record) -> str:
    inner = record.get("innerId") or record.get("recordInnerId") or "" if isinstance(record, dict) else ""
    return _("第 %(n)s 条（类型 %(type)s %(id)s）") % {"n": position, "type": record_type or "?", "id": inner}


def _cells(record: dict) -> dict:
    """A type 4 record as the registry's template columns: each national value turned into what a cell holds."""
    worth = record.get("worth", "")
    try:
        value = (Decimal(worth) * TEN_THOUSAND).quantize(Decimal("0.01"))
    except InvalidOperation:
        value = worth
    operating = _reverse(mappings.OPERATING_STATUS) | mappings.OPERATING_STATUS_IN
    cells = {
        "asset_number": record.get("innerId"),
        "name": record.get("cname"),
        "name_en": record.get("ename", ""),
        "category": record.get("instrCategory"),
        "original_value": value,
        "source": _reverse(mappings.SOURCE).get(record.get("instrSource"), record.get("instrSource")),
        "customs_supervised": record.get("instrSupervise"),
        "funding_source": _reverse(mappings.FUNDS).get(record.get("funds"), record.get("funds")),
        "manufacturer": record.get("manufacturer"),
        "country_of_origin": countries.alpha2(record.get("nation") or "") or record.get("nation"),
        "model_spec": record.get("instrVersion"),
        "technical_indicators": record.get("technical"),
        "main_functions": record.get("function"),
        "service_content": record.get("serviceContent", ""),
        "acceptance_date": record.get("beginDate"),
        "contact_name": record.get("contact"),
        "contact_phone": record.get("phone"),
        "contact_email": record.get("email", ""),
        "sharing_mode": _reverse(mappings.SHARE_MODE).get(record.get("shareMode"), record.get("shareMode")),
        "operating_status": operating.get(record.get("status"), record.get("status")),
        "sub_unit": record.get("insideDepart", ""),
    }
    return {COLUMN_BY_FIELD[name]: value for name, value in cells.items()}


def plan_json(data: bytes, user, name: str = "") -> Plan:
    """Check every record of a national JSON file; nothing is written."""
    plan = Plan(name)
    try:
        items = read_json(data)
    except ValidationError as error:
        plan.error(error.messages[0])
        return plan
    codes = dict(UnitCode.objects.values_list("code", "unit"))
    units = Organization.objects.in_bulk(set(codes.values()))
    instruments: dict[tuple[int, str], int] = {}  # (unit, innerId) → position of its type 4 record
    customs: list[tuple[int, dict, UnitPlan]] = []
    for position, item in enumerate(items, start=1):
        plan.records += 1
        record_type, record = _unwrap(item)
        where = _where(position, record_type, record)
        if record_type is None:
            plan.error(
                _("缺少 instruType 或不是国家平台的记录类型（1、2、4、5、6、7）。"),
                where,
                position,
                "instruType",
            )
            continue
        problems = validation.problems(record_type, record)
        for problem in problems:
            plan.error(problem["reason"], where, position, problem["field"], _value(record, problem["field"]))
        if problems:
            continue
        unit_pk = codes.get(record["insCode"])
        if unit_pk is None:
            plan.error(_("没有单位使用该国家平台单位代码。"), where, position, "insCode", record["insCode"])
            continue
        if record_type in CHECKED_ONLY:
            plan.checked_only[record_type] = plan.checked_only.get(record_type, 0) + 1
            continue
        unit = plan.units.get(unit_pk)
        if unit is None:
            unit = plan.units[unit_pk] = UnitPlan(
                units[unit_pk], record["insCode"], _unit_importer(units[unit_pk], user, name)
            )
            unit.importer.begin_rows()
        if record_type == CUSTOMS:
            customs.append((position, record, unit))
            continue
        instruments[(unit_pk, record["innerId"])] = position
        _check_row(plan, unit, Instrument.Kind.SINGLE_INSTRUMENT, where, position, _cells(record))
    for position, record, unit in customs:
        asset = record["innerId"]
        where = _where(position, CUSTOMS, record)
        if (unit.unit.pk, asset) not in instruments and asset not in unit.importer.existing:
            plan.error(
                _("海关监管记录须在其仪器之后：本单位没有该内部编号的仪器。"),
                where,
                position,
                "innerId",
                asset,
            )
            continue
        fields = {ours: record[theirs] for theirs, ours in CUSTOMS_FIELDS.items()}
        existing = unit.importer.existing.get(asset)
        if existing is None or any(str(getattr(existing, f) or "") != v for f, v in fields.items()):
            unit.customs[asset] = fields  # only what changes: a second import writes nothing
    return plan


def _value(record, field_name: str):
    return record.get(field_name, "") if isinstance(record, dict) and field_name in record else ""


def _check_row(plan: Plan, unit: UnitPlan, kind: str, where: str, position: int, cells: dict) -> None:
    """One record through the registry's row check; its errors become the plan's, by record and field."""
    importer = unit.importer
    before = len(importer.errors)
    importer.validate_cells(kind, where, position, cells)
    for entry in importer.errors[before:]:
        plan.error(entry["message"], where, position, entry["column"], entry["value"])
    importer.errors[before:] = []


def plan_workbook(fh, unit: Organization, user, name: str = "") -> Plan:
    """Check every row of one unit's instrument workbook (the registry's template); nothing is written."""
    plan = Plan(name)
    code = UnitCode.objects.filter(unit=unit).values_list("code", flat=True).first() or ""
    importer = _unit_importer(unit, user, name)
    importer.validate_workbook(fh)
    plan.records = importer.rows
    for entry in importer.errors:
        plan.error(entry["message"], entry["sheet"], entry["row"], entry["column"], entry["value"])
    plan.error_count = max(plan.error_count, importer.error_count)
    if not importer.rows and not importer.error_count:
        plan.error(_("文件中没有可导入的数据行。"))
    plan.units[unit.pk] = UnitPlan(unit, code, importer)
    return plan


def plan_file(name: str, data: bytes, user, unit_code: str = "") -> Plan:
    """A national JSON file, or a unit's workbook (``.xlsx``, the unit named by its national code)."""
    if not name.lower().endswith(".xlsx"):
        return plan_json(data, user, name)
    unit = Organization.objects.filter(national_code__code=unit_code).first() if unit_code else None
    if unit is None:
        plan = Plan(name)
        plan.error(_("导入工作簿须选择它所属单位的国家平台单位代码。"), column="insCode", value=unit_code)
        return plan
    return plan_workbook(io.BytesIO(data), unit, user, name)


# --- writing ---------------------------------------------------------------------------------------------------


def apply(plan: Plan) -> dict:
    """Write a plan without errors, all units in one transaction; returns its summary."""
    if not plan.ok:
        raise ValidationError(_("导入文件有错误，未写入任何数据。"), code="invalid")
    written = []
    with transaction.atomic():
        for unit in plan.units.values():
            importer = unit.importer
            importer.write()
            written += [i.pk for i in importer.to_create]
            written += [i.pk for group in importer.to_update.values() for i in group]
            for asset, fields in unit.customs.items():
                # Customs details are not template columns: they go on the instrument the same record names.
                Instrument.objects.filter(unit=unit.unit, asset_number=asset).update(**fields)
    if written:
        instruments_bulk_changed.send(sender=Instrument, ids=written)
    return plan.summary()


# --- in the background -----------------------------------------------------------------------------------------

KEPT_ERRORS = 20  # a failed job's first problems, kept with it; the preview shows them all


def queue(name: str, path: str, unit_code: str, user) -> MigrationJob:
    """Write the previewed file at ``path`` (private storage) in a background task once this transaction commits."""
    from .. import tasks  # the task module imports the services

    job = MigrationJob.objects.create(name=name[:200], path=path, unit_code=unit_code, created_by=user)
    transaction.on_commit(lambda: tasks.run_migration(job.pk))
    return job


def run(job_id: int) -> None:
    """The task: check the job's file again in full and write it, or fail with the reason; the file goes either way."""
    claimed = MigrationJob.objects.filter(pk=job_id, status=MigrationJob.Status.QUEUED).update(
        status=MigrationJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already run, or gone
    job = MigrationJob.objects.select_related("created_by").get(pk=job_id)
    storage = private_storage()
    status, reason, summary = MigrationJob.Status.FAILED, "", {}
    with translation.override("zh-hans"):
        try:
            with storage.open(job.path, "rb") as fh:
                plan = plan_file(job.name, fh.read(), job.created_by, job.unit_code)
            summary = plan.summary()
            summary["errors"] = summary["errors"][:KEPT_ERRORS]
            if plan.ok:
                summary, status = apply(plan), MigrationJob.Status.DONE
            else:
                reason = _("导入文件有错误，未写入任何数据：%(n)s 处错误。") % {"n": plan.error_count}
        except Exception:
            logger.exception("Migration job %s failed", job_id)
            reason = _("导入时发生内部错误，数据未写入。请稍后重试或联系平台管理员。")
    MigrationJob.objects.filter(pk=job_id).update(
        status=status, reason=reason[:500], summary=summary, finished_at=timezone.now()
    )
    storage.delete(job.path)
