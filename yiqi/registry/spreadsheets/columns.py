"""The file format: one ``Column`` per instrument field, the sheets, and the parsing of plain cells.

``COLUMNS`` is the one definition of the format: the template, the import and the export all follow it,
so a file exported from a list can be edited and imported again as it is.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField
from openpyxl.utils.datetime import from_excel

from ..models import Instrument

Kind = Instrument.Kind
# The file's format is Chinese in every language, as the national reporting form is: sheet names, column headers
# and yes/no cells are what an import matches. The hint row, the notes and the instructions follow the language.
INSTRUCTIONS_SHEET = "填写说明"
CODES_SHEET = "代码表"
HEADER_ROWS = 2  # Chinese headers, then the field name and format of each column
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    note: str = ""  # lazily translated
    kinds: tuple[str, ...] = ()  # sheets that have the column; empty: every sheet
    importable: bool = True
    width: int = 14
    # Required in the file although the model has a default: a blank cell must not silently become the default.
    always_required: bool = False

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
        if not self.importable:
            return False
        return self.always_required or (not self.model_field.blank and not self.model_field.has_default())

    @property
    def label(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def format(self) -> str:
        """How to fill the column, as the template explains it."""
        if not self.importable:
            return _("仅供查看，导入时忽略")
        max_length = self.model_field.max_length
        formats = {
            "text": _("文本，不超过%(n)s字") % {"n": max_length} if max_length else _("文本"),
            "decimal": _("数字"),
            "date": _("日期，如 2024-03-15"),
            "parent": _("文本"),
        }
        parts = [
            _("必填") if self.required else _("选填"),
            formats.get(self.type, _("从下拉列表选择")),
            self.note,
        ]
        return " · ".join(str(part) for part in parts if part)

    @property
    def hint(self) -> str:
        """The second header row (the import recognises it by the field name in front)."""
        return f"{self.field} · {self.format}"

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


COLUMNS = (
    Column(
        "asset_number", "单位内部编号", gettext_lazy("本单位内唯一；已有相同编号的记录将被更新"), width=16
    ),
    Column("name", "中文名称", width=24),
    Column("name_en", "英文名称", width=24),
    Column("category", "分类代码", gettext_lazy("也可只填6位代码"), width=26),
    Column("original_value", "原值（元）", width=16),
    Column("source", "仪器来源"),
    Column("customs_supervised", "海关监管"),
    Column("funding_source", "主要购置经费来源", width=16),
    Column("manufacturer", "生产制造商", width=24),
    Column(
        "country_of_origin",
        "产地国别",
        gettext_lazy("也可填两位代码，如 JP；国产填中国"),
        always_required=True,
    ),
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
    Column("not_shared_reason", "不共享原因", gettext_lazy("共享方式为“不共享”时必填"), width=20),
    Column("operating_status", "运行状态"),
    Column("offers_self_operation", "提供自主上机"),
    Column("offers_commissioned_testing", "提供委托测试"),
    Column("sub_unit", "所属内设机构", gettext_lazy("本单位内设机构的名称"), width=20),
    Column(
        "parent",
        "所属设施/中心编号",
        gettext_lazy("所属大型科研设施、科学仪器中心或服务单元的单位内部编号"),
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


def sheet_columns(kind: str, *, export: bool = False) -> list[Column]:
    return [c for c in COLUMNS if (c.importable or export) and c.applies_to(kind)]


def sheet_names() -> dict[str, str]:
    """Kind → sheet name (the kind's Chinese label, whatever the request's language)."""
    with translation.override("zh-hans"):
        return {kind: str(label) for kind, label in Kind.choices}


class CellError(Exception):
    pass


def parse_decimal(column: Column, value) -> Decimal:
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


def parse_date(value) -> dt.date:
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
