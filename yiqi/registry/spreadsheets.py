"""Excel template, spreadsheet import and list export of instrument records.

``COLUMNS`` is the one definition of the file format: the template, the import and the export all follow it,
so a file exported from a list can be edited and imported again as it is.
"""

import datetime as dt
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from io import BytesIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import CountryField
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from yiqi.accounts.access import access_for
from yiqi.core.exports import HEADER_FILL, HEADER_FONT, csv_stream, xlsx_cell
from yiqi.core.maintenance import refresh_planner_statistics
from yiqi.organizations.models import Deployment

from . import scoping
from .categories import leaf_codes
from .models import EDITABLE_STATES, ImportJob, Instrument, InstrumentCategory
from .services import prepare_instrument, validate_acceptance_date
from .signals import instruments_bulk_changed

logger = logging.getLogger(__name__)

Kind = Instrument.Kind
INSTRUCTIONS_SHEET = "填写说明"
CODES_SHEET = "代码表"
HEADER_ROWS = 2  # Chinese headers, then the field name and format of each column
YES, NO = "是", "否"
MAX_STORED_ERRORS = 1000
BATCH_SIZE = 500
# Facilities first: single instruments may name one of them, new or existing, as their parent.
KIND_ORDER = (Kind.LARGE_FACILITY, Kind.INSTRUMENT_CENTER, Kind.SERVICE_UNIT, Kind.SINGLE_INSTRUMENT)
# Fields the import resolves against in-memory lists (the unit's sub-units, the category and country codes),
# so full_clean need not query or scan 250 countries per row.
CHECKED_IN_MEMORY = ("unit", "category", "sub_unit", "parent", "manager", "created_by", "country_of_origin")
# A packed 10 MB workbook legitimately expands ~10×; far more is a zip bomb.
MAX_UNCOMPRESSED_RATIO = 25
LARGE_IMPORT_ROWS = 5000  # an import this large changes the table enough to refresh the planner's statistics


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    note: str = ""
    kinds: tuple[str, ...] = ()  # sheets that have the column; empty: every sheet
    importable: bool = True
    width: int = 14

    @cached_property
    def model_field(self) -> models.Field:
        return Instrument._meta.get_field(self.field)

    @cached_property
    def type(self) -> str:
        field = self.model_field
        if isinstance(field, models.ForeignKey):
            return self.field
        if isinstance(field, CountryField):
            return "country"
        if field.choices:
            return "choice"
        if isinstance(field, models.BooleanField):
            return "bool"
        if isinstance(field, models.DateField):
            return "date"
        if isinstance(field, models.DecimalField):
            return "decimal"
        return "text"

    @cached_property
    def required(self) -> bool:
        return self.importable and not self.model_field.blank and not self.model_field.has_default()

    @property
    def label(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def format(self) -> str:
        """How to fill the column, as the template explains it."""
        if not self.importable:
            return "仅供查看，导入时忽略"
        formats = {
            "text": f"文本，不超过{self.model_field.max_length}字" if self.model_field.max_length else "文本",
            "decimal": "数字",
            "date": "日期，如 2024-03-15",
            "parent": "文本",
        }
        parts = ["必填" if self.required else "选填", formats.get(self.type, "从下拉列表选择"), self.note]
        return " · ".join(part for part in parts if part)

    @property
    def hint(self) -> str:
        """The second header row (the import recognises it by the field name in front)."""
        return f"{self.field} · {self.format}"

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


COLUMNS = (
    Column("asset_number", "单位内部编号", "本单位内唯一；已有相同编号的记录将被更新", width=16),
    Column("name", "中文名称", width=24),
    Column("name_en", "英文名称", width=24),
    Column("category", "分类代码", "也可只填6位代码", width=26),
    Column("original_value", "原值（元）", width=16),
    Column("source", "仪器来源"),
    Column("customs_supervised", "海关监管"),
    Column("funding_source", "主要购置经费来源", width=16),
    Column("manufacturer", "生产制造商", width=24),
    Column("country_of_origin", "产地国别", "也可填两位代码，如 JP"),
    Column("model_spec", "规格型号", width=16),
    Column("technical_indicators", "主要技术指标", width=30),
    Column("main_functions", "主要功能", width=30),
    Column("application_fields", "应用领域", width=20),
    Column("service_content", "服务内容", width=20),
    Column("campus", "校区/园区"),
    Column("building", "楼宇"),
    Column("room", "房间"),
    Column("acceptance_date", "安装验收日期", width=16),
    Column("start_of_use_date", "启用日期"),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话", width=16),
    Column("contact_email", "联系邮箱", width=20),
    Column("sharing_mode", "共享方式"),
    Column("not_shared_reason", "不共享原因", "共享方式为“不共享”时必填", width=20),
    Column("operating_status", "运行状态"),
    Column("offers_self_operation", "提供自主上机"),
    Column("offers_commissioned_testing", "提供委托测试"),
    Column("sub_unit", "所属内设机构", "本单位内设机构的名称", width=20),
    Column(
        "parent",
        "所属设施/中心编号",
        "所属大型科研设施、科学仪器中心或服务单元的单位内部编号",
        kinds=(Kind.SINGLE_INSTRUMENT,),
        width=18,
    ),
    # Shown in exports; an import ignores them (the management unit is checked).
    Column("unit", "管理单位", importable=False, width=24),
    Column("kind", "资源类型", importable=False),
    Column("registration_status", "入网状态", importable=False),
    Column("registration_due", "入网截止日期", importable=False, width=14),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
COLUMN_INDEX = {c.field: i for i, c in enumerate(COLUMNS)}
IMPORTED_FIELDS = [c.field for c in COLUMNS if c.importable]
# What an import may change on an existing record: field name → attribute compared.
UPDATABLE = {
    f: Instrument._meta.get_field(f).attname
    for f in (*IMPORTED_FIELDS, "kind", "registration_due", "registration_due_estimated")
}


def sheet_columns(kind: str, *, export: bool = False) -> list[Column]:
    return [c for c in COLUMNS if (c.importable or export) and c.applies_to(kind)]


def sheet_names() -> dict[str, str]:
    """Kind → sheet name (the kind's Chinese label, whatever the request's language)."""
    with translation.override("zh-hans"):
        return {kind: str(label) for kind, label in Kind.choices}


class CellError(Exception):
    pass


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 2024001, not 2024001.0
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value).strip()


def _parse_decimal(column: Column, value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("请填写数字。"))
    if isinstance(value, float):
        # Excel stores binary floats; amounts are in fen at most.
        number = Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = re.sub(r"[,，\s]", "", str(value)).removesuffix("元")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("请填写数字（单位：元），如 3200000 或 3200000.00。")) from None
    if not number.is_finite():
        raise CellError(_("请填写数字。"))
    for validator in column.model_field.validators:
        if isinstance(validator, MinValueValidator) and number < validator.limit_value:
            raise CellError(_("“%(header)s”须大于 0。") % {"header": column.header})
        if isinstance(validator, MaxValueValidator) and number > validator.limit_value:
            raise CellError(
                _("数值超过上限 %(max)s，请检查是否填错（应以元为单位）。")
                % {"max": f"{validator.limit_value:,.0f}"}
            )
    return number


