"""The round's results as a workbook, from the same ``result_table`` as the round and public pages, so the rows,
points and totals reconcile with what the page shows."""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from yiqi.core.exports import XLSX_CONTENT_TYPE, header_cells, xlsx_cell

from ..models import Round
from .presenters import result_table


def _number(value):
    return None if value in (None, "") else Decimal(value)


def export_xlsx(round_: Round) -> HttpResponse:
    """One sheet of results (rank, unit, each leaf's points, total, grade, subsidy) with a total row, and one of
    the scheme's indicators."""
    table = result_table(round_)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("评价结果"))
    sheet.append(
        header_cells(
            sheet,
            [
                _("排名"),
                _("管理单位"),
                *(f"{leaf.code} {leaf.name}（{leaf.points}）" for leaf in table["columns"]),
                _("总分"),
                _("等级"),
                _("后补助（元）"),
            ],
        )
    )
    for row in table["rows"]:
        evaluation = row["evaluation"]
        sheet.append(
            [
                evaluation.rank,
                xlsx_cell(sheet, evaluation.unit.name),
                *(_number(p) for p in row["points"]),
                evaluation.total,
                evaluation.get_grade_display(),
                evaluation.subsidy,
            ]
        )
    sheet.append([None, _("合计"), *([None] * len(table["columns"])), None, None, table["subsidy_total"]])
    indicators = workbook.create_sheet(_("评价指标"))
    indicators.append(header_cells(indicators, [_("编号"), _("指标名称"), _("分值"), _("类型")]))
    for leaf in table["columns"]:
        indicators.append([leaf.code, xlsx_cell(indicators, leaf.name), leaf.points, leaf.get_kind_display()])
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{round_.pk}-results.xlsx"'
    workbook.save(response)
    return response
