"""Scoring primitives: how a figure (or experts' marks) becomes points. Pure functions on Decimals, rounded to
0.01 point; the scheme's indicators name a method and its parameters."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def points(value) -> Decimal:
    return _d(value).quantize(CENT, rounding=ROUND_HALF_UP)


def linear(value, *, benchmark, full) -> Decimal:
    """``value ÷ benchmark × full``, capped at ``full`` (e.g. hours ÷ 1,600 × 20)."""
    value, benchmark, full = _d(value), _d(benchmark), _d(full)
    if value <= 0:
        return ZERO.quantize(CENT)
    return points(min(value / benchmark, Decimal(1)) * full)


def per_step(value, *, step, each, full) -> Decimal:
    """``each`` points per whole ``step`` reached (e.g. 1 point per 100 h), capped at ``full``."""
    steps = (_d(value) / _d(step)).to_integral_value(rounding=ROUND_FLOOR)
    return points(min(max(steps, ZERO) * _d(each), _d(full)))


def bands(value, *, bands) -> Decimal:
    """The points of the highest band whose lower bound ``value`` reaches; bands are ``[[from, points], …]``."""
    value = _d(value)
    reached = [_d(p) for lower, p in bands if value >= _d(lower)]
    return points(max(reached)) if reached else ZERO.quantize(CENT)


def rank_within(values: dict, *, full, higher_is_better=True) -> dict:
    """Points by rank among peers: the best gets ``full``, the last 0, evenly between; equal values share the
    better rank. Peers are counted by bisecting the sorted values (a national round ranks thousands)."""
    values = {key: _d(value) for key, value in values.items()}
    n, full = len(values), _d(full)
    ordered = sorted(values.values())
    result = {}
    for key, value in values.items():
        better = n - bisect_right(ordered, value) if higher_is_better else bisect_left(ordered, value)
        result[key] = points(full) if n == 1 else points(full * (n - 1 - better) / (n - 1))
    return result


def trimmed_mean(marks, *, trim_from=5) -> Decimal | None:
    """The experts' mean; from ``trim_from`` marks on, the highest and the lowest are dropped."""
    marks = sorted(_d(m) for m in marks)
    if not marks:
        return None
    if len(marks) >= trim_from:
        marks = marks[1:-1]
    return points(sum(marks) / len(marks))


def spread_flagged(marks, *, full, share=Decimal("0.3")) -> bool:
    """Experts disagree when their marks span more than ``share`` of the indicator's points."""
    marks = [_d(m) for m in marks]
    return len(marks) > 1 and max(marks) - min(marks) > _d(full) * _d(share)


def check_params(method: str, params: dict, full) -> None:
    """Refuse parameters a method cannot score with, on the ``params`` field."""
    try:
        if method == "linear":
            ok = _d(params["benchmark"]) > 0
        elif method == "per_step":
            ok = _d(params["step"]) > 0 and _d(params["each"]) > 0
        elif method == "bands":
            ok = bool(params["bands"]) and all(_d(p) <= _d(full) for _lower, p in params["bands"])
        else:
            ok = True
    except (KeyError, TypeError, ValueError, ArithmeticError):
        ok = False
    if not ok:
        raise ValidationError({"params": [_("计分参数不完整或无效。")]})


def scorer(method: str, params: dict, full) -> Callable[[Decimal | None], Decimal]:
    """One computed leaf's points as a function of its figure, the parameters read once: a round scores every unit
    with it (rank is scored over all peers by ``rank_within``)."""
    full = _d(full)
    if method == "linear":
        benchmark = _d(params["benchmark"])

        def one(value):
            return linear(value, benchmark=benchmark, full=full)
    elif method == "per_step":
        step, each = _d(params["step"]), _d(params["each"])

        def one(value):
            return per_step(value, step=step, each=each, full=full)
    elif method == "bands":
        steps = [(_d(lower), _d(p)) for lower, p in params["bands"]]

        def one(value):
            return bands(value, bands=steps)
    else:
        raise ValueError(method)
    nothing = ZERO.quantize(CENT)
    return lambda value: nothing if value is None else one(value)
