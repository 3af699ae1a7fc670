"""Search over published instruments: ``search(query, filters=..., sort=..., page=..., page_size=...)``.

Steps: sync the in-memory facet columns (one query), analyse the query (pinyin, vocabulary and spelling
look-ups: a few small indexed queries), read the postings of its terms (one query), score in Python with
integers (so SQLite and PostgreSQL rank identically), filter and count facets in memory, and load the page's
instruments. Bad input never raises: it gives ordinary, possibly empty, results.
"""

import math
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from yiqi.registry.models import Instrument, RegistrationStatus

from . import query as q
from . import text
from .cache import COLUMN_VOCAB, SERVICE_MODES, VALUE_BANDS, Vocabulary, documents
from .highlight import highlight
from .labels import FACET_TITLES
from .models import PinyinKey, SearchTerm, SpellKey
from .postings import read_postings

SORTS = ("relevance", "value", "newest")
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
)
FILTERS = (*FACETS, "category", "region")
MAX_INPUT = 2000
MAX_PAGE_SIZE = 100
MAX_FILTER_VALUES = 50
NAME_BONUS = 30  # percent of a clause's score when the name holds one of its phrases
EXACT_NAME_BONUS = 50  # percent of the score when the name is exactly the query
RELAXED_COVERAGE = 10**17  # above any score; int64 holds 8 clauses of it
# What a result list shows of each hit (loading whole records takes twice as long). Reading any other field of
# ``hit.instrument`` costs one query per record: add it here instead.
HIT_FIELDS = (
    "kind",
    "name",
    "name_en",
    "model_spec",
    "manufacturer",
    "main_functions",
    "application_fields",
    "original_value",
    "sharing_mode",
    "operating_status",
    "registration_status",
    "offers_self_operation",
    "offers_commissioned_testing",
    "acceptance_date",
    "published_at",
    "updated_at",
    "unit__name",
    "unit__short_name",
    "unit__kind",
    "unit__region",
    "category__name",
    "category__parent",
)


class FacetValue(NamedTuple):
    value: str
    label: str
    count: int


@dataclass
class Hit:
    id: int
    instrument: Instrument
    score: int
    highlights: dict[str, str]  # field → safe HTML with <mark>
    spans: dict[str, list[tuple[int, int]]]  # field → matched character ranges


@dataclass
class Suggestion:
    kind: str  # "spelling", "drop_filters", "drop_filter", "drop_words", "relaxed"
    label: str
    query: str
    filters: dict[str, list[str]]
    total: int | None = None


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestions: list[Suggestion] = field(default_factory=list)
    query_terms: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # words that matched nothing and were left out
    corrections: dict[str, str] = field(default_factory=dict)  # typed → corrected
    relaxed: bool = False  # no record matched every word; these match some
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    elapsed_ms: float = 0.0

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def search(
    query: str = "", *, filters: dict | None = None, sort: str = "relevance", page=1, page_size=20
) -> SearchResult:
    started = time.perf_counter()
    raw = query if isinstance(query, str) else ""
    raw = raw[:MAX_INPUT]
    sort = sort if sort in SORTS else "relevance"
    page = _bounded_int(page, 1, 1, 10_000)
    page_size = _bounded_int(page_size, 20, 1, MAX_PAGE_SIZE)
    wanted = normalize_filters(filters)
    documents.sync()
    with documents.lock:
        result = _search(raw, wanted, sort, page, page_size)
    result.hits = _load_hits(result, page, page_size)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _bounded_int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return min(high, max(low, number))


def normalize_filters(filters) -> dict[str, list[str]]:
    """Known keys only; each value a list of short strings (a single value may be given bare)."""
    out: dict[str, list[str]] = {}
    if not isinstance(filters, dict):
        return out
    for key in FILTERS:
        value = filters.get(key)
        if value is None or value == "" or value == []:
            continue
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        cleaned = sorted({str(v).strip()[:50] for v in values if v is not None and str(v).strip()})
        if cleaned:
            out[key] = cleaned[:MAX_FILTER_VALUES]
    return out


# -- matching and scoring ---------------------------------------------------------------------------------------


