"""Plain data for the evaluation pages and exports: a round's progress by unit, one unit's sheet, an expert's
work, the published results. Each is a fixed number of queries, whatever the number of units."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.experts import services as experts
from yiqi.experts.models import Assignment, Expert
from yiqi.registry.models import Instrument

from ..models import ExpertScore, Grade, Indicator, Rectification, Round, Scheme, UnitEvaluation
from . import figures
from .rounds import ROUNDS, own_units, scoring_gaps, visible_evaluations
from .schemes import is_authority, leaves, tree


def shows_result(access: Access, round_: Round) -> bool:
    """Totals, ranks, grades and subsidies: the authority from the close on, everyone once published."""
    return round_.status == Round.Status.PUBLISHED or (
        is_authority(access) and round_.status == Round.Status.CLOSED
    )


def takes_part(access: Access) -> bool:
    """Who has evaluation pages of their own: the authority, unit staff, departments and experts."""
    return is_authority(access) or bool(access.staff_unit_ids or access.department_ids or access.is_expert)


def sees_detail(access: Access, evaluation: UnitEvaluation) -> bool:
    """One unit's sheet (figures, records behind them, self-evaluation, contests): the authority, the unit's
    staff, its department and the experts assigned to it; the public sees only the published results."""
    return (
        is_authority(access)
        or evaluation.unit_id in access.staff_unit_ids
        or evaluation.unit.supervising_department_id in access.department_ids
        or evaluation.unit_id in experts.assigned_unit_ids(access, evaluation.round)
    )


def visible_rounds(access: Access) -> QuerySet[Round]:
    """Rounds in which the visitor may see at least one unit (all of them for the authority)."""
    rounds = Round.objects.select_related("scheme")
    if is_authority(access):
        return rounds
    return rounds.filter(pk__in=visible_evaluations(access).values("round_id"))


def visible_schemes(access: Access) -> QuerySet[Scheme]:
    """Every version, drafts too, for the authority; to others the versions of the rounds they may see."""
    if is_authority(access):
        return Scheme.objects.all()
    return Scheme.objects.filter(pk__in=visible_rounds(access).values("scheme_id"))


def scored_leaves(scheme: Scheme) -> list[Indicator]:
    return [leaf for leaf in leaves(scheme) if leaf.kind == Indicator.Kind.SCORED]


def round_progress(round_: Round, access: Access) -> dict:
    """The authority's view of a round: per unit, self-evaluation, contests, experts and their marks, flags and
    (once closed) the result; the steps the round may take next."""
    rows = list(
        round_.units.select_related("unit")
        .annotate(
            contest_count=Count("contests", distinct=True),
            mark_count=Count("expert_scores", distinct=True),
        )
        .order_by("rank", "unit__name")
    )
    assigned: dict[int, list[Expert]] = {}
    for assignment in experts.assignments_in(round_):
        assigned.setdefault(assignment.unit_id, []).append(assignment.expert)
    flags: dict[int, dict] = {}
    for gap in scoring_gaps(round_):
        flags.setdefault(gap["unit"], {"missing": 0, "spread": []})
        if gap["kind"] == "missing":
            flags[gap["unit"]]["missing"] += 1
        else:
            flags[gap["unit"]]["spread"].append(gap["indicator"])
    expected = len(scored_leaves(round_.scheme))
    units = [
        {
            "evaluation": row,
            "experts": assigned.get(row.unit_id, []),
            "marks_expected": expected * len(assigned.get(row.unit_id, [])),
            "flags": flags.get(row.unit_id, {"missing": 0, "spread": []}),
            "gap": any(f.get("gap") for f in row.figures.values()),
        }
        for row in rows
    ]
    return {
        "round": round_,
        "units": units,
        "submitted": sum(1 for row in rows if row.submitted_at),
        "steps": ROUNDS.available(round_),
        "shows_result": shows_result(access, round_),
        "subsidy_total": sum((row.subsidy or Decimal(0) for row in rows), Decimal("0.00")),
        "grade_counts": _grade_counts(rows),
    }


def _grade_counts(rows) -> list[tuple[str, int]]:
    counts = {grade: 0 for grade in Grade.values}
    for row in rows:
        if row.grade:
            counts[row.grade] += 1
    return [(Grade(grade).label, n) for grade, n in counts.items()]


def figure_rows(evaluation: UnitEvaluation, contested: set[str]) -> list[dict]:
    """The unit's figures: declared and verified values, the gap flag, whether the unit contested it."""
    return [
        {
            "name": name,
            "label": spec.label,
            "declared": evaluation.figures.get(name, {}).get("declared"),
            "verified": evaluation.figures.get(name, {}).get("verified"),
            "gap": evaluation.figures.get(name, {}).get("gap", False),
            "contested": name in contested,
        }
        for name, spec in figures.FIGURES.items()
    ]


FAILED_BECAUSE = {"sharing_mode": gettext_lazy("未按承诺方式共享"), "hours": gettext_lazy("对外机时少于承诺")}