DATE_PARTS_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _parse_date(value) -> dt.date:
    day = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                day = from_excel(value).date()  # a date serial in a cell formatted as a number
            elif match := DATE_PARTS_RE.match(str(value).strip()) or re.match(
                r"^(\d{4})(\d{2})(\d{2})$", str(value)
            ):
                day = dt.date(*map(int, match.groups()))
        except (ValueError, OverflowError, AttributeError):
            pass
    if day is None or day.year < 1900:
        raise CellError(_("日期无效，请填写如 2024-03-15 的日期。"))
    return day


class Codebook:
    """Coded values as users see them (Chinese labels) and as stored, for one management unit."""

    def __init__(self, unit=None):
        with translation.override("zh-hans"):
            self.labels = {
                c.field: {value: str(label) for value, label in c.model_field.choices}
                for c in COLUMNS
                if c.type == "choice"
            }
            self.country_names = {c.code: str(c.name) for c in countries}
        self.categories = dict(InstrumentCategory.objects.values_list("code", "name"))
        self.sub_units = {s.name: s for s in unit.sub_units.all()} if unit else {}

    @cached_property
    def choice_values(self) -> dict[str, dict[str, str]]:
        return {
            field: {label: value for value, label in labels.items()}
            | {value.lower(): value for value in labels}
            for field, labels in self.labels.items()
        }

    @cached_property
    def country_codes(self) -> dict[str, str]:
        return {name: code for code, name in self.country_names.items()} | {
            c.lower(): c for c in self.country_names
        }

    def dropdown(self, column: Column) -> list[str]:
        """The values the template offers for a coded column."""
        match column.type:
            case "category":
                return [
                    f"{code} {self.categories[code]}" for code in sorted(leaf_codes() & set(self.categories))
                ]
            case "choice":
                return list(self.labels[column.field].values())
            case "bool":
                return [YES, NO]
            case "country":
                return [self.country_names["CN"], *(n for c, n in self.country_names.items() if c != "CN")]
            case "sub_unit":
                return list(self.sub_units)
        return []

    def display(self, column: Column, instrument: Instrument):
        """A record's value as the export writes it (and the import reads it back)."""
        if column.type == "category":  # by code: no join needed
            return f"{instrument.category_id} {self.categories.get(instrument.category_id, '')}"
        value = getattr(instrument, column.field)
        match column.type:
            case "choice":
                return self.labels[column.field].get(value, value)
            case "bool":
                return YES if value else NO
            case "country":
                return self.country_names.get(value.code, value.code)
            case "sub_unit":
                return value.name if value else ""
            case "parent":
                return value.asset_number if value else ""
            case "unit":
                return value.name
        return value

    def parse(self, column: Column, value):
        """A cell's value as stored on the model; raises CellError with a message for the user."""
        if _is_blank(value):
            if column.required:
                raise CellError(_("必填项，不能为空。"))
            if column.type in ("choice", "bool", "country"):
                return column.model_field.get_default()
            return "" if column.type in ("text", "parent") else None
        match column.type:
            case "decimal":
                return _parse_decimal(column, value)
            case "date":
                return _parse_date(value)
            case "bool":
                return self._parse_bool(value)
        text = _text(value)
        match column.type:
            case "choice":
                values = self.choice_values[column.field]
                stored = values.get(text) or values.get(text.lower())
                if stored is None:
                    raise CellError(
                        _("“%(value)s”不是有效的选项，可选：%(options)s。")
                        % {"value": text, "options": "、".join(self.labels[column.field].values())}
                    )
                return stored
            case "country":
                code = (
                    self.country_codes.get(text)
                    or self.country_codes.get(text.lower())
                    or countries.by_name(text)
                )
                if not code:
                    raise CellError(
                        _("未知的国家或地区“%(value)s”，请从下拉列表选择或填写两位代码（如 JP）。")
                        % {"value": text}
                    )
                return code
            case "category":
                return self._parse_category(value, text)
            case "sub_unit":
                if text not in self.sub_units:
                    raise CellError(_("本单位没有名为“%(value)s”的内设机构。") % {"value": text})
                return self.sub_units[text]
        max_length = column.model_field.max_length
        if max_length and len(text) > max_length:
            raise CellError(
                _("内容过长：不能超过 %(max)d 个字（现有 %(count)d 个）。")
                % {"max": max_length, "count": len(text)}
            )
        return text

    @staticmethod
    def _parse_bool(value) -> bool:
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in (YES, "y", "yes", "true", "1", "√"):
            return True
        if text in (NO, "n", "no", "false", "0", "×"):
            return False
        raise CellError(_("请填写“是”或“否”。"))

    def _parse_category(self, value, text: str) -> InstrumentCategory:
        match = re.match(r"\d+", text)
        code = match.group() if match else text
        if isinstance(value, int | float) and len(code) < 6:
            code = code.zfill(6)  # Excel dropped the leading zero of 010102
        if code not in self.categories:
            raise CellError(_("未知的分类代码“%(value)s”，请从下拉列表选择。") % {"value": text})
        return InstrumentCategory(code=code, name=self.categories[code])


