"""Monthly statements: one month's bills grouped by the paying organisation, and their export for finance.

The page, the API, the CSV and the workbook are all built from one ``Statement``, and every bill's total is its
billed lines plus its approved adjustments, so the four always show the same sums.
"""

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.core import changelog
from yiqi.core.exports import csv_stream, header_cells, xlsx_cell
from yiqi.core.memo import remembered
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument

from .models import Charge, ChargeAdjustment, ChargeLine
from .services.charges import SETTLED, served_charges

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
INDIVIDUALS = gettext_lazy("个人用户")
MONEY_FORMAT = "#,##0.00"


def parse_month(text) -> dt.date:
    """'2026-11' → 2026-11-01; empty means the current month (Asia/Shanghai)."""
    if text in (None, ""):
        return timezone.localdate().replace(day=1)
    match = MONTH_RE.match(str(text).strip())
    if match:
        year, month = map(int, match.groups())
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise ValidationError(_("月份格式应为“年-月”，如 2026-11。"), code="invalid")


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first instant and the next month's, in local time (a bill at 23:30 on the 31st counts)."""
    tz = timezone.get_default_timezone()
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(month.replace(day=1), dt.time(), tzinfo=tz),
        dt.datetime.combine(following, dt.time(), tzinfo=tz),
    )


def billed_in(queryset: QuerySet[Charge], month: dt.date) -> QuerySet[Charge]:
    """Bills issued in the month (paid or not), with what a statement row shows."""
    start, end = month_range(month)
    return (
        queryset.filter(status__in=SETTLED, billed_at__gte=start, billed_at__lt=end)
        .select_related("instrument", "unit", "payer", "payer_organization", "record")
        .prefetch_related(
            Prefetch("lines", ChargeLine.objects.filter(stage=ChargeLine.Stage.BILL), to_attr="bill_lines"),
            Prefetch(
                "adjustments",
                ChargeAdjustment.objects.filter(status=ChargeAdjustment.Status.APPROVED),
                to_attr="approved_adjustments",
            ),
        )
        .order_by("billed_at", "pk")
    )


def _total(values) -> Decimal:
    return sum(values, Decimal("0.00"))


@dataclass(frozen=True)
class Row:
    """One bill on a statement: billed lines + approved adjustments = total."""

    charge: Charge

    @property
    def amount(self) -> Decimal:
        return _total(line.amount for line in self.charge.bill_lines)

    @property
    def adjustments(self) -> Decimal:
        return _total(a.amount for a in self.charge.approved_adjustments)

    @property
    def lines_summary(self) -> str:
        return "；".join(
            f"{line.description} {format(line.quantity.normalize(), 'f')}×{line.unit_price}={line.amount}"
            for line in self.charge.bill_lines
        )


@dataclass(frozen=True)
class Group:
    organization: Organization | None
    rows: list[Row]

    @property
    def label(self) -> str:
        return self.organization.name if self.organization else str(INDIVIDUALS)

    @property
    def subtotal(self) -> Decimal:
        return _total(row.charge.total for row in self.rows)


@dataclass(frozen=True)
class Statement:
    month: dt.date
    unit: Organization | None  # the issuing unit; None for a payer's statement across units
    groups: list[Group]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def amount(self) -> Decimal:
        return _total(row.amount for row in self.rows)

    @property
    def adjustments(self) -> Decimal:
        return _total(row.adjustments for row in self.rows)

    @property
    def total(self) -> Decimal:
        return _total(group.subtotal for group in self.groups)


def _grouped(month: dt.date, unit, charges) -> Statement:
    by_org: dict[int | None, list[Row]] = {}
    organizations = {}
    for charge in charges:
        by_org.setdefault(charge.payer_organization_id, []).append(Row(charge))
        organizations[charge.payer_organization_id] = charge.payer_organization
    # Organisations by name; people paying for themselves last.
    keys = sorted(by_org, key=lambda pk: (pk is None, organizations[pk].name if pk else ""))
    return Statement(month, unit, [Group(organizations[pk], by_org[pk]) for pk in keys])


def statement_units(access: Access) -> QuerySet[Organization]:
    """Units whose issued bills the user may list: those they serve (all for platform admins)."""
    if access.is_platform_admin:
        return Organization.objects.management_units().order_by("name")
    managed = Instrument.objects.filter(manager_id=access.user_id, unit_id__in=access.staff_unit_ids)
    return Organization.objects.filter(
        Q(pk__in=access.organizations_with(Role.UNIT_ADMIN, Role.TECHNICIAN))
        | Q(pk__in=managed.values("unit_id"))
    ).order_by("name")