def failed_obligations(value: dict) -> list[dict]:
    """The opening plans behind ``obligations_met_rate`` that were not kept, worded for the page."""
    failed = value.get("failed") or []
    names = dict(
        Instrument.objects.filter(pk__in=[row["instrument"] for row in failed]).values_list("pk", "name")
    )
    modes = dict(Instrument.SharingMode.choices)
    return [
        {
            **row,
            "name": names.get(row["instrument"], "—"),
            "reason_labels": [FAILED_BECAUSE[code] for code in row["reasons"] if code in FAILED_BECAUSE],
            "sharing_label": modes.get(row["sharing_mode"], row["sharing_mode"]),
            "promised_label": modes.get(row["promised_sharing_mode"], row["promised_sharing_mode"]),
        }
        for row in failed
    ]


def unit_sheet(evaluation: UnitEvaluation, access: Access) -> dict:
    """One unit in one round: figures, self-evaluation, contests, experts and (when it may be seen) the points per
    indicator of the scheme's tree, the total, rank, grade, subsidy and rectification."""
    round_ = evaluation.round
    contests = list(evaluation.contests.order_by("created_at"))
    for row in contests:
        row.label = figures.FIGURES[row.figure].label if row.figure in figures.FIGURES else row.figure
    show = shows_result(access, round_)
    points = []
    if show:
        for depth, node in tree(round_.scheme):
            points.append({"depth": depth, "indicator": node, "points": evaluation.scores.get(node.code)})
    rectification = Rectification.objects.filter(evaluation=evaluation).first() if show else None
    return {
        "evaluation": evaluation,
        "round": round_,
        "figures": figure_rows(evaluation, {c.figure for c in contests}),
        "contests": contests,
        "experts": [a.expert for a in experts.assignments_in(round_).filter(unit_id=evaluation.unit_id)]
        if is_authority(access)
        else [],
        "shows_result": show,
        "points": points,
        "rectification": rectification,
        "is_authority": is_authority(access),
        "is_editor": evaluation.unit_id in access.editor_unit_ids,
        "is_assigned": evaluation.unit_id in experts.assigned_unit_ids(access, round_),
        "open": round_.status == Round.Status.OPEN,
        "contestable": round_.status in (Round.Status.OPEN, Round.Status.SCORING),
    }


def printed_sheet(evaluation: UnitEvaluation, access: Access) -> dict:
    """The printable sheet: the unit's result (points per indicator, total, rank, grade, subsidy), its figures
    declared and verified, and the experts' remarks by indicator (without their names)."""
    sheet = unit_sheet(evaluation, access)
    sheet["remarks"] = list(
        ExpertScore.objects.filter(evaluation=evaluation)
        .exclude(comment="")
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id", "id")
    )
    return sheet


def expert_work(access: Access) -> list[dict]:
    """The units the signed-in expert was assigned in evaluation rounds, with how many marks they have given."""
    assignments = Assignment.objects.filter(
        expert__user_id=access.user_id, context_type__app_label="evaluation", context_type__model="round"
    )
    evaluations = (
        UnitEvaluation.objects.filter(
            round_id__in=assignments.values("context_id"), unit_id__in=assignments.values("unit_id")
        )
        .select_related("round", "round__scheme", "unit")
        .annotate(my_marks=Count("expert_scores", filter=Q(expert_scores__expert__user_id=access.user_id)))
        .order_by("-round__period_end", "unit__name")
    )
    pairs = set(assignments.values_list("context_id", "unit_id"))
    return [e for e in evaluations if (e.round_id, e.unit_id) in pairs]


def score_form_rows(evaluation: UnitEvaluation, expert: Expert | None) -> list[dict]:
    """The expert-scored indicators with their guide and this expert's mark and comment so far."""
    given = {}
    if expert is not None:
        given = {s.indicator_id: s for s in ExpertScore.objects.filter(evaluation=evaluation, expert=expert)}
    return [
        {"indicator": leaf, "given": given.get(leaf.pk)} for leaf in scored_leaves(evaluation.round.scheme)
    ]


def result_table(round_: Round) -> dict:
    """Every unit's points per leaf, total, rank, grade and subsidy: what the round page, the public page and
    the workbook show, so they always agree."""
    columns = leaves(round_.scheme)
    rows = [
        {
            "evaluation": row,
            "points": [row.scores.get(leaf.code) for leaf in columns],
        }
        for row in round_.units.select_related("unit").order_by("rank", "unit__name")
    ]
    return {
        "columns": columns,
        "rows": rows,
        "poor": [r["evaluation"] for r in rows if r["evaluation"].grade == Grade.POOR],
        "subsidy_total": sum((r["evaluation"].subsidy or Decimal(0) for r in rows), Decimal("0.00")),
    }


def visible_rectifications(access: Access) -> QuerySet[Rectification]:
    """The authority tracks every rectification; units and departments see theirs once the result is public."""
    rows = Rectification.objects.select_related("evaluation__unit", "evaluation__round").order_by(
        "status", "due_on"
    )
    if is_authority(access):
        return rows
    return rows.filter(
        evaluation__in=UnitEvaluation.objects.filter(own_units(access)),
        evaluation__round__status=Round.Status.PUBLISHED,
    )
