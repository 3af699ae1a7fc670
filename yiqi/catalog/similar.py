"""Instruments that could meet the same need as a described one: the similarity core of duplicate-purchase review
and of demand matching.

A described instrument (name, functions, technical indicators, an intended class) is compared with every published
instrument of the province in three ways, each normalised to 0–1:

* text: the catalogue's own analysis and postings, scored as BM25 (the postings hold saturated, field-weighted term
  frequencies) with inverse document frequencies, divided by what a document holding every query term would score,
  so a long description is not favoured over a short one;
* class: 1 for the same leaf class, 0.5 for the same middle (parent) class;
* specifications: the share of the described numeric indicators (resolution 1 nm, range 0–1000 °C…) that the
  instrument states in the same unit within a factor of two.

Candidates are the documents with any text score or the same middle class; the best are re-scored with their
specifications (one query for their indicators). Everything else runs in numpy over the search cache's columns.
"""

import math
import re
from dataclasses import dataclass

import numpy as np

from yiqi.registry.models import Instrument

from . import text
from .cache import documents
from .postings import read_postings
from .search import _lookup_terms

TEXT_WEIGHT = 0.6
CLASS_WEIGHT = 0.3
SPEC_WEIGHT = 0.1
MAX_QUERY_TERMS = 64
COMMON_SHARE = 0.25  # terms in more documents than this share say little about the kind of instrument
RESCORED = 200  # candidates whose specifications are compared

# A number followed by a unit the indicators use; prefixes are folded into the value (nm and μm compare).
SPEC_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(nm|μm|um|mm|cm|pm|kv|v|ma|μa|hz|khz|mhz|ghz|t|da|kda|g|mg|μg|kg|ml|μl|l|°c|℃|k|pa|kpa|mpa|"
    r"rpm|r/min|w|kw|ev|kev|mev|%|ppm|ppb|s|ms|μs|ns)\b",
    re.IGNORECASE,
)
UNIT_SCALE = {
    "pm": ("m", 1e-12), "nm": ("m", 1e-9), "μm": ("m", 1e-6), "um": ("m", 1e-6), "mm": ("m", 1e-3),
    "cm": ("m", 1e-2), "v": ("v", 1), "kv": ("v", 1e3), "ma": ("a", 1e-3), "μa": ("a", 1e-6),
    "hz": ("hz", 1), "khz": ("hz", 1e3), "mhz": ("hz", 1e6), "ghz": ("hz", 1e9), "t": ("t", 1),
    "da": ("da", 1), "kda": ("da", 1e3), "μg": ("g", 1e-6), "mg": ("g", 1e-3), "g": ("g", 1), "kg": ("g", 1e3),
    "μl": ("l", 1e-6), "ml": ("l", 1e-3), "l": ("l", 1), "°c": ("c", 1), "℃": ("c", 1), "k": ("k", 1),
    "pa": ("pa", 1), "kpa": ("pa", 1e3), "mpa": ("pa", 1e6), "rpm": ("rpm", 1), "r/min": ("rpm", 1),
    "w": ("w", 1), "kw": ("w", 1e3), "ev": ("ev", 1), "kev": ("ev", 1e3), "mev": ("ev", 1e6), "%": ("%", 1),
    "ppm": ("ppm", 1), "ppb": ("ppm", 1e-3), "s": ("s", 1), "ms": ("s", 1e-3), "μs": ("s", 1e-6),
    "ns": ("s", 1e-9),
}  # fmt: skip


@dataclass(frozen=True)
class Similar:
    instrument_id: int
    score: float  # 0–1, the weighted sum below
    text: float
    klass: float
    spec: float


def quantities(value: str) -> list[tuple[str, float]]:
    """The numeric indicators of a text as (base unit, value in that unit)."""
    found = []
    for number, unit in SPEC_RE.findall(text.normalize(value or "")):
        base, scale = UNIT_SCALE.get(unit.lower(), (unit.lower(), 1))
        found.append((base, float(number) * scale))
    return found