# ---------------------------------------------------------------------------------------------------------
# Template and export workbooks

HINT_FONT = Font(italic=True, size=9, color="666666")


def _write_header(ws, columns: list[Column]) -> None:
    """The two header rows, column widths and frozen panes; works in normal and write-only mode."""
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    labels, hints = [], []
    for column in columns:
        label = WriteOnlyCell(ws, column.label)
        label.font, label.fill = HEADER_FONT, HEADER_FILL
        hint = WriteOnlyCell(ws, column.hint)
        hint.font, hint.alignment = HINT_FONT, Alignment(wrap_text=True, vertical="top")
        labels.append(label)
        hints.append(hint)
    ws.append(labels)
    ws.append(hints)


def build_template(unit) -> bytes:
    """The import template for one management unit (its sub-units and facilities fill the drop-downs)."""
    book = Codebook(unit)
    parents = list(
        unit.instruments.exclude(kind=Kind.SINGLE_INSTRUMENT)
        .order_by("asset_number")
        .values_list("asset_number", flat=True)
    )
    wb = Workbook()
    wb.remove(wb.active)
    data_sheets = {kind: wb.create_sheet(name) for kind, name in sheet_names().items()}
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET))
    codes = wb.create_sheet(CODES_SHEET)
    codes.sheet_state = "hidden"

    ranges = {}
    coded = [c for c in COLUMNS if c.importable and c.type not in ("text", "decimal", "date")]
    for index, column in enumerate(coded, start=1):
        values = parents if column.type == "parent" else book.dropdown(column)
        codes.cell(row=1, column=index, value=column.header)
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=index, value=value)
        if values:
            letter = get_column_letter(index)
            ranges[column.field] = f"'{CODES_SHEET}'!${letter}$2:${letter}${len(values) + 1}"

    last_row = HEADER_ROWS + settings.YIQI_IMPORT_MAX_ROWS
    for kind, ws in data_sheets.items():
        columns = sheet_columns(kind)
        _write_header(ws, columns)
        for index, column in enumerate(columns, start=1):
            if column.field not in ranges:
                continue
            # A bare code may be typed into these, so Excel only warns.
            lenient = column.type in ("category", "country", "parent")
            validation = DataValidation(
                type="list",
                formula1=ranges[column.field],
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning" if lenient else "stop",
                errorTitle=column.header,
                error="请从下拉列表中选择。",
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}{HEADER_ROWS + 1}:{letter}{last_row}")
            ws.add_data_validation(validation)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_instructions(ws) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 70
    lines = [
        "科研设施与仪器批量导入说明",
        "1. 每类资源填写在对应的工作表中：" + "、".join(sheet_names().values()) + "。不用的工作表可以留空。",
        "2. 第1行为列名（带 * 的为必填列），第2行为填写格式；从第3行开始每行填写一条记录。请勿修改工作表名和列名。",
        "3. 单位内部编号是匹配键：本单位已有相同编号的记录将被更新（草稿、已退回、未获批准、已发布状态的记录），"
        "其余新建为草稿。",
        "4. 带下拉列表的列请从列表中选择；分类代码也可只填6位代码，产地国别也可填两位代码（如 JP）。",
        "5. 日期填写为日期格式或“2024-03-15”形式的文本；原值以元为单位。",
        "6. 导入前系统会校验全部行：任何一个单元格有误，整个文件都不会写入，并会列出每处错误所在的工作表、行和列。",
        f"7. 文件须为 .xlsx 格式，不超过 {filesizeformat(settings.YIQI_IMPORT_MAX_BYTES)}、"
        f"{settings.YIQI_IMPORT_MAX_ROWS:,} 行。",
        "",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["列名", "必填", "填写格式与说明"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in COLUMNS:
        if column.importable:
            scope = "" if not column.kinds else f"（仅{'、'.join(sheet_names()[k] for k in column.kinds)}）"
            ws.append([column.header, YES if column.required else "", column.format + scope])


def _export_rows(queryset, columns: list[Column], book: Codebook):
    queryset = queryset.select_related("unit", "sub_unit", "parent")
    for instrument in queryset.iterator(chunk_size=2000):
        yield [book.display(column, instrument) for column in columns]


def export_xlsx(queryset):
    """The list as a workbook laid out like the import template, in an anonymous temporary file."""
    book = Codebook()
    wb = Workbook(write_only=True)
    for kind, name in sheet_names().items():
        ws = wb.create_sheet(name)
        columns = sheet_columns(kind, export=True)
        _write_header(ws, columns)
        for row in _export_rows(queryset.filter(kind=kind), columns, book):
            ws.append([xlsx_cell(ws, value) for value in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- the response streams and closes it
    wb.save(out)
    out.seek(0)
    return out


def export_csv(queryset):
    """The list as CSV chunks (UTF-8 with BOM so that Excel shows Chinese correctly)."""
    return csv_stream([c.header for c in COLUMNS], _export_rows(queryset, list(COLUMNS), Codebook()))


# ---------------------------------------------------------------------------------------------------------
# Import


def validate_xlsx_upload(upload) -> None:
    """Reject anything but a real, reasonably sized .xlsx before it is stored (size first: cheapest)."""
    limit = settings.YIQI_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件大小为 %(size)s，超过上限 %(limit)s。请删除无关的工作表或拆分后分批导入。")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(_("只支持 Excel .xlsx 文件。.xls 或 .csv 文件请先在 Excel 中另存为 .xlsx。"))
    try:
        with zipfile.ZipFile(upload) as archive:
            members = {info.filename: info.file_size for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError):
        members = {}
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in members or "xl/workbook.xml" not in members:
        raise ValidationError(_("文件内容不是有效的 .xlsx 工作簿（可能是改了扩展名的其他文件）。"))
    if sum(members.values()) > MAX_UNCOMPRESSED_RATIO * limit:
        raise ValidationError(_("工作簿解压后过大，请删除无关的工作表或拆分后分批导入。"))


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
            _finish(
                job_id,
                ImportJob.Status.ERROR,
                errors=[_entry(_("导入时发生内部错误，数据未写入。请稍后重试或联系平台管理员。"))],
            )


def _entry(message, sheet="", row=None, column="", value="") -> dict:
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return {
        "sheet": sheet,
        "row": row,
        "column": column,
        "value": _text(value)[:100],
        "message": str(message),
    }


def _finish(job_id: int, status: str, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


class _Progress:
    """Throttled updates of the job's counters for the polling status page.

    Inside the write transaction the job row is updated over a second connection, because the transaction's
    own writes stay invisible until it commits. SQLite has one writer at a time, so there the page just shows
    that the job is writing.
    """

    STEP = 500

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.reported = 0
        self.side = None

    def set(self, **fields) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(**fields)

    def tick(self, processed: int) -> None:
        if processed - self.reported < self.STEP:
            return
        self.reported = processed
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        else:
            self.set(processed_rows=processed)

    def __enter__(self):
        if connection.vendor != "sqlite":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self

    def __exit__(self, *exc):
        if self.side is not None:
            self.side.close()
            self.side = None


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
        self.progress = _Progress(job.pk)
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
            try:
                workbook = load_workbook(fh, read_only=True, data_only=True)
            except Exception:  # a damaged file: its details are not the user's problem
                logger.info("Unreadable workbook in import job %s", self.job.pk, exc_info=True)
                self._error(_("无法读取该文件，请确认它是用 Excel 保存的 .xlsx 工作簿。"))
            else:
                try:
                    self._validate(workbook)
                finally:
                    workbook.close()
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
        _finish(
            self.job.pk,
            ImportJob.Status.DONE,
            total_rows=self.rows,
            processed_rows=self.rows,
            created_count=len(self.to_create),
            updated_count=sum(map(len, self.to_update.values())),
        )
        written = [i.pk for i in self.to_create] + [i.pk for group in self.to_update.values() for i in group]
        instruments_bulk_changed.send(sender=Instrument, ids=written)

    # -- validation ---------------------------------------------------------------------------------------

    def _error(self, message, sheet="", row=None, column="", value="") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(_entry(message, sheet, row, column, value))

    def _fail(self) -> None:
        errors = self.errors
        if self.error_count > len(errors):
            more = self.error_count - len(errors)
            errors = [
                *errors,
                _entry(
                    _("另有 %(more)d 处错误未列出（共 %(total)d 处）。")
                    % {"more": more, "total": self.error_count}
                ),
            ]
        _finish(
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
                not _is_blank(v) for row in workbook[name].iter_rows(values_only=True) for v in row
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
            if all(_is_blank(v) for v in values):
                continue
            if excel_row == HEADER_ROWS and _text(
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
            name = re.sub(r"[\s*＊]", "", _text(cell))
            if not name:
                continue
            column = known.get(name)
            if column is None:
                self._error(_("无法识别的列名，请使用导入模板中的列名。"), sheet, 1, _text(cell), cell)
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
            elif column.field == "unit" and not _is_blank(raw) and _text(raw) != self.unit.name:
                # An exported list of several units must not land in one of them.
                errors["unit"] = (
                    column,
                    _("该行属于“%(other)s”，与导入的管理单位“%(unit)s”不一致。")
                    % {"other": _text(raw), "unit": self.unit.name},
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
