"""Scoring matches and ordering them into the results a person scans.

A match's score has three parts, compared in this order:

1. **coverage** (relaxed queries only): how many of the query's clauses the record matches;
2. **kind tier**: whether the record *is* the kind of instrument the query names — its classification is one the
   query resolves to (class names, synonyms, abbreviations), and its name (or English name) is exactly that kind,
   a sub-kind of it (the kind is the name's head: 超速离心机 for 离心机), or only holds it;
3. **text score**: BM25F weights (field-length normalised, saturated once per record) × idf × the alternative's
   factor, summed over clauses.

Records whose scores differ by less than ``BUCKET_RATIO`` are equally relevant. Among them identical
instruments (same name and model at one unit) collapse into one hit, every unit's first hit comes before any
unit's second, and then ties go to records with free slots this week, near the user, open to society, operating,
and better rated (a Bayesian average, so unrated records are not starved).
"""

import math
from dataclasses import dataclass

import numpy as np

from . import query as q
from .cache import Snapshot
from .postings import read_postings
from .synonyms import class_key

RELAXED_COVERAGE = 10**17  # above any kind tier; int64 holds 8 clauses of it
KIND_TIER = 10**15  # above any text score
BUCKET_RATIO = 1.1  # text scores within 10 % of each other are equal
# Name levels: how the record's name relates to the kind the query names.
MENTION, HOLDS, SUB_KIND, EXACT = 0, 1, 2, 3
CLASS_MATCH = 2  # added to the name level when the record's classification is one the query names


@dataclass
class Scored:
    slots: np.ndarray  # the matching documents' slots, ascending
    scores: np.ndarray  # their full scores (coverage, tier, text)
    primary: np.ndarray  # what ranks them: coverage, tier and the text score's bucket
    kinds: frozenset[str]  # the classification codes the query named
    relaxed: bool