def spec_overlap(wanted: list[tuple[str, float]], stated: list[tuple[str, float]]) -> float:
    """The share of ``wanted`` indicators the instrument states in the same unit within a factor of two."""
    if not wanted:
        return 0.0
    by_unit: dict[str, list[float]] = {}
    for unit, value in stated:
        by_unit.setdefault(unit, []).append(value)
    met = 0
    for unit, value in wanted:
        for other in by_unit.get(unit, ()):
            if value == other or (value > 0 and other > 0 and abs(math.log(value / other)) <= math.log(2)):
                met += 1
                break
    return met / len(wanted)


def _query_terms(description: str, total: int) -> dict[int, float]:
    """``term id → idf × query frequency`` of the description's informative terms."""
    counts: dict[str, int] = {}
    for term, tf in text.analyze(description, short=True, keep_numbers=False):
        counts[term] = counts.get(term, 0) + tf
    found = _lookup_terms(counts)
    weights = {}
    for term, (term_id, df) in found.items():
        if total >= 20 and df > COMMON_SHARE * total:
            continue
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        weights[term_id] = idf * min(counts[term], 3)
    best = sorted(weights.items(), key=lambda item: -item[1])[:MAX_QUERY_TERMS]
    return dict(best)


def similar_instruments(
    description: str,
    *,
    category_code: str = "",
    specifications: str = "",
    province: str = "",
    limit: int = 20,
    exclude: tuple[int, ...] = (),
) -> list[Similar]:
    """The published instruments most able to meet the described need, best first (at most ``limit``).
    ``province`` (a six-digit region code) keeps the province's instruments only."""
    snap = documents.current()
    arrays = snap.arrays
    ids = arrays["ids"]
    live = ids > 0
    if province and len(province) == 6:
        live &= snap.vocab["region"].table([province[:2] + "0000"])[arrays["province"]]
    total = int(live.sum())
    scores = np.zeros(len(ids), dtype=np.float64)
    weights = _query_terms(" ".join([description, specifications]), max(total, 1))
    if weights:
        postings = read_postings(list(weights), set(snap.dirty))
        sorted_ids, sorted_slots = arrays["sorted_ids"], arrays["sorted_slots"]
        for term_id, (docs, doc_weights) in postings.items():
            if not len(docs) or not len(sorted_ids):
                continue
            at = np.minimum(np.searchsorted(sorted_ids, docs), len(sorted_ids) - 1)
            known = sorted_ids[at] == docs
            np.add.at(scores, sorted_slots[at[known]], weights[term_id] * doc_weights[known] / 1000.0)
        scores /= sum(weights.values())
    klass = np.zeros(len(ids), dtype=np.float64)
    if len(category_code) == 6 and category_code.isdigit():
        categories = snap.vocab["category"]
        klass[categories.table([category_code[:4] + "00"])[arrays["middle"]]] = 0.5
        klass[categories.table([category_code])[arrays["leaf"]]] = 1.0
    combined = np.where(live, TEXT_WEIGHT * scores + CLASS_WEIGHT * klass, 0.0)
    if exclude:
        combined[np.isin(ids, np.asarray(exclude, dtype=np.int64))] = 0.0
    candidates = np.flatnonzero(combined > 0)
    if len(candidates) > RESCORED:
        candidates = candidates[np.argpartition(-combined[candidates], RESCORED)[:RESCORED]]
    wanted = quantities(specifications)
    indicators = {}
    if wanted and len(candidates):
        indicators = dict(
            Instrument.objects.filter(pk__in=ids[candidates].tolist()).values_list(
                "pk", "technical_indicators"
            )
        )
    found = []
    for slot in candidates.tolist():
        pk = int(ids[slot])
        spec = spec_overlap(wanted, quantities(indicators.get(pk, ""))) if wanted else 0.0
        found.append(
            Similar(
                instrument_id=pk,
                score=round(float(combined[slot]) + SPEC_WEIGHT * spec, 4),
                text=round(float(scores[slot]), 4),
                klass=float(klass[slot]),
                spec=round(spec, 4),
            )
        )
    found.sort(key=lambda s: (-s.score, s.instrument_id))
    return found[:limit]
