"""From figures and expert marks to points, totals, ranks, grades and post-subsidies."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from ..models import Grade, Indicator, Scheme
from . import scoring
from .schemes import leaves

FEN = Decimal("0.01")
SUBSIDY_CAP = Decimal("300000")


def leaf_points(
    scheme: Scheme, figures: dict[int, dict], marks: dict[int, dict[str, list]]
) -> dict[int, dict]:
    """Each unit's points per leaf code. ``figures`` are ``figures.compute``'s; ``marks`` holds experts' marks per
    unit and indicator code. Verified values are used where telemetry gives one; missing marks score nothing.
    Leaf by leaf over all units: each figure is read once, each leaf's parameters once, ranks by sorting."""
    result: dict[int, dict] = {unit: {} for unit in figures}
    nothing = scoring.ZERO.quantize(FEN)
    read: dict[str, dict] = {}  # figure name → each unit's value, shared by the leaves scoring that figure
    for leaf in leaves(scheme):
        if leaf.kind == Indicator.Kind.SCORED:
            for unit, scores in result.items():
                given = marks.get(unit, {}).get(leaf.code)
                mean = scoring.trimmed_mean(given) if given else None
                scores[leaf.code] = nothing if mean is None else mean
            continue
        if leaf.figure not in read:
            read[leaf.figure] = {unit: value_of(figures[unit][leaf.figure]) for unit in figures}
        values = read[leaf.figure]
        if leaf.method == Indicator.Method.RANK:
            ranked = scoring.rank_within({u: v for u, v in values.items() if v is not None}, full=leaf.points)
            for unit, scores in result.items():
                scores[leaf.code] = ranked.get(unit, nothing)
        else:
            one = scoring.scorer(leaf.method, leaf.params, leaf.points)
            for unit, scores in result.items():
                scores[leaf.code] = one(values[unit])
    return result


def value_of(figure: dict) -> Decimal | None:
    """The value a figure scores with: the telemetry-verified one where there is one, else the declared one."""
    raw = figure["verified"] if figure.get("verified") is not None else figure.get("declared")
    return None if raw is None else Decimal(raw)


def grade_for(scheme: Scheme, total: Decimal, *, fraud: bool = False) -> str:
    if fraud:
        return Grade.POOR
    if total >= scheme.excellent_from:
        return Grade.EXCELLENT
    if total >= scheme.good_from:
        return Grade.GOOD
    if total >= scheme.pass_from:
        return Grade.PASS
    return Grade.POOR


@dataclass
class Standing:
    unit_id: int
    total: Decimal
    rank: int
    grade: str


def rank(scheme: Scheme, points: dict[int, dict], fraud: set[int] = frozenset()) -> list[Standing]:
    """Totals, ranks (ties broken by the scheme's tie-break indicators in order; still equal, equal rank) and
    grades. A unit with confirmed fraud is graded poor whatever its total."""
    totals = {unit: sum(scores.values(), Decimal(0)).quantize(FEN) for unit, scores in points.items()}

    keys = {
        unit: (totals[unit], *(scores.get(code, Decimal(0)) for code in scheme.tie_breaks))
        for unit, scores in points.items()
    }
    ordered = sorted(points, key=keys.__getitem__, reverse=True)
    standings, previous, current_rank = [], None, 0
    for position, unit in enumerate(ordered, start=1):
        if keys[unit] != previous:
            current_rank, previous = position, keys[unit]
        standings.append(
            Standing(unit, totals[unit], current_rank, grade_for(scheme, totals[unit], fraud=unit in fraud))
        )
    return standings


def subsidies(
    weights: dict[int, Decimal], budget: Decimal, *, cap: Decimal = SUBSIDY_CAP
) -> dict[int, Decimal]:
    """Share ``budget`` in proportion to ``weights`` (e.g. score × external-service hours of the eligible units),
    each capped at ``cap``; what a cap frees goes to the others. Amounts in fen whose sum is exactly the budget
    (or the caps' sum, if smaller), by largest remainder (ties to the larger weight, then the lower id)."""
    budget = Decimal(budget).quantize(FEN)
    weights = {u: Decimal(w) for u, w in weights.items() if Decimal(w) > 0}
    if not weights or budget <= 0:
        return {u: Decimal("0.00") for u in weights}
    shares: dict[int, Decimal] = {}
    open_units, left = set(weights), budget
    while open_units:  # proportional shares; units over the cap are fixed at it and the rest shared again
        weight_sum = sum(weights[u] for u in open_units)
        raw = {u: left * weights[u] / weight_sum for u in open_units}
        over = {u for u, amount in raw.items() if amount > cap}
        if not over:
            shares.update(raw)
            break
        for unit in over:
            shares[unit] = cap
            left -= cap
        open_units -= over
    target = min(budget, sum(shares.values()).quantize(FEN))
    floors = {u: s.quantize(FEN, rounding=ROUND_DOWN) for u, s in shares.items()}
    missing = int((target - sum(floors.values())) / FEN)
    by_remainder = sorted(shares, key=lambda u: (-(shares[u] - floors[u]), -weights[u], u))
    for unit in by_remainder[:missing]:
        floors[unit] += FEN
    return floors
