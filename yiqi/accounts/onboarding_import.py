"""A province from a spreadsheet: regions, supervising departments, management units and their first admins.

As with the instrument import, every row of every sheet is checked before anything is written, each problem is
reported by sheet, row and column, and the whole file is written in one transaction or not at all. The files are
small (a province has a few hundred units), so the import runs in the request. Rows that match what is registered
(same code and name, same department, same unit with the same credit code) are left as they are, so a corrected
file can be uploaded again.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yiqi.core import codes
from yiqi.core.exports import HEADER_FILL, HEADER_FONT
from yiqi.core.spreadsheets import archive_members, cell_text, check_expansion, error_entry, is_blank
from yiqi.organizations.models import Department, Organization, Region
from yiqi.organizations.validators import normalize_credit_code

from . import membership
from .onboarding import build_region, check_admin_email, create_unit, prepare_unit, require_platform_admin

MAX_ROWS = 5000
MAX_ERRORS = 500
INSTRUCTIONS = "填写说明"


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool = True
    note: str = ""
    width: int = 18

    @property
    def label(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def hint(self) -> str:
        return " · ".join(p for p in (self.key, "必填" if self.required else "选填", self.note) if p)


REGIONS, DEPARTMENTS, UNITS = "行政区划", "主管部门", "管理单位"
SHEETS = {
    REGIONS: (
        Col("code", "行政区划代码", note="6 位数字（GB/T 2260），如 610100"),
        Col("name", "名称", note="如 西安市"),
    ),
    DEPARTMENTS: (
        Col("name", "名称", note="如 陕西省教育厅", width=26),
        Col("region", "所在区划代码", note="已登记或本文件“行政区划”表中的代码"),
        Col("admin_email", "部门管理员邮箱", required=False, note="系统向此邮箱发送邀请链接", width=26),
    ),
    UNITS: (
        Col("name", "单位名称", width=28),
        Col("short_name", "简称", required=False),
        Col("kind", "单位类型", note="从下拉列表选择"),
        Col("credit_code", "统一社会信用代码", note="18 位，按 GB 32100 校验", width=22),
        Col("region", "所在区划代码"),
        Col("department", "主管部门", note="已登记或本文件“主管部门”表中的名称", width=24),
        Col("address", "地址", required=False, width=28),
        Col("admin_email", "单位管理员邮箱", note="系统向此邮箱发送邀请链接", width=26),
    ),
}


def kind_labels() -> dict[str, str]:
    """Chinese label → stored value of an organisation's kind (the file is in Chinese whatever the language)."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in Organization.Kind.choices}


def build_template() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in SHEETS.items():
        ws = wb.create_sheet(sheet)
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
            label = ws.cell(row=1, column=index, value=column.label)
            label.font, label.fill = HEADER_FONT, HEADER_FILL
            hint = ws.cell(row=2, column=index, value=column.hint)
            hint.font = Font(italic=True, size=9, color="666666")
            hint.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A3"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(kind_labels()) + '"', allow_blank=True, showErrorMessage=True
    )
    kinds.add(f"C3:C{MAX_ROWS + 2}")
    wb[UNITS].add_data_validation(kinds)
    notes = wb.create_sheet(INSTRUCTIONS)
    notes.column_dimensions["A"].width = 100
    for line in (
        "省级平台初始化导入说明",
        "1. 三张工作表依次填写行政区划、主管部门、管理单位；已登记的可不再填写。第1行为列名（带 * 的为必填），"
        "第2行为填写格式，从第3行开始每行一条。",
        "2. 行政区划须先有上级：市级代码的上级为省级代码，县级的上级为所在市（未登记市时为省）。",
        "3. 管理单位的统一社会信用代码按 GB 32100 校验；单位管理员和主管部门管理员（选填）的邮箱会收到邀请链接，7 天内有效。",
        "4. 导入前校验全部行：任何一处有误，整个文件都不会写入，并列出每处错误所在的工作表、行和列。",
        "5. 与已登记内容完全相同的行会被跳过，修正后可重新上传整个文件。",
    ):
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class Result:
    errors: list[dict] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    departments: list[tuple[Department, str]] = field(
        default_factory=list
    )  # department, its admin's email or ""
    units: list[tuple[Organization, str]] = field(default_factory=list)  # unit, its first admin's email
    skipped: int = 0
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count