@dataclass
class _Match:
    slots: np.ndarray  # the matching documents' slots
    scores: np.ndarray  # and their scores
    clauses: list[q.Clause]
    ignored: list[str]
    corrections: dict[str, str]
    relaxed: bool


def _lookup_terms(strings) -> dict[str, tuple[int, int]]:
    """``text → (id, df)`` of the strings that are indexed terms with documents."""
    found: dict[str, tuple[int, int]] = {}
    ordered = sorted(s for s in strings if s and len(s) <= text.MAX_TERM_LENGTH)
    for start in range(0, len(ordered), 500):
        part = ordered[start : start + 500]
        sql = f"SELECT id, text, df FROM {{}} WHERE df > 0 AND text IN ({_marks(part)})"
        for i, t, df in _rows(sql, SearchTerm, part):
            found[t] = (i, df)
    return found


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, model, params) -> list[tuple]:
    """A small parameterised read, without the ORM's per-query overhead (it adds up on every search)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(connection.ops.quote_name(model._meta.db_table)), params)
        return cursor.fetchall()


def _pinyin(units, synonyms) -> dict[str, list[str]]:
    keys = sorted(q.pinyin_lookup_keys(units))
    if not keys:
        return {}
    found: dict[str, list[str]] = {}
    sql = f"SELECT key, text FROM {{}} WHERE key IN ({_marks(keys)}) ORDER BY key, text"
    for key, chinese in _rows(sql, PinyinKey, keys):
        found.setdefault(key, []).append(chinese)
    for key in keys:
        for chinese in synonyms.pinyin.get(key, ()):
            if chinese not in found.setdefault(key, []):
                found[key].append(chinese)
    # Short words first: "zp" style keys stand for many spans; keep the likeliest few.
    return {k: sorted(v, key=lambda c: (len(c), c))[:6] for k, v in found.items() if v}


def _fragment_strings(fragments, synonyms) -> set[str]:
    strings = set()
    for fragment in fragments:
        strings |= q.fragment_terms(fragment)
        for form in synonyms.forms(text.synonym_key(fragment)) or ():
            strings |= q.fragment_terms(form)
    return strings


def _corrections(words: list[str], synonyms, vocab) -> dict[str, list[str]]:
    keys = sorted({k for w in words for k in text.spell_keys(w)})
    candidates: dict[str, set[str]] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        for (term,) in _rows(f"SELECT term FROM {{}} WHERE key IN ({_marks(part)})", SpellKey, part):
            for word in words:
                if term != word and text.within_one_edit(word, term):
                    candidates.setdefault(word, set()).add(term)
    if not candidates:
        return {}
    vocab.update(_lookup_terms(_fragment_strings({t for c in candidates.values() for t in c}, synonyms)))
    return {
        word: sorted((t for t in terms if t in vocab), key=lambda t: (-vocab[t][1], t))[:2]
        for word, terms in candidates.items()
    }


def _match(units: list[q.Unit]) -> _Match:
    synonyms = documents.get_synonyms()
    pinyin = _pinyin(units, synonyms)
    strings = q.candidate_strings(units, synonyms)[0]
    strings |= _fragment_strings({c for chinese in pinyin.values() for c in chinese}, synonyms)
    vocab = _lookup_terms(strings)
    # Readings of a pinyin that are words of the index win over those that are not (gpy: 光谱仪, not 光频域),
    # the word found in most records first.
    for key, texts in pinyin.items():
        words = [c for c in texts if c in vocab]
        pinyin[key] = sorted(words or texts, key=lambda c: (-vocab.get(c, (0, 0))[1], len(c), c))
    needing = sorted({u.text for u in units if q.needs_correction(u, vocab, pinyin, synonyms)})
    corrections = _corrections(needing, synonyms, vocab) if needing else {}
    clauses, ignored = q.build_clauses(units, vocab, synonyms, pinyin, corrections)
    used = {}
    for clause in clauses:
        for alternative in clause.alternatives:
            if alternative.correction:
                used[clause.surface] = alternative.correction
                break
    if clauses:
        slots, scores, relaxed = _score(clauses, vocab)
    else:
        slots, scores, relaxed = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), False
    return _Match(slots, scores, clauses, ignored, used, relaxed)


MATCH_CACHE_SIZE = 32  # recent queries' matches per process, dropped at the index's next change
MATCH_CACHE_MAX_DOCS = 50_000


def _cached_match(units: list[q.Unit]) -> _Match:
    """A user who refines a query by facets repeats it with new filters: match it once per index version."""
    key = ("match", tuple((u.text, u.kind) for u in units))
    cache = documents.derived
    match = cache.pop(key, None)  # popped and put back: the most recently used come last
    if match is None:
        match = _match(units)
        if len(match.scores) > MATCH_CACHE_MAX_DOCS:
            return match
    cache[key] = match
    matches = [k for k in cache if k[0] == "match"]
    for old in matches[: max(0, len(matches) - MATCH_CACHE_SIZE)]:
        del cache[old]
    return match


def _postings(term_ids: list[int]) -> dict[int, dict[int, int]]:
    return read_postings(term_ids, documents.dirty)


def _score(clauses: list[q.Clause], vocab) -> tuple[np.ndarray, np.ndarray, bool]:
    """Slots and scores of the matching documents; relaxed when no document matches every clause.

    Works on dense arrays over all slots: a clause keeps, per document, the best score of its alternatives
    (factor × mean of weight × idf over the alternative's terms, all of which the document must hold).
    """
    d = documents
    ids = sorted({vocab[t][0] for clause in clauses for t in clause.terms})
    postings = {}
    for term, (docs, weights) in _postings(ids).items():
        slots, keep = d.slot_index(docs)
        postings[term] = (slots, weights[keep])
    total_docs = max(1, len(d.slot))
    idf = {t: round(100 * math.log(1 + (total_docs - df + 0.5) / (df + 0.5))) for t, (_, df) in vocab.items()}
    size = len(d.ids)
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
    # Name bonuses, worked out once per distinct name among the matches.
    name_codes = d.arrays()["name"][slots]
    names = d.vocab["name"].values
    present = np.unique(name_codes)
    whole = set()
    if len(clauses) == 1:
        whole = {"".join(clauses[0].surface.split())} | {
            p for a in clauses[0].alternatives for p in a.phrases
        }
    table_size = len(names) + 1
    scores = np.zeros(len(slots), dtype=np.int64)
    for clause, clause_best in zip(clauses, best, strict=True):
        phrases = tuple(p for a in clause.alternatives for p in a.phrases if len(p) >= 2)
        holds = np.zeros(table_size, dtype=np.int64)
        holds[[c for c in present if any(p in names[c] for p in phrases)]] = 1
        scores += clause_best[slots] * (100 + NAME_BONUS * holds[name_codes])
    exact = np.zeros(table_size, dtype=np.int64)
    exact[[c for c in present if whole and names[c].replace(" ", "") in whole]] = 1
    scores *= 100 + EXACT_NAME_BONUS * exact[name_codes]
    if relaxed:
        scores += RELAXED_COVERAGE * np.sum([h[slots] for h in hit], axis=0)
    return slots, scores, relaxed


# -- filters and facets -----------------------------------------------------------------------------------------


# Facet → the column holding its codes (vocabularies in ``documents.vocab``).
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


def _vocabulary(column: str) -> Vocabulary:
    return documents.vocab[COLUMN_VOCAB[column]]


def _mask(arrays, slots: np.ndarray, key: str, values: list[str]) -> np.ndarray:
    """Which of ``slots`` pass the filter ``key`` (values OR-ed)."""
    if key == "unit":
        values = [int(v) for v in values if v.isdigit()]
    if key in FACET_COLUMN:
        column = FACET_COLUMN[key]
        return _vocabulary(column).table(values)[arrays[column][slots]]
    if key == "service_mode":
        mask = np.zeros(len(slots), dtype=bool)
        if "self_operation" in values:
            mask |= arrays["self_operation"][slots]
        if "commissioned_testing" in values:
            mask |= arrays["commissioned"][slots]
        return mask
    columns = {"category": ("leaf", "middle", "top"), "region": ("region", "city", "province")}[key]
    table = _vocabulary(columns[0]).table(values)
    return np.logical_or.reduce([table[arrays[c][slots]] for c in columns])


def _counts(arrays, facet: str, slots: np.ndarray) -> dict:
    if facet == "service_mode":
        return {
            "self_operation": int(np.count_nonzero(arrays["self_operation"][slots])),
            "commissioned_testing": int(np.count_nonzero(arrays["commissioned"][slots])),
        }
    column = FACET_COLUMN[facet]
    values = _vocabulary(column).values
    counted = np.bincount(arrays[column][slots], minlength=len(values))
    return {values[code]: int(counted[code]) for code in np.flatnonzero(counted)}


def _ordered(facet: str, counts: dict) -> list[tuple[str, int]]:
    if facet == "service_mode":
        return [(k, counts[k]) for k, _ in SERVICE_MODES if counts.get(k)]
    if facet == "value_band":
        return [(k, counts[k]) for k, _, _ in VALUE_BANDS if counts.get(k)]
    if facet in ("sharing_mode", "operating_status"):
        order = Instrument.SharingMode if facet == "sharing_mode" else Instrument.OperatingStatus
        return [(k, counts[k]) for k in order.values if counts.get(k)]
    if facet in ("top_class", "middle_class"):
        return sorted(((str(k), n) for k, n in counts.items() if n), key=lambda kn: kn[0])
    return sorted(((str(k), n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))


def _filter_and_count(slots: np.ndarray, wanted: dict[str, list[str]]):
    """Which slots pass every filter (a mask), the facet counts (each facet ignoring its own filter), and
    for each filter the number of results without it."""
    arrays = documents.arrays()
    masks = {key: _mask(arrays, slots, key, values) for key, values in wanted.items()}
    everything = np.logical_and.reduce(list(masks.values())) if masks else np.ones(len(slots), dtype=bool)
    without: dict[str, int] = {}
    bases: dict[str, np.ndarray] = {}
    for key in wanted:
        others = [m for k, m in masks.items() if k != key]
        bases[key] = np.logical_and.reduce(others) if others else np.ones(len(slots), dtype=bool)
        without[key] = int(np.count_nonzero(bases[key]))
    passing = slots[everything]
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts = _counts(arrays, facet, slots[bases[facet]] if facet in bases else passing)
        counted = _ordered(facet, counts)
        seen = {value for value, _ in counted}
        selected = [v for v in wanted.get(facet, ()) if v not in seen and documents.label(facet, v) != v]
        facets[facet] = [FacetValue(v, documents.label(facet, v), n) for v, n in counted] + [
            FacetValue(v, documents.label(facet, v), 0) for v in selected
        ]
    return everything, facets, without


# -- putting it together ----------------------------------------------------------------------------------------


def _search(raw: str, wanted: dict[str, list[str]], sort: str, page: int, page_size: int) -> SearchResult:
    d = documents
    result = SearchResult(
        query=raw, total=0, hits=[], facets={}, filters=wanted, sort=sort, page=page, page_size=page_size
    )
    units = q.units_of(raw)
    match = _cached_match(units) if units else None
    arrays = d.arrays()
    if match is None:
        slots, scores = arrays["live"], None
        cache_key = ("browse", tuple((k, tuple(v)) for k, v in sorted(wanted.items())))
        if cache_key not in d.derived:
            if len(d.derived) > 256:
                d.derived = {k: v for k, v in d.derived.items() if k[0] not in ("browse", "match")}
            d.derived[cache_key] = _filter_and_count(slots, wanted)
        mask, result.facets, without = d.derived[cache_key]
    else:
        result.ignored, result.corrections, result.relaxed = match.ignored, match.corrections, match.relaxed
        result.query_terms = _query_terms(match.clauses)
        slots, scores = match.slots, match.scores
        mask, result.facets, without = _filter_and_count(slots, wanted)
    passing = slots[mask]
    result.total = len(passing)
    end = page * page_size
    if scores is None and not wanted:
        chosen = arrays[f"order_{sort}"][end - page_size : end]
    elif scores is None or sort != "relevance":
        chosen = _first(passing, arrays[f"rank_{sort}"][passing], None, end)[end - page_size :]
    else:
        chosen = _first(passing, arrays["rank_relevance"][passing], scores[mask], end)[end - page_size :]
    chosen_scores = match.scores[np.searchsorted(match.slots, chosen)] if match is not None else chosen * 0
    result._page = [(d.ids[s], sc) for s, sc in zip(chosen.tolist(), chosen_scores.tolist(), strict=True)]
    result._highlight = _highlight_strings(match.clauses) if match else []
    result.suggestions = _suggestions(raw, result, match, wanted, without)
    return result


def _first(slots: np.ndarray, ranks: np.ndarray, scores: np.ndarray | None, count: int) -> np.ndarray:
    """The ``count`` first slots by score (highest first, when given), then rank."""
    if scores is not None and len(slots) > count:
        # Only candidates scoring at least the count-th best score can be among the first.
        cutoff = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= cutoff
        slots, ranks, scores = slots[keep], ranks[keep], scores[keep]
    order = np.lexsort((ranks,) if scores is None else (ranks, -scores))
    return slots[order[:count]]


def _query_terms(clauses: list[q.Clause]) -> list[str]:
    out: list[str] = []
    for clause in clauses:
        for alternative in clause.alternatives:
            for phrase in alternative.phrases:
                if phrase not in out:
                    out.append(phrase)
    return out


def _highlight_strings(clauses: list[q.Clause]) -> list[str]:
    strings = set()
    for clause in clauses:
        for token in clause.surface.split():
            if len(token) >= 2:
                strings.add(token)
        for alternative in clause.alternatives:
            strings |= {s for s in (*alternative.terms, *alternative.phrases) if len(s) >= 2}
    return sorted(strings, key=lambda s: (-len(s), s))


def _suggestions(raw, result, match, wanted, without) -> list[Suggestion]:
    out = []
    if match and match.corrections:
        corrected = text.normalize(raw)
        for typed, fixed in match.corrections.items():
            corrected = corrected.replace(typed, fixed)
        out.append(Suggestion("spelling", _("已按“%(query)s”检索") % {"query": corrected}, corrected, wanted))
    if match and match.relaxed and result.total:
        out.append(Suggestion("relaxed", _("没有同时包含全部词语的仪器，以下为部分匹配的结果"), raw, wanted))
    if result.total == 0 and wanted:
        if match is None or len(match.slots):
            total = len(match.slots) if match else len(documents.slot)
            if total:
                out.append(
                    Suggestion(
                        "drop_filters",
                        _("去掉筛选条件后有 %(count)d 台仪器") % {"count": total},
                        raw,
                        {},
                        total,
                    )
                )
        for key, count in sorted(without.items(), key=lambda kv: (-kv[1], kv[0])):
            if count and len(wanted) > 1:
                rest = {k: v for k, v in wanted.items() if k != key}
                label = _("去掉“%(facet)s”筛选后有 %(count)d 台仪器") % {
                    "facet": FACET_TITLES.get(key, key),
                    "count": count,
                }
                out.append(Suggestion("drop_filter", label, raw, rest, count))
                break
    if match and match.ignored:
        kept = " ".join(c.surface for c in match.clauses)
        label = _("未找到“%(words)s”，已忽略") % {"words": "、".join(match.ignored)}
        out.append(Suggestion("drop_words", label, kept, wanted))
    return out


def _load_hits(result: SearchResult, page: int, page_size: int) -> list[Hit]:
    page_rows = getattr(result, "_page", [])
    if not page_rows:
        return []
    instruments = (
        Instrument.objects.select_related("unit", "category")
        .only(*HIT_FIELDS)
        .in_bulk([doc for doc, _ in page_rows])
    )
    strings = getattr(result, "_highlight", [])
    hits = []
    for doc, score in page_rows:
        instrument = instruments.get(doc)
        if instrument is None or instrument.registration_status != RegistrationStatus.PUBLISHED:
            continue  # changed since it was indexed: never show an unpublished record
        marked, spans = {}, {}
        for name in ("name", "name_en", "model_spec", "main_functions"):
            marked[name], spans[name] = highlight(getattr(instrument, name), strings)
        hits.append(Hit(doc, instrument, score, marked, spans))
    return hits
