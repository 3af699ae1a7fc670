"""The "results of use" figures: confirmed papers, patents, standards, awards and projects of each unit dated in
the period, per kind and weighted (``YIQI_OUTCOME_WEIGHTS``). One query for any number of units; the rows behind
each figure are the results themselves."""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yiqi.outcomes import services as outcomes
from yiqi.outcomes.models import OutcomeKind

# Figure name -> the kind it counts (None: every kind, weighted).
KINDS = {
    "outcome_papers": OutcomeKind.PAPER,
    "outcome_patents": OutcomeKind.PATENT,
    "outcome_standards": OutcomeKind.STANDARD,
    "outcome_awards": OutcomeKind.AWARD,
    "outcome_projects": OutcomeKind.PROJECT,
    "outcomes_weighted": None,
}
LABELS = {
    "outcome_papers": _("应用成果：论文数"),
    "outcome_patents": _("应用成果：专利数"),
    "outcome_standards": _("应用成果：标准数"),
    "outcome_awards": _("应用成果：奖励数"),
    "outcome_projects": _("应用成果：支撑项目数"),
    "outcomes_weighted": _("应用成果（加权计数）"),
}


def figures(unit_ids, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """``{unit_id: {figure name: count}}`` for every unit asked."""
    counts = outcomes.counts(unit_ids, start, end)
    return {
        unit_id: {name: per_kind[kind or "weighted"] for name, kind in KINDS.items()}
        for unit_id, per_kind in counts.items()
    }


def rows(name: str, unit_id: int, start: dt.date, end: dt.date) -> QuerySet:
    behind = outcomes.counted([unit_id], start, end)
    return behind.filter(kind=KINDS[name]) if KINDS[name] else behind
