"""The programme dashboard (budget, granted, held, spent, redeemed, paid, expired; per company and per provider)
and the finance export, both from the same ``programme_report`` so they always agree with each other and the API."""

from decimal import Decimal

from django.db.models import Sum
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from yiqi.core.exports import XLSX_CONTENT_TYPE, header_cells, xlsx_cell
from yiqi.core.money import to_fen

from ..models import LedgerEntry, Programme
from . import ledger
from .quotas import company_totals

COLUMNS = ("granted", "available", "held", "spent_total", "redeemed_total", "paid", "expired")
# A provider holds no balance: only the money on its services (held, spent there, approved, paid to it) is its own.
PROVIDER_COLUMNS = ("held", "spent_total", "redeemed_total", "paid")


def column_labels() -> dict[str, str]:
    return {
        "granted": _("已发放"),
        "available": _("可用余额"),
        "held": _("冻结中"),
        "spent_total": _("已抵扣"),
        "redeemed_total": _("已核准兑付"),
        "paid": _("已拨付"),
        "expired": _("已过期"),
    }


def provider_totals(programme: Programme) -> list[dict]:
    """Per provider: voucher money spent at it, approved for redemption and paid to it (one grouped query)."""
    rows = (
        LedgerEntry.objects.filter(programme=programme, payment__isnull=False)
        .values("payment__provider_id", "payment__provider__unit__name", "kind")
        .annotate(total=Sum("amount"))
        .order_by("payment__provider__unit__name")
    )
    grouped: dict[int, dict] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["payment__provider_id"], {"name": row["payment__provider__unit__name"], "sums": {}}
        )
        entry["sums"][row["kind"]] = row["total"]
    return [
        {"provider_id": pk, "provider": entry["name"], **ledger.balances_from(entry["sums"]).as_dict()}
        for pk, entry in grouped.items()
    ]


def co_funding(programme: Programme) -> list[dict]:
    """What this programme owes the lower-level programmes it co-funds: its share of each one's payouts, computed
    as each of them computes its ``paid_by_parent`` (one grouped query)."""
    rows = (
        LedgerEntry.objects.filter(programme__parent=programme, kind=LedgerEntry.Kind.PAYOUT)
        .values("programme_id", "programme__name", "programme__parent_share")
        .annotate(paid=Sum("amount"))
        .order_by("programme__name", "programme_id")
    )
    return [
        {
            "programme_id": row["programme_id"],
            "programme": row["programme__name"],
            "share": row["programme__parent_share"],
            "paid": row["paid"],
            "co_funded": to_fen(row["paid"] * row["programme__parent_share"]),
        }
        for row in rows
    ]


def programme_report(programme: Programme) -> dict:
    totals = ledger.programme_balances(programme)
    lower = co_funding(programme)
    return {
        "programme": programme,
        "budget": programme.budget,
        "unallocated": programme.budget - totals.granted,
        "totals": totals.as_dict(),
        # The level above pays its share of every payout.
        "paid_by_parent": to_fen(totals.paid * programme.parent_share),
        "paid_by_programme": totals.paid - to_fen(totals.paid * programme.parent_share),
        # This programme's share of the payouts of the programmes below it.
        "co_funding": lower,
        "co_funding_total": sum((row["co_funded"] for row in lower), Decimal("0.00")),
        "companies": company_totals(programme),
        "providers": provider_totals(programme),
    }


def _sheet(workbook, title: str, rows: list[dict], name_key: str, columns: tuple[str, ...]):
    ws = workbook.create_sheet(title)
    labels = column_labels()
    ws.append(header_cells(ws, [title, *(labels[c] for c in columns)]))
    for row in rows:
        ws.append([xlsx_cell(ws, row[name_key]), *(row[c] for c in columns)])
    ws.append([_("合计"), *(sum((row[c] for row in rows), Decimal("0.00")) for c in columns)])


def export_xlsx(programme: Programme) -> HttpResponse:
    """The finance office's workbook: the programme's totals, then per company and per provider; every sheet's
    total row equals the dashboard's figures."""
    report = programme_report(programme)
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("汇总"))
    summary.append(header_cells(summary, [_("项目"), _("金额（元）")]))
    summary.append([_("总预算"), report["budget"]])
    summary.append([_("未分配预算"), report["unallocated"]])
    labels = column_labels()
    for column in COLUMNS:
        summary.append([labels[column], report["totals"][column]])
    summary.append([_("上级配套拨付"), report["paid_by_parent"]])
    summary.append([_("本级拨付"), report["paid_by_programme"]])
    summary.append([_("对下级计划配套"), report["co_funding_total"]])
    for row in report["co_funding"]:
        summary.append([xlsx_cell(summary, f"  {row['programme']}"), row["co_funded"]])
    _sheet(workbook, _("企业"), report["companies"], "company", COLUMNS)
    _sheet(workbook, _("服务机构"), report["providers"], "provider", PROVIDER_COLUMNS)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="vouchers-{programme.pk}-{programme.year}.xlsx"'
    workbook.save(response)
    return response
