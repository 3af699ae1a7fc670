"""The import job: every row of every sheet is validated before anything is written, in one transaction."""

import logging
import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from yiqi.accounts.access import access_for
from yiqi.core.maintenance import refresh_planner_statistics
from yiqi.core.spreadsheets import archive_members, cell_text, check_expansion, error_entry, is_blank
from yiqi.organizations.models import Deployment

from .. import scoping
from ..models import EDITABLE_STATES, ImportJob, Instrument
from ..services import prepare_instrument, validate_acceptance_date
from ..signals import instruments_bulk_changed
from .codebook import Codebook
from .columns import (
    CODES_SHEET,
    COLUMN_BY_FIELD,
    COLUMN_INDEX,
    HEADER_ROWS,
    IMPORTED_FIELDS,
    INSTRUCTIONS_SHEET,
    CellError,
    Column,
    Kind,
    sheet_columns,
    sheet_names,
)
from .progress import JobProgress, finish_job

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
BATCH_SIZE = 500
# Facilities first: single instruments may name one of them, new or existing, as their parent.
KIND_ORDER = (Kind.LARGE_FACILITY, Kind.INSTRUMENT_CENTER, Kind.SERVICE_UNIT, Kind.SINGLE_INSTRUMENT)
# Fields the import resolves against in-memory lists (the unit's sub-units, the category and country codes),
# so full_clean need not query or scan 250 countries per row.
CHECKED_IN_MEMORY = ("unit", "category", "sub_unit", "parent", "manager", "created_by", "country_of_origin")
LARGE_IMPORT_ROWS = 5000  # an import this large changes the table enough to refresh the planner's statistics
# What an import may change on an existing record: field name → attribute compared.
UPDATABLE = {
    f: Instrument._meta.get_field(f).attname
    for f in (*IMPORTED_FIELDS, "kind", "registration_due", "registration_due_estimated")
}


