"""What-if: a round's units scored again — under another scheme version (a draft the authority is editing), or with
one unit's figures moved — through the same ``results`` functions the round's close uses. Nothing is saved.

Before the round closes the experts' marks are incomplete, so every unit's expert-scored indicators are assumed at
one share of their points (the visitor picks it); from the close on, the experts' marks count as in the round — for
those who may see the result by then (``presenters.shows_result``); the others keep the assumption until it is
published, so the what-if never shows a result early."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Grade, Indicator, Round, Scheme, UnitEvaluation
from . import results, rounds
from .schemes import leaves

# The figures a unit may move on its what-if page (the open rate, machine-hours, sharing rate, ratings).
MOVABLE = ("open_rate", "effective_hours", "sharing_rate", "rating_average")
DEFAULT_SHARE = Decimal("0.8")


@dataclass(frozen=True)
class Inputs:
    """What the round's units are scored from: their figures, the experts' marks (or assumed ones), fraud."""

    figures: dict[int, dict]
    marks: dict[int, dict[str, list]]
    fraud: set[int]
    assumed_share: Decimal | None  # None: the experts' own marks


def marks_known(round_: Round, result_shown: bool) -> bool:
    """Whether the experts' own marks count: once the round is closed, for a visitor who may see its result."""
    return result_shown and round_.status in (Round.Status.CLOSED, Round.Status.PUBLISHED)


def _assumed_marks(scheme: Scheme, figures: dict[int, dict], share: Decimal) -> dict[int, dict[str, list]]:
    scored = [leaf for leaf in leaves(scheme) if leaf.kind == Indicator.Kind.SCORED]
    return {unit: {leaf.code: [leaf.points * share] for leaf in scored} for unit in figures}


def inputs(round_: Round, scheme: Scheme, *, share: Decimal = DEFAULT_SHARE, marks: bool = False) -> Inputs:
    figures = dict(round_.units.values_list("unit_id", "figures"))
    if marks:
        marks, assumed = rounds.expert_marks(round_), None
    else:
        marks, assumed = _assumed_marks(scheme, figures, share), share
    return Inputs(figures, marks, rounds.fraud_units(round_), assumed)


def _under_scheme(given: Inputs, scheme: Scheme) -> Inputs:
    """The same round's inputs scored under another scheme: only assumed marks follow the scheme's indicators, so
    the figures, marks and fraud are not read again."""
    if given.assumed_share is None:
        return given
    return Inputs(
        given.figures,
        _assumed_marks(scheme, given.figures, given.assumed_share),
        given.fraud,
        given.assumed_share,
    )


def standings(scheme: Scheme, given: Inputs) -> tuple[dict[int, results.Standing], dict[int, dict]]:
    """Each unit's standing (total, rank, grade) and points per leaf, as the round's close computes them."""
    points = results.leaf_points(scheme, given.figures, given.marks)
    return {s.unit_id: s for s in results.rank(scheme, points, given.fraud)}, points


def _percent(share: Decimal | None) -> str | None:
    return None if share is None else f"{(share * 100).quantize(Decimal(1))}%"


def _shown(standing: results.Standing) -> dict:
    return {
        "total": standing.total,
        "rank": standing.rank,
        "grade": standing.grade,
        "grade_label": Grade(standing.grade).label,
    }


def compare_schemes(
    round_: Round, scheme: Scheme, *, share: Decimal = DEFAULT_SHARE, marks: bool = False
) -> dict:
    """Every unit of ``round_`` under its own scheme and under ``scheme``: total, rank and grade before and after,
    and how many units each grade gains or loses."""
    rows = {row.unit_id: row for row in UnitEvaluation.objects.filter(round=round_).select_related("unit")}
    own = inputs(round_, round_.scheme, share=share, marks=marks)
    now, _points = standings(round_.scheme, own)
    given = _under_scheme(own, scheme)
    then, _points = standings(scheme, given)
    units = sorted(
        (
            {
                "evaluation": rows[unit_id],
                "now": _shown(now[unit_id]),
                "then": _shown(then[unit_id]),
                "change": then[unit_id].total - now[unit_id].total,
            }
            for unit_id in rows
        ),
        key=lambda row: (row["then"]["rank"], row["evaluation"].unit.name),
    )
    grades = [
        {
            "grade": grade.label,
            "now": sum(1 for s in now.values() if s.grade == grade),
            "then": sum(1 for s in then.values() if s.grade == grade),
        }
        for grade in Grade
    ]
    return {"units": units, "grades": grades, "assumed_percent": _percent(given.assumed_share)}


def move_unit(
    evaluation: UnitEvaluation,
    moved: dict[str, Decimal],
    *,
    share: Decimal = DEFAULT_SHARE,
    marks: bool = False,
) -> dict:
    """One unit's total, rank, grade and points per leaf now and with the ``moved`` figures (the other units as
    they stand). A moved figure replaces both the declared and the verified value."""
    round_, scheme = evaluation.round, evaluation.round.scheme
    given = inputs(round_, scheme, share=share, marks=marks)
    now, points_now = standings(scheme, given)
    figures = dict(given.figures)
    figures[evaluation.unit_id] = {
        **figures[evaluation.unit_id],
        **{name: {"declared": str(value), "verified": None, "gap": False} for name, value in moved.items()},
    }
    then, points_then = standings(scheme, Inputs(figures, given.marks, given.fraud, given.assumed_share))
    unit = evaluation.unit_id
    return {
        "now": _shown(now[unit]),
        "then": _shown(then[unit]),
        "change": then[unit].total - now[unit].total,
        "units": len(figures),
        "assumed_percent": _percent(given.assumed_share),
        "leaves": [
            {
                "indicator": leaf,
                "now": points_now[unit][leaf.code],
                "then": points_then[unit][leaf.code],
                "moved": leaf.kind == Indicator.Kind.COMPUTED and leaf.figure in moved,
            }
            for leaf in leaves(scheme)
        ],
    }


def current_values(evaluation: UnitEvaluation) -> dict[str, Decimal | None]:
    """The movable figures as the round scores them (verified where telemetry gives one), to start the sliders."""
    return {name: results.value_of(evaluation.figures.get(name, {})) for name in MOVABLE}
