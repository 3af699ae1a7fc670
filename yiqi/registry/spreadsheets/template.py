"""The import template workbook: one sheet per kind, drop-downs from a hidden code sheet, instructions."""

from io import BytesIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yiqi.core.exports import HEADER_FILL, HEADER_FONT

from .codebook import Codebook
from .columns import (
    CODES_SHEET,
    COLUMNS,
    HEADER_ROWS,
    INSTRUCTIONS_SHEET,
    YES,
    Column,
    Kind,
    sheet_columns,
    sheet_names,
)

HINT_FONT = Font(italic=True, size=9, color="666666")


def write_header(ws, columns: list[Column]) -> None:
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
        write_header(ws, columns)
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
                error=_("请从下拉列表中选择。"),
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
        _("科研设施与仪器批量导入说明"),
        _("1. 每类资源填写在对应的工作表中：%(sheets)s。不用的工作表可以留空。")
        % {"sheets": _("、").join(sheet_names().values())},
        _(
            "2. 第1行为列名（带 * 的为必填列），第2行为填写格式；从第3行开始每行填写一条记录。请勿修改工作表名和列名。"
        ),
        _(
            "3. 单位内部编号是匹配键：本单位已有相同编号的记录将被更新（草稿、已退回、未获批准、已发布状态的记录），"
            "其余新建为草稿。"
        ),
        _("4. 带下拉列表的列请从列表中选择；分类代码也可只填6位代码，产地国别也可填两位代码（如 JP）。"),
        _("5. 日期填写为日期格式或“2024-03-15”形式的文本；原值以元为单位。"),
        _(
            "6. 导入前系统会校验全部行：任何一个单元格有误，整个文件都不会写入，并会列出每处错误所在的工作表、行和列。"
        ),
        _("7. 文件须为 .xlsx 格式，不超过 %(size)s、%(rows)s 行。")
        % {
            "size": filesizeformat(settings.YIQI_IMPORT_MAX_BYTES),
            "rows": f"{settings.YIQI_IMPORT_MAX_ROWS:,}",
        },
        "",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("列名"), _("必填"), _("填写格式与说明")])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in COLUMNS:
        if column.importable:
            only = _("、").join(sheet_names()[k] for k in column.kinds)
            scope = _("（仅%(sheets)s）") % {"sheets": only} if column.kinds else ""
            ws.append([column.header, YES if column.required else "", column.format + scope])