def process_import_job(job_id: int) -> None:
    """Validate an uploaded workbook completely, then write it in one transaction (or not at all)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    )
    if not claimed:
        return  # already run, or gone
    job = ImportJob.objects.select_related("unit", "uploaded_by").get(pk=job_id)
    with translation.override("zh-hans"):
        try:
            Importer(job).run()
        except Exception:
            logger.exception("Import job %s failed", job_id)
            finish_job(
                job_id,
                ImportJob.Status.ERROR,
                errors=[error_entry(_("导入时发生内部错误，数据未写入。请稍后重试或联系平台管理员。"))],
            )


class _Conflict(Exception):
    """The database changed between validation and writing."""


class Importer:
    """One import job: every row of every sheet is checked before anything is written."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.unit = job.unit
        self.user = job.uploaded_by
        self.access = access_for(self.user)
        self.book = Codebook(self.unit)
        self.deployment = Deployment.current()
        self.progress = JobProgress(job.pk)
        self.sheet_kinds = {name: kind for kind, name in sheet_names().items()}
        self.errors: list[dict] = []
        self.error_count = 0
        self.rows = 0
        self.unchanged = 0
        self.written = 0
        self.to_create: list[Instrument] = []
        self.to_update: dict[tuple[str, ...], list[Instrument]] = {}  # changed fields → records
        self.seen: dict[str, tuple[str, int]] = {}  # asset number → where it first appeared
        self.file_parents: dict[str, Instrument] = {}  # facilities in the file, saved or not

    def run(self) -> None:
        if self.unit.pk not in self.access.editor_unit_ids:
            self._error(_("上传人没有该单位的仪器编辑权限。"))
            return self._fail()
        with self.job.file.open("rb") as fh:
            self.validate_workbook(fh)
        if self.error_count:
            return self._fail()
        if not self.rows:
            self._error(_("文件中没有可导入的数据行。"))
            return self._fail()
        try:
            self._write()
            if len(self.to_create) >= LARGE_IMPORT_ROWS:
                refresh_planner_statistics()
        except (_Conflict, IntegrityError):
            self._error(_("写入时发现记录已被他人修改或编号冲突，数据未写入。请重新导入。"))
            return self._fail()
        finish_job(
            self.job.pk,
            ImportJob.Status.DONE,
            total_rows=self.rows,
            processed_rows=self.rows,
            created_count=len(self.to_create),
            updated_count=sum(map(len, self.to_update.values())),
        )
        written = [i.pk for i in self.to_create] + [i.pk for group in self.to_update.values() for i in group]
        instruments_bulk_changed.send(sender=Instrument, ids=written)

    def validate_workbook(self, fh) -> None:
        """Check every row of the workbook in ``fh``, noting each problem; writes nothing."""
        workbook = self._open(fh)
        if workbook is not None:
            try:
                self._validate(workbook)
            finally:
                workbook.close()

    def begin_rows(self) -> None:
        """Prepare to check rows handed in one by one (the national migration reads records, not sheets)."""
        self._load_existing()

    def validate_cells(self, kind: str, sheet: str, row: int, cells: dict) -> None:
        """Check one row given as column → cell value, exactly as a workbook row is checked."""
        self.rows += 1
        self._validate_row(kind, sheet, row, cells)

    def write(self) -> None:
        """Write what validation found to create and update (call only when there were no errors)."""
        self._write()

    def _open(self, fh):
        """The workbook, read-only; None (with the error noted) if it is too large unpacked or unreadable."""
        try:
            check_expansion(archive_members(fh))  # again: a file stored before these limits was never checked
        except ValidationError as e:
            self._error(e.messages[0])
            return None
        try:
            return load_workbook(fh, read_only=True, data_only=True)
        except Exception:  # a damaged file: its details are not the user's problem
            logger.info("Unreadable workbook in import job %s", self.job.pk, exc_info=True)
            self._error(_("无法读取该文件，请确认它是用 Excel 保存的 .xlsx 工作簿。"))
            return None

    # -- validation ---------------------------------------------------------------------------------------

    def _error(self, message, sheet="", row=None, column="", value="") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error_entry(message, sheet, row, column, value))

    def _fail(self) -> None:
        errors = self.errors
        if self.error_count > len(errors):
            more = self.error_count - len(errors)
            errors = [
                *errors,
                error_entry(
                    _("另有 %(more)d 处错误未列出（共 %(total)d 处）。")
                    % {"more": more, "total": self.error_count}
                ),
            ]
        finish_job(
            self.job.pk,
            ImportJob.Status.FAILED,
            errors=errors,
            total_rows=self.rows,
            processed_rows=self.rows,
        )

    def _load_existing(self) -> None:
        existing = list(Instrument.objects.filter(unit=self.unit))
        by_pk = {i.pk: i for i in existing}
        sub_units = {s.pk: s for s in self.book.sub_units.values()}
        for instrument in existing:
            # Fill the relation caches so that Instrument.clean() does not query per row.
            instrument.unit = self.unit
            if instrument.parent_id in by_pk:
                instrument.parent = by_pk[instrument.parent_id]
            if instrument.sub_unit_id in sub_units:
                instrument.sub_unit = sub_units[instrument.sub_unit_id]
        self.existing = {i.asset_number: i for i in existing}
        self.db_parents = {i.asset_number: i for i in existing if i.kind != Kind.SINGLE_INSTRUMENT}

    def _validate(self, workbook) -> None:
        sheets = {}
        for name in workbook.sheetnames:
            kind = self.sheet_kinds.get(name.strip())
            if kind:
                sheets[kind] = workbook[name]
            elif name not in (INSTRUCTIONS_SHEET, CODES_SHEET) and any(
                not is_blank(v) for row in workbook[name].iter_rows(values_only=True) for v in row
            ):
                self._error(
                    _("无法识别的工作表“%(name)s”。工作表名须为：%(names)s。")
                    % {"name": name, "names": "、".join(self.sheet_kinds)},
                    sheet=name,
                )
        if not sheets and not self.error_count:
            self._error(_("文件中没有可识别的工作表，请使用导入模板。"))
        estimate = [ws.max_row for ws in sheets.values()]
        if all(estimate):
            self.progress.set(total_rows=sum(max(n - HEADER_ROWS, 0) for n in estimate))
        self._load_existing()
        for kind in KIND_ORDER:
            if kind in sheets and not self._validate_sheet(kind, sheets[kind]):
                break

    def _validate_sheet(self, kind: str, ws) -> bool:
        """Check every row of one sheet; False when the row limit is reached."""
        ws.reset_dimensions()  # some writers record wrong dimensions; read what is there
        rows = ws.iter_rows(values_only=True)
        positions = self._read_header(kind, ws.title, next(rows, ()))
        if positions is None:
            return True
        asset_position = positions[0][1]
        for excel_row, values in enumerate(rows, start=2):
            if all(is_blank(v) for v in values):
                continue
            if excel_row == HEADER_ROWS and cell_text(
                values[asset_position] if asset_position < len(values) else ""
            ).startswith("asset_number"):
                continue  # the template's format row
            self.rows += 1
            if self.rows > settings.YIQI_IMPORT_MAX_ROWS:
                self._error(
                    _("数据行数超过上限 %(max)s 行，请拆分后分批导入。")
                    % {"max": f"{settings.YIQI_IMPORT_MAX_ROWS:,}"},
                    sheet=ws.title,
                    row=excel_row,
                )
                return False
            cells = {column: values[i] if i < len(values) else None for column, i in positions}
            self._validate_row(kind, ws.title, excel_row, cells)
            self.progress.tick(self.rows)
        return True

    def _read_header(self, kind: str, sheet: str, header) -> list[tuple[Column, int]] | None:
        """(column, position) pairs, the asset number first; None if the header is unusable."""
        known = {c.header: c for c in sheet_columns(kind, export=True)}
        positions: dict[Column, int] = {}
        errors_before = self.error_count
        for position, cell in enumerate(header):
            name = re.sub(r"[\s*＊]", "", cell_text(cell))
            if not name:
                continue
            column = known.get(name)
            if column is None:
                self._error(_("无法识别的列名，请使用导入模板中的列名。"), sheet, 1, cell_text(cell), cell)
            elif column in positions:
                self._error(_("列名重复。"), sheet, 1, column.label)
            else:
                positions[column] = position
        for column in known.values():
            if column.required and column not in positions:
                self._error(_("缺少必填列“%(column)s”。") % {"column": column.label}, sheet, 1, column.label)
        if self.error_count > errors_before:
            return None
        asset = COLUMN_BY_FIELD["asset_number"]
        return [(asset, positions.pop(asset)), *positions.items()]

    def _validate_row(self, kind: str, sheet: str, row: int, cells: dict) -> None:
        values, errors = self._parse_cells(cells)
        asset = values.get("asset_number")
        instrument = self._existing_record(asset, sheet, row, errors)
        before = _snapshot(instrument) if instrument is not None else None
        if instrument is None:
            instrument = Instrument(unit=self.unit, created_by=self.user)
        instrument.kind = kind
        parent_asset = values.pop("parent", None)
        for field, value in values.items():
            setattr(instrument, field, value)
        unsaved_parent = parent_asset is not None and self._set_parent(instrument, parent_asset, errors)
        if kind != Kind.SINGLE_INSTRUMENT and asset:
            self.file_parents.setdefault(asset, instrument)

        prepare_instrument(instrument, self.deployment)
        self._check_model_rules(instrument, errors)
        if errors:
            for _field, (column, message) in sorted(errors.items(), key=lambda e: COLUMN_INDEX.get(e[0], -1)):
                self._error(message, sheet, row, column.label if column else "", cells.get(column, ""))
        elif before is None:
            self.to_create.append(instrument)
        elif changed := _changed_fields(before, instrument) | ({"parent"} if unsaved_parent else set()):
            self.to_update.setdefault(tuple(sorted(changed)), []).append(instrument)
        else:
            self.unchanged += 1

    def _parse_cells(self, cells: dict) -> tuple[dict, dict]:
        """(field → value, field → (column, message)) for one row."""
        values, errors = {}, {}
        for column, raw in cells.items():
            if column.importable:
                try:
                    values[column.field] = self.book.parse(column, raw)
                except CellError as e:
                    errors[column.field] = (column, str(e))
            elif column.field == "unit" and not is_blank(raw) and cell_text(raw) != self.unit.name:
                # An exported list of several units must not land in one of them.
                errors["unit"] = (
                    column,
                    _("该行属于“%(other)s”，与导入的管理单位“%(unit)s”不一致。")
                    % {"other": cell_text(raw), "unit": self.unit.name},
                )
        return values, errors

    def _existing_record(self, asset: str | None, sheet: str, row: int, errors: dict) -> Instrument | None:
        """The unit's record this row updates, if any; notes duplicates and records that may not change."""
        if not asset:
            return None
        column = COLUMN_BY_FIELD["asset_number"]
        if asset in self.seen:
            first_sheet, first_row = self.seen[asset]
            errors["asset_number"] = (
                column,
                _("单位内部编号与工作表“%(sheet)s”第 %(row)d 行重复。")
                % {"sheet": first_sheet, "row": first_row},
            )
            return None
        self.seen[asset] = (sheet, row)
        instrument = self.existing.get(asset)
        if instrument is not None and not scoping.can_edit(self.access, instrument):
            errors["asset_number"] = (
                column,
                _("该记录当前状态为“%(status)s”，不能通过导入修改。")
                % {"status": instrument.get_registration_status_display()},
            )
            return None
        return instrument

    def _set_parent(self, instrument: Instrument, parent_asset: str, errors: dict) -> bool:
        """Link the facility the row names; True if that facility is still to be created."""
        if "parent" in errors:
            return False
        column = COLUMN_BY_FIELD["parent"]
        parent = self.file_parents.get(parent_asset) or self.db_parents.get(parent_asset)
        if not parent_asset:
            instrument.parent = None
        elif parent_asset == instrument.asset_number:
            errors["parent"] = (column, _("不能隶属于自身。"))
        elif parent is None:
            errors["parent"] = (
                column,
                _("本单位没有编号为“%(value)s”的大型科研设施、科学仪器中心或服务单元。")
                % {"value": parent_asset},
            )
        else:
            instrument.parent = parent  # a new facility gets its id when written, before its members
            return parent.pk is None
        return False

    def _check_model_rules(self, instrument: Instrument, errors: dict) -> None:
        """The model's own validation (as on the web form), reported on the field's column."""
        try:
            instrument.full_clean(
                exclude=[*CHECKED_IN_MEMORY, *errors], validate_unique=False, validate_constraints=False
            )
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                if field not in errors:
                    errors[field] = (
                        COLUMN_BY_FIELD.get(field) if field != NON_FIELD_ERRORS else None,
                        messages[0],
                    )
        if "acceptance_date" not in errors:
            try:
                validate_acceptance_date(instrument)
            except ValidationError as e:
                errors["acceptance_date"] = (
                    COLUMN_BY_FIELD["acceptance_date"],
                    e.message_dict["acceptance_date"][0],
                )

    # -- writing ------------------------------------------------------------------------------------------

    def _write(self) -> None:
        self.progress.set(
            status=ImportJob.Status.WRITING, total_rows=self.rows, processed_rows=self.unchanged
        )
        self.progress.reported = self.written = self.unchanged
        history = {
            "default_user": self.user,
            "default_change_reason": (_("表格导入：%(name)s") % {"name": self.job.original_name})[:100],
        }
        with self.progress, transaction.atomic():
            locked = set(
                Instrument.objects.select_for_update()
                .filter(unit=self.unit)
                .exclude(registration_status__in=EDITABLE_STATES)
                .values_list("pk", flat=True)
            )
            if any(i.pk in locked for group in self.to_update.values() for i in group):
                raise _Conflict
            facilities = [i for i in self.to_create if i.kind != Kind.SINGLE_INSTRUMENT]
            singles = [i for i in self.to_create if i.kind == Kind.SINGLE_INSTRUMENT]
            # Facilities go in completely before any member that points at one of them.
            for group in (facilities, singles):
                for batch in _batches(group):
                    bulk_create_with_history(batch, Instrument, batch_size=BATCH_SIZE, **history)
                    self._advance(len(batch))
            now = timezone.now()
            # Only the columns that changed: a CASE per column and row makes wide bulk updates slow.
            for fields, group in self.to_update.items():
                for batch in _batches(group):
                    for instrument in batch:
                        instrument.updated_at = now  # bulk_update skips auto_now
                    bulk_update_with_history(
                        batch, Instrument, [*fields, "updated_at"], batch_size=BATCH_SIZE, **history
                    )
                    self._advance(len(batch))

    def _advance(self, count: int) -> None:
        self.written += count
        self.progress.tick(self.written)


def _batches(items: list) -> list[list]:
    return [items[start : start + BATCH_SIZE] for start in range(0, len(items), BATCH_SIZE)]


def _snapshot(instrument: Instrument) -> dict[str, object]:
    return {field: getattr(instrument, attname) for field, attname in UPDATABLE.items()}


def _changed_fields(before: dict[str, object], instrument: Instrument) -> set[str]:
    return {field for field, value in _snapshot(instrument).items() if value != before[field]}
