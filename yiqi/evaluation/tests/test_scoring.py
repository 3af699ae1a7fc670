"""Scoring primitives, each against a case worked by hand."""

from decimal import Decimal as D

from yiqi.evaluation.services import scoring


def test_linear_to_a_benchmark_is_capped():
    assert scoring.linear(1200, benchmark=1600, full=20) == D("15.00")
    assert scoring.linear(2000, benchmark=1600, full=20) == D("20.00")
    assert scoring.linear(0, benchmark=1600, full=20) == D("0.00")
    assert scoring.linear(D("0.3333"), benchmark=1, full=15) == D("5.00")


def test_per_step_counts_whole_steps_only():
    assert scoring.per_step(1599, step=100, each=1, full=15) == D("15.00")
    assert scoring.per_step(1499, step=100, each=1, full=15) == D("14.00")
    assert scoring.per_step(99, step=100, each=1, full=15) == D("0.00")


def test_bands_take_the_highest_band_reached():
    bands = [["0.30", 10], ["0.20", 8], ["0.10", 6], ["0.01", 3]]
    assert scoring.bands(D("0.25"), bands=bands) == D("8.00")
    assert scoring.bands(D("0.30"), bands=bands) == D("10.00")
    assert scoring.bands(D("0.005"), bands=bands) == D("0.00")


def test_rank_within_peers_shares_the_better_rank_on_ties():
    assert scoring.rank_within({1: "0.4", 2: "0.2", 3: "0.2", 4: "0.1"}, full=15) == {
        1: D("15.00"),
        2: D("10.00"),  # one unit better: (4 - 1 - 1) / 3 × 15
        3: D("10.00"),
        4: D("0.00"),
    }
    assert scoring.rank_within({7: 3}, full=15) == {7: D("15.00")}


def test_trimmed_mean_drops_extremes_from_five_marks():
    assert scoring.trimmed_mean([15, 16, 17, 18, 20]) == D("17.00")
    assert scoring.trimmed_mean([4, 5, 3]) == D("4.00")
    assert scoring.trimmed_mean([]) is None


def test_spread_is_flagged_above_three_tenths_of_the_points():
    assert scoring.spread_flagged([10, 17], full=20)  # 7 > 0.3 × 20
    assert not scoring.spread_flagged([10, 16], full=20)  # 6 is not more than 6
    assert not scoring.spread_flagged([12], full=20)
