"""Chart data for the evaluation pages: each function gives ``{"chart": …, "columns": […], "rows": [[…], …]}`` —
the chart as plain JSON (numbers as decimal strings) that the page puts in a json_script for
``static/js/evaluation.js``, and the same figures as a table shown beside it (``evaluation/_chart.html``)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from yiqi.organizations.models import Department

from ..models import Grade, Round, UnitEvaluation
from .results import value_of
from .schemes import tree

BINS = 10


def grade_distribution(rows) -> dict:
    """How many units got each grade (``rows``: unit evaluations with a result)."""
    counts = {grade: 0 for grade in Grade}
    for row in rows:
        if row.grade:
            counts[Grade(row.grade)] += 1
    return _bar(_("单位数"), _("单位数"), [(grade.label, n) for grade, n in counts.items()], _("等级"))


def score_distribution(round_: Round, rows) -> dict:
    """Units per band of total score, ten bands from 0 to the scheme's total points."""
    full = round_.scheme.total_points
    width = full / BINS
    counts = [0] * BINS
    for row in rows:
        if row.total is not None:
            counts[min(int(row.total / width), BINS - 1)] += 1
    labels = [f"{(width * i).normalize():f}–{(width * (i + 1)).normalize():f}" for i in range(BINS)]
    return _bar(_("单位数"), _("单位数"), list(zip(labels, counts, strict=True)), _("总分区间"))


def score_by_department(rows) -> dict:
    """Each supervising department's average total over its units in the round (one query for the names)."""
    totals: dict[int, list[Decimal]] = {}
    for row in rows:
        if row.total is not None:
            totals.setdefault(row.unit.supervising_department_id, []).append(row.total)
    names = dict(Department.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    averages = sorted(
        (
            (names.get(pk, "—"), (sum(v) / len(v)).quantize(Decimal("0.01")), len(v))
            for pk, v in totals.items()
        ),
        key=lambda item: (-item[1], item[0]),
    )
    table = _bar(_("平均总分"), _("分"), [(name, avg) for name, avg, _n in averages], _("主管部门"))
    table["columns"].append(_("参评单位数"))
    table["rows"] = [[name, avg, n] for name, avg, n in averages]
    return table


def indicator_radar(evaluation: UnitEvaluation) -> dict:
    """The unit's points on each first-level indicator as a share of its points (%), beside the round's average."""
    groups, top_of = [], {}  # scores are kept per leaf: each leaf counts for its first-level indicator
    for depth, node in tree(evaluation.round.scheme):
        if depth == 0:
            groups.append(node)
        top_of[node.code] = groups[-1].code
    others = [scores for scores in evaluation.round.units.values_list("scores", flat=True) if scores]

    def share(scores, node):
        got = [Decimal(v) for code, v in scores.items() if top_of.get(code) == node.code]
        return None if not got else (sum(got) / node.points * 100).quantize(Decimal("0.1"))

    mine = [share(evaluation.scores, node) for node in groups]
    average = [
        (sum((share(s, node) or Decimal(0) for s in others), Decimal(0)) / len(others)).quantize(
            Decimal("0.1")
        )
        if others
        else None
        for node in groups
    ]
    labels = [f"{node.code} {node.name}" for node in groups]
    return {
        "chart": {
            "kind": "radar",
            "indicators": [{"name": label, "max": "100"} for label in labels],
            "series": [
                {"name": evaluation.unit.name, "values": [str(v or 0) for v in mine]},
                {"name": _("本轮平均"), "values": [str(v or 0) for v in average]},
            ],
        },
        "columns": [_("一级指标"), _("本单位得分率（%）"), _("本轮平均得分率（%）")],
        "rows": [list(row) for row in zip(labels, mine, average, strict=True)],
    }


def unit_trend(evaluation: UnitEvaluation, statuses) -> dict:
    """The unit's total score and annual effective machine-hours per instrument across the rounds whose results
    the visitor may see (``statuses``), oldest first."""
    rounds = (
        UnitEvaluation.objects.filter(
            unit_id=evaluation.unit_id, total__isnull=False, round__status__in=statuses
        )
        .select_related("round")
        .order_by("round__period_end", "round_id")
    )
    points = [(row.round.name, row.total, value_of(row.figures.get("effective_hours", {}))) for row in rounds]
    return {
        "chart": {
            "kind": "line",
            "labels": [name for name, _total, _hours in points],
            "series": [
                {"name": _("总分"), "values": [str(total) for _name, total, _hours in points], "y": 0},
                {
                    "name": _("年均有效机时（小时/台）"),
                    "values": [None if hours is None else str(hours) for _name, _total, hours in points],
                    "y": 1,
                },
            ],
            "axes": [_("分"), _("小时")],
        },
        "columns": [_("评价轮次"), _("总分"), _("年均有效机时（小时/台）")],
        "rows": [list(row) for row in points],
    }


def _bar(name, axis, pairs, heading) -> dict:
    return {
        "chart": {
            "kind": "bar",
            "name": name,
            "axis": axis,
            "labels": [str(label) for label, _value in pairs],
            "values": [str(value) for _label, value in pairs],
        },
        "columns": [heading, name],
        "rows": [[label, value] for label, value in pairs],
    }


def round_charts(round_: Round, rows) -> dict:
    """A round's result charts: grades, score bands and the average score by department."""
    rows = list(rows)
    return {
        "grades": grade_distribution(rows),
        "scores": score_distribution(round_, rows),
        "departments": score_by_department(rows),
    }


def unit_charts(evaluation: UnitEvaluation, *, authority: bool) -> dict:
    """One unit's result charts: its first-level points against the round's average, and its trend across the
    rounds whose results the visitor may see (closed ones too for the authority)."""
    statuses = (Round.Status.CLOSED, Round.Status.PUBLISHED) if authority else (Round.Status.PUBLISHED,)
    return {"radar": indicator_radar(evaluation), "trend": unit_trend(evaluation, statuses)}