def score(clauses: list[q.Clause], vocab: dict, snap: Snapshot) -> Scored:
    """Slots and scores of the documents matching the clauses (all of them; some when none match all)."""
    arrays = snap.arrays
    ids = sorted({vocab[t][0] for clause in clauses for t in clause.terms})
    postings = {}
    for term, (docs, weights) in read_postings(ids, snap.dirty).items():
        slots, keep = _slot_index(arrays, docs)
        postings[term] = (slots, weights[keep])
    total_docs = max(1, len(arrays["live"]))
    idf = {t: round(100 * math.log(1 + (total_docs - df + 0.5) / (df + 0.5))) for t, (_, df) in vocab.items()}
    size = len(arrays["ids"])
    best, hit = [], []
    for clause in clauses:
        clause_best = np.zeros(size, dtype=np.int64)
        clause_hit = np.zeros(size, dtype=bool)
        for alternative in clause.alternatives:
            lists = [(postings[vocab[t][0]], alternative.factor * idf[t]) for t in alternative.terms]
            if len(lists) == 1:
                (slots, weights), multiplier = lists[0]
                clause_best[slots] = np.maximum(clause_best[slots], weights * multiplier)
                clause_hit[slots] = True
                continue
            count = np.zeros(size, dtype=np.int16)
            total = np.zeros(size, dtype=np.int64)
            for (slots, weights), multiplier in lists:
                count[slots] += 1
                total[slots] += weights * multiplier
            matched = np.flatnonzero(count == len(lists))
            # An alternative is one concept however many terms spell it: its terms' mean, not their sum.
            clause_best[matched] = np.maximum(clause_best[matched], total[matched] // len(lists))
            clause_hit[matched] = True
        best.append(clause_best)
        hit.append(clause_hit)
    required = [h for h, clause in zip(hit, clauses, strict=True) if not clause.optional]
    relaxed = False
    if required:
        matching = np.logical_and.reduce(required)
        if not matching.any() and len(required) > 1:
            relaxed, matching = True, np.logical_or.reduce(required)
    else:
        matching = np.logical_or.reduce(hit)
    slots = np.flatnonzero(matching)
    text_scores = np.sum([b[slots] for b in best], axis=0) if best else np.zeros(0, dtype=np.int64)
    kinds = query_kinds(clauses, snap)
    tiers = _tiers(clauses, kinds, slots, snap)
    coverage = np.sum([h[slots] for h in hit], axis=0) if relaxed else np.zeros(len(slots), dtype=np.int64)
    scores = RELAXED_COVERAGE * coverage + KIND_TIER * tiers + np.minimum(text_scores, KIND_TIER - 1)
    buckets = np.floor(np.log(np.maximum(text_scores, 1)) / math.log(BUCKET_RATIO)).astype(np.int64)
    primary = coverage * 10**6 + tiers * 10**4 + buckets
    return Scored(slots, scores, primary, kinds, relaxed)


def _slot_index(arrays, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the live documents among ``docs`` (instrument ids), and which of ``docs`` they are."""
    sorted_ids = arrays["sorted_ids"]
    if not len(sorted_ids) or not len(docs):
        return np.empty(0, dtype=np.int64), np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_ids, docs), len(sorted_ids) - 1)
    keep = sorted_ids[at] == docs
    return arrays["sorted_slots"][at[keep]], keep


def query_kinds(clauses: list[q.Clause], snap: Snapshot) -> frozenset[str]:
    """Classification codes the query names: the whole query, or any clause by any of its phrases."""
    synonyms = snap.synonyms
    found = set(synonyms.kinds_of("".join(c.surface for c in clauses)))
    for clause in clauses:
        for phrase in (clause.surface, *_phrases(clause)):
            found |= synonyms.kinds_of(phrase)
    return frozenset(found)


def _phrases(clause: q.Clause) -> list[str]:
    return [p for a in clause.alternatives for p in a.phrases]


def _tiers(clauses: list[q.Clause], kinds: frozenset[str], slots: np.ndarray, snap: Snapshot) -> np.ndarray:
    """Name level of each matching record (worked out once per distinct name), plus the class match."""
    arrays = snap.arrays
    tiers = np.zeros(len(slots), dtype=np.int64)
    head = next((c for c in reversed(clauses) if not c.optional), None)
    if head is not None:
        forms = {class_key(p) for p in (head.surface, *_phrases(head))} - {""}
        if len(clauses) > 1:  # the whole query may name the kind too: 场发射 扫描电镜
            forms.add(class_key("".join(c.surface for c in clauses)))
        for column in ("name", "name_en"):
            codes = arrays[column][slots]
            values = snap.vocab[column].values
            present = np.unique(codes)
            table = np.zeros(len(values) + 1, dtype=np.int64)
            for code in present.tolist():
                table[code] = name_level(values[code], forms)
            tiers = np.maximum(tiers, table[codes])
    if kinds:
        category = snap.vocab["category"]
        wanted = category.table(kinds)
        in_kind = (
            wanted[arrays["leaf"][slots]] | wanted[arrays["middle"][slots]] | wanted[arrays["top"][slots]]
        )
        tiers += CLASS_MATCH * in_kind
    return tiers


def name_level(name: str, forms: set[str]) -> int:
    """How a record's name relates to the kind the query names (its forms, as ``class_key`` gives them)."""
    key = class_key(name)
    if not key:
        return MENTION
    level = MENTION
    for form in forms:
        if key == form:
            return EXACT
        if key.endswith(form):
            level = max(level, SUB_KIND)
        elif form in key:
            level = max(level, HOLDS)
    return level


# -- ordering ---------------------------------------------------------------------------------------------------


@dataclass
class Ordered:
    slots: np.ndarray  # one representative slot per hit, in order
    copies: np.ndarray  # how many identical instruments each hit stands for


def order(
    candidates: np.ndarray, snap: Snapshot, primary: np.ndarray | None, sort: str, near: str = ""
) -> Ordered:
    """The hits among ``candidates`` (slots passing the filters) in the order shown.

    ``primary`` (aligned with ``candidates``) ranks by relevance when the sort is "relevance"; other sorts and
    browsing use the precomputed ranks. Identical instruments at one unit collapse; with relevance, units
    alternate among equally relevant hits.
    """
    arrays = snap.arrays
    if not len(candidates):
        return Ordered(candidates, np.zeros(0, dtype=np.int64))
    by_relevance = primary is not None and sort == "relevance"
    if sort == "relevance":
        keys = [
            arrays["rank_ties"][candidates],
            _distance(arrays, candidates, snap, near),
            ~arrays["free"][candidates],
        ]
        if by_relevance:
            keys.append(-primary)
    else:
        keys = [arrays[f"rank_{sort}"][candidates]]
    sequence = np.lexsort(keys)
    ranked = candidates[sequence]
    level = (-primary)[sequence] if by_relevance else np.zeros(len(ranked), dtype=np.int64)
    group = (
        arrays["unit"][ranked].astype(np.int64) << 42
        | arrays["name"][ranked].astype(np.int64) << 21
        | arrays["model"][ranked].astype(np.int64)
    )
    _, first, inverse, counts = np.unique(group, return_index=True, return_inverse=True, return_counts=True)
    keep = np.sort(first)
    slots, copies, level = ranked[keep], counts[inverse[keep]], level[keep]
    if by_relevance:
        # Variety before depth: a unit's n-th hit among equally relevant ones comes after every unit's (n-1)-th.
        units = arrays["unit"][slots]
        position = np.arange(len(slots))
        by_unit = np.lexsort((position, units, level))
        unit_sorted, level_sorted = units[by_unit], level[by_unit]
        starts = np.r_[True, (unit_sorted[1:] != unit_sorted[:-1]) | (level_sorted[1:] != level_sorted[:-1])]
        run_start = np.maximum.accumulate(np.where(starts, np.arange(len(slots)), 0))
        occurrence = np.empty(len(slots), dtype=np.int64)
        occurrence[by_unit] = np.arange(len(slots)) - run_start
        final = np.lexsort((position, occurrence, level))
        slots, copies = slots[final], copies[final]
    return Ordered(slots, copies)


def _distance(arrays, candidates: np.ndarray, snap: Snapshot, near: str) -> np.ndarray:
    """0 in the user's city, 1 in the user's province, 2 elsewhere (all 0 when the user's place is unknown)."""
    if not near or not near.isdigit() or len(near) != 6:
        return np.zeros(len(candidates), dtype=np.int64)
    regions = snap.vocab["region"]
    city = regions.table([near[:4] + "00"])[arrays["city"][candidates]]
    province = regions.table([near[:2] + "0000"])[arrays["province"][candidates]]
    return 2 - city.astype(np.int64) - province.astype(np.int64)
