"""Rating summaries: counts, averages and the spread of scores, and the quality signal that ranks
better-rated instruments first among equal catalogue matches (``quality_signal``)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum

from ..models import Rating
from .ratings import ASPECTS, aspect_label

# Bayesian average: an instrument starts as if PRIOR_WEIGHT users had given it PRIOR_MEAN, so one 5-star rating
# does not outrank twenty 4.8s, and an unrated instrument sits in the middle.
PRIOR_MEAN = 3
PRIOR_WEIGHT = 5
# The top of the quality signal; the catalogue stores the signal as is (``SearchDocument.quality``).
QUALITY_SCALE = 1000


@dataclass(frozen=True)
class ScoreShare:
    score: int
    count: int
    percent: int


@dataclass(frozen=True)
class RatingSummary:
    count: int
    averages: dict[str, Decimal | None]  # aspect → average to one decimal (None without ratings)
    distribution: list[ScoreShare]  # overall scores 5 … 1

    @property
    def overall(self) -> Decimal | None:
        return self.averages["overall"]

    @property
    def aspects(self) -> list[tuple[str, Decimal | None]]:
        """(label, average) of the aspects besides the overall score, for display."""
        return [(aspect_label(aspect), self.averages[aspect]) for aspect in ASPECTS[1:]]


def _percent(part: int, whole: int) -> int:
    return int((Decimal(100 * part) / whole).quantize(Decimal("1"), ROUND_HALF_UP)) if whole else 0


SCORES = range(5, 0, -1)


def summary_aggregates() -> dict:
    """The aggregates a summary is made of (``summary_of``): over a queryset, or as windows over listed rows."""
    return {
        "count": Count("id"),
        **{f"sum_{aspect}": Sum(aspect) for aspect in ASPECTS},
        **{f"score_{score}": Count("id", filter=Q(overall=score)) for score in SCORES},
    }


def summarize(ratings: QuerySet[Rating]) -> RatingSummary:
    """Count, per-aspect averages and the spread of overall scores, from one aggregate query."""
    return summary_of(ratings.aggregate(**summary_aggregates()))


def summary_of(totals: dict) -> RatingSummary:
    """The summary from ``summary_aggregates``' values.

    Sums, not AVG: the division happens in Decimal, so 4.25 rounds to 4.3 on every database."""
    scores = SCORES
    count = totals["count"]
    averages = {
        aspect: (Decimal(totals[f"sum_{aspect}"]) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if count
        else None
        for aspect in ASPECTS
    }
    distribution = [
        ScoreShare(score, totals[f"score_{score}"], _percent(totals[f"score_{score}"], count))
        for score in scores
    ]
    return RatingSummary(count, averages, distribution)


def rating_summary(instrument) -> RatingSummary:
    return summarize(Rating.objects.filter(instrument=instrument))


def unit_rating_summary(unit) -> RatingSummary:
    return summarize(Rating.objects.filter(unit=unit))


def quality_signal(count: int, overall_total: int) -> int:
    """The quality signal (0–QUALITY_SCALE) from the number of ratings and the sum of their overall scores: the
    Bayesian average (1–5) mapped linearly, 1 → 0 and 5 → QUALITY_SCALE. Unrated: the middle."""
    mean = Fraction(PRIOR_MEAN * PRIOR_WEIGHT + overall_total, PRIOR_WEIGHT + count)
    return int((mean - 1) * QUALITY_SCALE / 4 + Fraction(1, 2))  # exact, rounded half up


def catalogue_quality(instrument_ids: Iterable[int]) -> dict[int, int]:
    """The quality signal of each instrument, from one grouped aggregate query."""
    ids = {int(i) for i in instrument_ids}
    rows = (
        Rating.objects.filter(instrument_id__in=ids)
        .order_by()
        .values("instrument_id")
        .annotate(n=Count("id"), total=Sum("overall"))
    )
    found = {row["instrument_id"]: quality_signal(row["n"], row["total"]) for row in rows}
    return {i: found.get(i, quality_signal(0, 0)) for i in ids}