def lists_unit_charges(access: Access) -> bool:
    """Whether the user has units' charges to list (the unit fees page, its statements): the platform authority,
    or anyone serving instruments."""
    return access.is_platform_admin or remembered(
        ("lists_unit_charges", access.user_id), statement_units(access).exists
    )


def unit_statement(access: Access, unit: Organization, month: dt.date) -> Statement:
    """The unit's bills of the month that the user serves, grouped by paying organisation."""
    if not statement_units(access).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("您无权查看该单位的收费对账单。"))
    return _grouped(month, unit, billed_in(served_charges(access).filter(unit=unit), month))


def payer_organization_ids(access: Access) -> set[int]:
    """Organisations whose bills a user may see on the paying side: where they are a registered user or the
    unit admin (the people who settle an organisation's invoices)."""
    return access.organizations_with(Role.EXTERNAL_USER, Role.UNIT_ADMIN)


def payer_statement(access: Access, month: dt.date) -> Statement:
    """What the user's organisations (or the user, paying personally) were billed in the month, by any unit."""
    if not access.is_authenticated:
        raise PermissionDenied
    scope = Q(payer_id=access.user_id) | Q(payer_organization_id__in=payer_organization_ids(access))
    return _grouped(month, None, billed_in(Charge.objects.filter(scope), month))


# --- export for the finance office --------------------------------------------------------------------------

HEADERS = (
    gettext_lazy("单号"),
    gettext_lazy("出账日期"),
    gettext_lazy("管理单位"),
    gettext_lazy("仪器"),
    gettext_lazy("付费人"),
    gettext_lazy("付费单位"),
    gettext_lazy("用户类别"),
    gettext_lazy("服务方式"),
    gettext_lazy("费用明细"),
    gettext_lazy("结算金额（元）"),
    gettext_lazy("调整金额（元）"),
    gettext_lazy("应收金额（元）"),
    gettext_lazy("状态"),
    gettext_lazy("缴费凭证号"),
    gettext_lazy("到账日期"),
)
MONEY_COLUMNS = (9, 10, 11)
WIDTHS = (13, 12, 24, 24, 12, 24, 16, 10, 40, 14, 14, 14, 10, 20, 12)


def _values(statement: Statement):
    """Each bill's cells, then the totals row (money as Decimal, dates as dates)."""
    for group in statement.groups:
        for row in group.rows:
            charge = row.charge
            yield [
                charge.number,
                timezone.localdate(charge.billed_at),
                charge.unit.name,
                charge.instrument.name,
                charge.payer.get_full_name(),
                group.label,
                charge.get_user_category_display(),
                charge.get_service_display(),
                row.lines_summary,
                row.amount,
                row.adjustments,
                charge.total,
                charge.get_status_display(),
                charge.payment_reference,
                charge.paid_on,
            ]
    totals = [""] * len(HEADERS)
    totals[0] = _("合计（%(count)d 笔）") % {"count": len(statement.rows)}
    totals[9], totals[10], totals[11] = statement.amount, statement.adjustments, statement.total
    yield totals


def log_export(statement: Statement, fmt: str, *, actor) -> None:
    """Every statement export is a row of the sensitive-read log: who, which month, which unit's bills (or the
    reader's own payable bills)."""
    filters = {str(_("月份")): f"{statement.month:%Y-%m}", str(_("格式")): fmt.upper()}
    if statement.unit is not None:
        filters[str(_("管理单位"))] = statement.unit.name
    else:
        filters[str(_("范围"))] = str(_("我方应付"))
    changelog.record_export(
        actor,
        unit_id=statement.unit.pk if statement.unit is not None else None,
        what=_("收费明细导出"),
        filters=filters,
    )


def filename(statement: Statement, fmt: str) -> str:
    who = statement.unit.name if statement.unit else _("我方")
    return _("收费明细-%(who)s-%(month)s.%(fmt)s") % {
        "who": who,
        "month": f"{statement.month:%Y-%m}",
        "fmt": fmt,
    }


def export_csv(statement: Statement):
    """CSV chunks, UTF-8 with BOM for Excel; text a spreadsheet would run as a formula is quoted."""
    return csv_stream(HEADERS, _values(statement))


def export_xlsx(statement: Statement):
    """The statement as a workbook (amounts as numbers with two decimals), in an anonymous temporary file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{statement.month:%Y-%m}")
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    ws.append(header_cells(ws, HEADERS))
    for values in _values(statement):
        cells = []
        for index, value in enumerate(values):
            if index in MONEY_COLUMNS:
                cell = WriteOnlyCell(ws, value)
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = xlsx_cell(ws, value)
            cells.append(cell)
        ws.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- the response streams and closes it
    wb.save(out)
    out.seek(0)
    return out


def sum_of_totals(charges: QuerySet[Charge]) -> Decimal:
    return charges.aggregate(s=Sum("total"))["s"] or Decimal("0.00")
