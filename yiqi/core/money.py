"""Two-place decimals: money in CNY to the fen, and machine-hours, both rounded half-up."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def to_fen(amount) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def hours_between(start, end) -> Decimal:
    """Elapsed hours between two datetimes, to two places."""
    return to_fen(Decimal((end - start).total_seconds()) / Decimal(3600))
