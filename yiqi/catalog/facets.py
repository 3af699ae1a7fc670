"""Filters and facet counts over the in-memory columns (see ``cache.py``).

Counts are cached per index version and filter set; labels are looked up when a result is built, in the
language of its request (a cached label would show one user's language to everyone).
"""

from typing import NamedTuple

import numpy as np

from yiqi.registry.models import Instrument

from .cache import COLUMN_VOCAB, DOMESTIC_KINDS, SERVICE_MODES, VALUE_BANDS, Snapshot

FACETS = (
    "top_class",
    "middle_class",
    "city",
    "unit",
    "unit_kind",
    "value_band",
    "service_mode",
    "sharing_mode",
    "operating_status",
    "free_this_week",
    "domestic",
)
FILTERS = (*FACETS, "category", "region")
# Facet → the column holding its codes (vocabularies in ``Snapshot.vocab``).
FACET_COLUMN = {
    "top_class": "top",
    "middle_class": "middle",
    "city": "city",
    "unit": "unit",
    "unit_kind": "unit_kind",
    "value_band": "value_band",
    "sharing_mode": "sharing_mode",
    "operating_status": "operating_status",
}
FLAG_FACETS = {  # facet → {value: boolean column}
    "service_mode": {"self_operation": "self_operation", "commissioned_testing": "commissioned"},
    "free_this_week": {"yes": "free"},
    "domestic": {
        "made_in_china": "made_in_china",
        "original": "domestic_original",
        "core_parts": "domestic_core_parts",
    },
}


class FacetValue(NamedTuple):
    value: str
    label: str
    count: int


def _mask(snap: Snapshot, slots: np.ndarray, key: str, values: list[str]) -> np.ndarray:
    """Which of ``slots`` pass the filter ``key`` (values OR-ed)."""
    arrays = snap.arrays
    if key == "unit":
        values = [int(v) for v in values if v.isdigit()]
    if key in FACET_COLUMN:
        column = FACET_COLUMN[key]
        return snap.vocab[COLUMN_VOCAB[column]].table(values)[arrays[column][slots]]
    if key in FLAG_FACETS:
        mask = np.zeros(len(slots), dtype=bool)
        for value, column in FLAG_FACETS[key].items():
            if value in values:
                mask |= arrays[column][slots]
        return mask
    columns = {"category": ("leaf", "middle", "top"), "region": ("region", "city", "province")}[key]
    table = snap.vocab[COLUMN_VOCAB[columns[0]]].table(values)
    return np.logical_or.reduce([table[arrays[c][slots]] for c in columns])


def _counts(snap: Snapshot, facet: str, slots: np.ndarray) -> dict:
    arrays = snap.arrays
    if facet in FLAG_FACETS:
        return {value: int(np.count_nonzero(arrays[c][slots])) for value, c in FLAG_FACETS[facet].items()}
    column = FACET_COLUMN[facet]
    values = snap.vocab[COLUMN_VOCAB[column]].values
    counted = np.bincount(arrays[column][slots], minlength=len(values))
    return {values[code]: int(counted[code]) for code in np.flatnonzero(counted)}


def _ordered(facet: str, counts: dict) -> list[tuple[str, int]]:
    if facet == "service_mode":
        return [(k, counts[k]) for k, _ in SERVICE_MODES if counts.get(k)]
    if facet == "domestic":
        return [(k, counts[k]) for k, _ in DOMESTIC_KINDS if counts.get(k)]
    if facet == "free_this_week":
        return [(k, n) for k, n in counts.items() if n]
    if facet == "value_band":
        return [(k, counts[k]) for k, _, _ in VALUE_BANDS if counts.get(k)]
    if facet in ("sharing_mode", "operating_status"):
        order = Instrument.SharingMode if facet == "sharing_mode" else Instrument.OperatingStatus
        return [(k, counts[k]) for k in order.values if counts.get(k)]
    if facet in ("top_class", "middle_class"):
        return sorted(((str(k), n) for k, n in counts.items() if n), key=lambda kn: kn[0])
    return sorted(((str(k), n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))


def filter_and_count(snap: Snapshot, slots: np.ndarray, wanted: dict[str, list[str]]):
    """Which slots pass every filter (a mask), the facet counts (each facet ignoring its own filter) as
    ``facet → [(value, count)]``, and for each filter the number of results without it."""
    masks = {key: _mask(snap, slots, key, values) for key, values in wanted.items()}
    everything = np.logical_and.reduce(list(masks.values())) if masks else np.ones(len(slots), dtype=bool)
    without: dict[str, int] = {}
    bases: dict[str, np.ndarray] = {}
    for key in wanted:
        others = [m for k, m in masks.items() if k != key]
        bases[key] = np.logical_and.reduce(others) if others else np.ones(len(slots), dtype=bool)
        without[key] = int(np.count_nonzero(bases[key]))
    passing = slots[everything]
    counts = {
        facet: _ordered(facet, _counts(snap, facet, slots[bases[facet]] if facet in bases else passing))
        for facet in FACETS
    }
    return everything, counts, without


def facet_values(snap: Snapshot, counts: dict, wanted: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    """Counts with their labels in the current language; a selected value without results is kept (count 0)."""
    facets = {}
    for facet, counted in counts.items():
        seen = {value for value, _ in counted}
        selected = [v for v in wanted.get(facet, ()) if v not in seen and snap.label(facet, v) != v]
        facets[facet] = [FacetValue(v, snap.label(facet, v), n) for v, n in counted] + [
            FacetValue(v, snap.label(facet, v), 0) for v in selected
        ]
    return facets
