"""A round scores every unit leaf by leaf in one pass (parameters read once, ranks by sorting); on varied figures
and marks that gives each unit exactly the points, totals and ranks of scoring it on its own with the primitives."""

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiqi.evaluation.models import Indicator, Scheme
from yiqi.evaluation.services import defaults, results, scoring
from yiqi.evaluation.services.schemes import leaves

pytestmark = pytest.mark.django_db

FIGURES = (
    "open_rate",
    "bookable_share",
    "effective_hours",
    "external_hours",
    "sharing_rate",
    "rating_average",
    "monitoring_coverage",
    "verified_share",
)
# Values on the schemes' edges: band bounds, benchmarks, whole steps, half a cent of points either way.
EDGES = [
    "0",
    "0.0100",
    "0.0099",
    "0.1",
    "0.2",
    "0.3",
    "0.3333",
    "1",
    "1.0000",
    "99.9",
    "100",
    "273",
    "1599.9",
    "1600",
]
values = st.one_of(
    st.none(),
    st.sampled_from(EDGES),
    st.decimals(min_value=0, max_value=3000, places=4).map(str),
)
figure = st.fixed_dictionaries({"declared": values, "verified": values, "gap": st.booleans()})
unit_figures = st.fixed_dictionaries(dict.fromkeys(FIGURES, figure))
marks = st.dictionaries(
    st.sampled_from(["1.1", "1.3", "2.2", "C1", "C2"]),
    st.lists(st.decimals(min_value=0, max_value=10, places=2), max_size=6),
)


def primitive(leaf: Indicator, value) -> D:
    """One unit's points for one computed leaf, through the primitive named by the leaf's method."""
    if value is None:
        return D("0.00")
    params = leaf.params
    if leaf.method == "linear":
        return scoring.linear(value, benchmark=params["benchmark"], full=leaf.points)
    if leaf.method == "per_step":
        return scoring.per_step(value, step=params["step"], each=params["each"], full=leaf.points)
    return scoring.bands(value, bands=params["bands"])


def one_by_one(scheme: Scheme, figures: dict, given_marks: dict) -> dict:
    """The reference: each unit alone, its rank counted against every peer."""
    expected: dict = {unit: {} for unit in figures}
    for leaf in leaves(scheme):
        for unit in figures:
            if leaf.kind == Indicator.Kind.SCORED:
                mean = scoring.trimmed_mean(given_marks.get(unit, {}).get(leaf.code, []))
                expected[unit][leaf.code] = D("0.00") if mean is None else mean
                continue
            value = results.value_of(figures[unit][leaf.figure])
            if leaf.method != Indicator.Method.RANK:
                expected[unit][leaf.code] = primitive(leaf, value)
                continue
            peers = [results.value_of(figures[u][leaf.figure]) for u in figures]
            peers = [p for p in peers if p is not None]
            if value is None:
                expected[unit][leaf.code] = D("0.00")
            elif len(peers) == 1:
                expected[unit][leaf.code] = scoring.points(leaf.points)
            else:
                better = sum(1 for p in peers if p > value)
                share = leaf.points * (len(peers) - 1 - better) / (len(peers) - 1)
                expected[unit][leaf.code] = scoring.points(share)
    return expected


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    figures=st.dictionaries(st.integers(1, 10_000), unit_figures, min_size=1, max_size=25),
    given_marks=st.dictionaries(st.integers(1, 10_000), marks, max_size=25),
)
def test_scoring_every_unit_at_once_equals_scoring_each_alone(figures, given_marks):
    defaults.ensure_defaults()
    for scheme in Scheme.objects.filter(name__in=[defaults.SHAANXI_2023, defaults.NATIONAL_STYLE]):
        points = results.leaf_points(scheme, figures, given_marks)
        assert points == one_by_one(scheme, figures, given_marks)
        for standing in results.rank(scheme, points):
            total = sum(points[standing.unit_id].values(), D(0))
            assert standing.total == total
            better = [
                u
                for u, scores in points.items()
                if (sum(scores.values(), D(0)), *(scores[c] for c in scheme.tie_breaks))
                > (total, *(points[standing.unit_id][c] for c in scheme.tie_breaks))
            ]
            assert standing.rank == len(better) + 1


def test_ranking_thousands_of_peers_shares_ranks_on_ties():
    """The sorted count gives what counting every better peer gives, for ties and for 'lower is better'."""
    values = {unit: D(unit % 97) / 7 for unit in range(3000)}
    ranked = scoring.rank_within(values, full=15)
    assert ranked[96] == D("15.00")  # the highest value, which 30 units share
    for unit in (0, 1, 50, 96, 97, 2999):
        better = sum(1 for v in values.values() if v > values[unit])
        assert ranked[unit] == scoring.points(D(15) * (2999 - better) / 2999)
    lower = scoring.rank_within({1: "3", 2: "1", 3: "1", 4: "2"}, full=12, higher_is_better=False)
    assert lower == {1: D("0.00"), 2: D("12.00"), 3: D("12.00"), 4: D("4.00")}