class ProvinceImport:
    """One uploaded workbook: read and check every sheet, then write everything or nothing."""

    def __init__(self, fileobj, *, actor, link_for):
        require_platform_admin(actor)
        self.fileobj, self.actor, self.link_for = fileobj, actor, link_for
        self.result = Result()
        self.rows = 0
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.region_names = dict(Region.objects.values_list("code", "name"))
        self.departments = {d.name: d for d in Department.objects.all()}
        self.units = {o.name.lower(): o for o in Organization.objects.only("name", "credit_code")}
        self.credit_codes = {o.credit_code: o for o in self.units.values() if o.credit_code}
        self.kinds = kind_labels()

    def error(self, message, sheet="", row=None, column="", value="") -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(error_entry(message, sheet, row, column, value))

    def run(self) -> Result:
        with translation.override("zh-hans"):
            workbook = self._open()
            if workbook is not None:
                try:
                    self._check(workbook)
                finally:
                    workbook.close()
            if self.result.ok and not self.rows:
                self.error(_("文件中没有可导入的数据行。"))
            if self.result.ok:
                self._write()
        return self.result

    def _open(self):
        try:
            check_expansion(archive_members(self.fileobj))
            return load_workbook(self.fileobj, read_only=True, data_only=True)
        except ValidationError as error:
            self.error(error.messages[0])
        except Exception:  # a damaged file: its details are not the user's problem
            self.error(_("无法读取该文件，请确认它是用 Excel 保存的 .xlsx 工作簿。"))
        return None

    def _check(self, workbook) -> None:
        unknown = [n for n in workbook.sheetnames if n.strip() not in SHEETS and n != INSTRUCTIONS]
        for name in unknown:
            self.error(
                _("无法识别的工作表“%(name)s”。工作表名须为：%(names)s。")
                % {"name": name, "names": "、".join(SHEETS)},
                sheet=name,
            )
        sheets = {n.strip(): workbook[n] for n in workbook.sheetnames if n.strip() in SHEETS}
        if not sheets:
            self.error(_("文件中没有可识别的工作表，请使用导入模板。"))
        checks = {REGIONS: self._region_row, DEPARTMENTS: self._department_row, UNITS: self._unit_row}
        rows = {
            sheet: sorted(self._rows(sheet, ws), key=_region_order(sheet)) for sheet, ws in sheets.items()
        }
        for sheet, check in checks.items():
            for row, cells in rows.get(sheet, ()):
                check(sheet, row, cells)

    def _rows(self, sheet: str, ws):
        """(row number, {column: value}) of the data rows; header problems are noted."""
        columns = SHEETS[sheet]
        values = ws.iter_rows(values_only=True)
        header = [cell_text(v).replace("*", "").replace("＊", "").strip() for v in next(values, ())]
        positions = {}
        for column in columns:
            if column.header in header:
                positions[column] = header.index(column.header)
            elif column.required:
                self.error(_("缺少必填列“%(column)s”。") % {"column": column.label}, sheet, 1, column.label)
        if len(positions) < sum(c.required for c in columns):
            return []
        found = []
        for number, row in enumerate(values, start=2):
            cells = {c: row[i] if i < len(row) else None for c, i in positions.items()}
            if all(is_blank(v) for v in cells.values()):
                continue
            if number == 2 and cell_text(next(iter(cells.values()))).startswith(columns[0].key + " ·"):
                continue  # the template's format row
            self.rows += 1
            if self.rows > MAX_ROWS:
                message = _("数据行数超过上限 %(max)s 行，请拆分后分批导入。") % {"max": MAX_ROWS}
                self.error(message, sheet, number)
                break
            found.append((number, {c.key: (c, row_value) for c, row_value in cells.items()}))
        return found

    def _required(self, sheet, row, cells) -> dict[str, str] | None:
        """Plain text of each cell; None when a required cell is blank (reported)."""
        texts, missing = {}, False
        for key, (column, value) in cells.items():
            texts[key] = cell_text(value)
            if column.required and not texts[key]:
                self.error(_("必填项，不能为空。"), sheet, row, column.label)
                missing = True
        return None if missing else texts

    def _field_errors(self, sheet, row, cells, error: ValidationError) -> None:
        by_key = {key: column for key, (column, _value) in cells.items()}
        for key, messages in error.message_dict.items():
            column = by_key.get(key)
            value = cells[key][1] if key in cells else ""
            self.error(messages[0], sheet, row, column.label if column else "", value)

    # -- the three sheets -----------------------------------------------------------------------------------

    def _region_row(self, sheet, row, cells) -> None:
        texts = self._required(sheet, row, cells)
        if texts is None:
            return
        code, name = texts["code"], texts["name"]
        if code in self.regions and self.region_names.get(code) == name:
            self.result.skipped += 1
            return
        try:
            region = build_region(code, name, known=self.regions.__contains__)
        except ValidationError as error:
            return self._field_errors(sheet, row, cells, error)
        self.regions.add(code)
        self.region_names[code] = name
        self.result.regions.append(region)

    def _department_row(self, sheet, row, cells) -> None:
        texts = self._required(sheet, row, cells)
        if texts is None:
            return
        name, region = " ".join(texts["name"].split()), texts["region"]
        if name in self.departments:
            if self.departments[name].region_id == region:
                self.result.skipped += 1
            else:
                message = _("主管部门“%(name)s”已经登记或在本文件中重复。") % {"name": name}
                self.error(message, sheet, row, cells["name"][0].label, name)
            return
        if region not in self.regions:
            column = cells["region"][0]
            message = _("行政区划代码“%(code)s”未登记。") % {"code": region}
            self.error(message, sheet, row, column.label, region)
            return
        department = Department(name=name, region_id=region)
        email = texts.get("admin_email", "")
        try:
            department.full_clean(exclude=["region"], validate_unique=False)
            if email:
                email = check_admin_email(email, department=True)
        except ValidationError as error:
            return self._field_errors(sheet, row, cells, error)
        self.departments[name] = department
        self.result.departments.append((department, email))

    def _unit_row(self, sheet, row, cells) -> None:
        texts = self._required(sheet, row, cells)
        if texts is None:
            return
        name, credit_code = " ".join(texts["name"].split()), normalize_credit_code(texts["credit_code"])
        existing = self.units.get(name.lower())
        if existing is not None and existing.credit_code == credit_code:
            self.result.skipped += 1
            return
        errors: dict[str, list[str]] = {}
        kind = self.kinds.get(texts["kind"])
        if kind is None:
            errors["kind"] = [
                _("“%(value)s”不是有效的单位类型，可选：%(options)s。")
                % {"value": texts["kind"], "options": "、".join(self.kinds)}
            ]
        department = self.departments.get(" ".join(texts["department"].split()))
        if department is None:
            errors["department"] = [
                _("主管部门“%(name)s”未登记，也不在本文件“主管部门”表中。") % {"name": texts["department"]}
            ]
        if texts["region"] not in self.regions:
            errors["region"] = [_("行政区划代码“%(code)s”未登记。") % {"code": texts["region"]}]
        unit = Organization(
            name=name,
            short_name=texts.get("short_name", ""),
            kind=kind or Organization.Kind.OTHER,
            credit_code=credit_code,
            region_id=texts["region"],
            address=texts.get("address", ""),
            supervising_department=department,  # one of this file's is saved (and gets its id) first
        )
        try:
            prepare_unit(unit)
        except ValidationError as error:
            # The region and the department were checked above, against the file as well as the database.
            for field_name, messages in error.message_dict.items():
                if field_name not in ("region", "supervising_department"):
                    errors.setdefault(field_name, messages)
        try:
            email = check_admin_email(texts["admin_email"])
        except ValidationError as error:
            errors.update(error.message_dict)
        if "name" not in errors and name.lower() in self.units:
            errors["name"] = [_("单位“%(name)s”已经登记或在本文件中重复。") % {"name": name}]
        if "credit_code" not in errors and credit_code in self.credit_codes:
            errors["credit_code"] = [
                _("统一社会信用代码 %(code)s 已有单位登记或在本文件中重复。") % {"code": credit_code}
            ]
        if errors:
            return self._field_errors(sheet, row, cells, ValidationError(errors))
        self.units[name.lower()] = self.credit_codes[credit_code] = unit
        self.result.units.append((unit, email))

    # -- writing --------------------------------------------------------------------------------------------

    def _write(self) -> None:
        try:
            with transaction.atomic():
                for region in sorted(self.result.regions, key=lambda r: r.code):
                    region.save()
                for department, email in self.result.departments:
                    department.save()
                    if email:
                        membership.invite_department_admin(
                            department=department, email=email, actor=self.actor, link_for=self.link_for
                        )
                for unit, email in self.result.units:
                    # Assigned again now that a department of this file has been saved: sets the id.
                    unit.supervising_department = unit.supervising_department
                    create_unit(unit=unit, admin_email=email, actor=self.actor, link_for=self.link_for)
        except (IntegrityError, ValidationError):
            self.result = Result()
            self.error(_("写入时发现有记录刚被他人登记，数据未写入。请重新上传。"))


def _region_order(sheet: str):
    """Regions are checked province first, so a city's parent is known when the city is; other sheets by row."""
    if sheet == REGIONS:

        def by_level(item):
            code = cell_text(item[1]["code"][1])
            return (codes.level_of(code), code)

        return by_level
    return lambda item: item[0]
