"""Search over published instruments: ``search(query, filters=..., sort=..., page=..., page_size=...)``.

Steps: sync the in-memory facet columns (one query), analyse the query (pinyin, vocabulary and spelling
look-ups: a few small indexed queries), read the postings of its terms (one query), score in Python with
integers (so SQLite and PostgreSQL rank identically), filter and count facets in memory, and load the page's
instruments. Bad input never raises: it gives ordinary, possibly empty, results.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from yiqi.registry.models import Instrument, RegistrationStatus

from . import query as q
from . import ranking, text
from .cache import Snapshot, documents
from .facets import FACETS, FILTERS, FacetValue, facet_values, filter_and_count
from .highlight import highlight
from .labels import FACET_TITLES
from .models import PinyinKey, SearchTerm, SpellKey

__all__ = ["FACETS", "FILTERS", "SORTS", "FacetValue", "Hit", "SearchResult", "Suggestion", "search"]

SORTS = ("relevance", "rating", "value", "newest")
MAX_INPUT = 2000
MAX_PAGE_SIZE = 100
MAX_FILTER_VALUES = 50
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
    "country_of_origin",
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


@dataclass
class Hit:
    id: int
    instrument: Instrument
    score: int
    highlights: dict[str, str]  # field → safe HTML with <mark>
    spans: dict[str, list[tuple[int, int]]]  # field → matched character ranges
    copies: int = 1  # identical instruments (same name and model) at the unit that this hit stands for


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
    total: int  # hits (identical instruments at one unit count once)
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
    instruments: int = 0  # instruments behind the hits
    kinds: list[str] = field(default_factory=list)  # classification codes the query names

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def search(
    query: str = "",
    *,
    filters: dict | None = None,
    sort: str = "relevance",
    page=1,
    page_size=20,
    near: str = "",
) -> SearchResult:
    """``near``: the user's region code (county, city or province), when known: nearer records win ties."""
    started = time.perf_counter()
    raw = query if isinstance(query, str) else ""
    raw = raw[:MAX_INPUT]
    sort = sort if sort in SORTS else "relevance"
    page = _bounded_int(page, 1, 1, 10_000)
    page_size = _bounded_int(page_size, 20, 1, MAX_PAGE_SIZE)
    wanted = normalize_filters(filters)
    near = near if isinstance(near, str) and near.isdigit() and len(near) == 6 else ""
    # No lock while searching: the snapshot is this index version's columns, which nothing changes.
    result = _search(documents.current(), raw, wanted, sort, page, page_size, near)
    result.hits = _load_hits(result, page, page_size)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def warm() -> None:
    """Load what a process's first search would (``core.warmup``): the jieba dictionary, and this index version's
    columns with the synonym table."""
    text.tokenizer()
    documents.current()


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
    scored: ranking.Scored
    clauses: list[q.Clause]
    ignored: list[str]
    corrections: dict[str, str]


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


def _match(units: list[q.Unit], snap: Snapshot) -> _Match:
    synonyms = snap.synonyms
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
        scored = ranking.score(clauses, vocab, snap)
    else:
        empty = np.empty(0, dtype=np.int64)
        scored = ranking.Scored(empty, empty, empty, frozenset(), False)
    return _Match(scored, clauses, ignored, used)


MATCH_CACHE_SIZE = 32  # recent queries' matches per process, dropped at the index's next change
MATCH_CACHE_MAX_DOCS = 50_000


def _cached_match(units: list[q.Unit], snap: Snapshot) -> _Match:
    """A user who refines a query by facets repeats it with new filters: match it once per index version."""
    key = ("match", tuple((u.text, u.kind) for u in units))
    cache = snap.derived
    match = cache.pop(key, None)  # popped and put back: the most recently used come last
    if match is None:
        match = _match(units, snap)
        if len(match.scored.slots) > MATCH_CACHE_MAX_DOCS:
            return match
    cache[key] = match
    matches = [k for k in list(cache) if k[0] == "match"]
    for old in matches[: max(0, len(matches) - MATCH_CACHE_SIZE)]:
        cache.pop(old, None)
    return match


# -- putting it together ----------------------------------------------------------------------------------------


def _search(
    snap: Snapshot, raw: str, wanted: dict[str, list[str]], sort: str, page: int, page_size: int, near: str
) -> SearchResult:
    result = SearchResult(
        query=raw, total=0, hits=[], facets={}, filters=wanted, sort=sort, page=page, page_size=page_size
    )
    units = q.units_of(raw)
    match = _cached_match(units, snap) if units else None
    arrays = snap.arrays
    if match is None:
        slots, primary, scores = arrays["live"], None, None
        key = ("browse", tuple((k, tuple(v)) for k, v in sorted(wanted.items())))
        if key not in snap.derived:
            if len(snap.derived) > 256:
                for old in [k for k in list(snap.derived) if k[0] in ("browse", "order")]:
                    snap.derived.pop(old, None)
            snap.derived[key] = filter_and_count(snap, slots, wanted)
        mask, counts, without = snap.derived[key]
    else:
        scored = match.scored
        result.ignored, result.corrections, result.relaxed = match.ignored, match.corrections, scored.relaxed
        result.query_terms = _query_terms(match.clauses)
        result.kinds = sorted(scored.kinds)
        slots, primary, scores = scored.slots, scored.primary, scored.scores
        mask, counts, without = filter_and_count(snap, slots, wanted)
    result.facets = facet_values(snap, counts, wanted)
    passing = slots[mask]
    result.instruments = len(passing)
    if match is None:
        key = ("order", tuple((k, tuple(v)) for k, v in sorted(wanted.items())), sort, near)
        ordered = snap.derived.get(key)
        if ordered is None:
            ordered = snap.derived[key] = ranking.order(passing, snap, None, sort, near)
    else:
        ordered = ranking.order(passing, snap, primary[mask], sort, near)
    result.total = len(ordered.slots)
    end = page * page_size
    chosen, copies = ordered.slots[end - page_size : end], ordered.copies[end - page_size : end]
    chosen_scores = scores[np.searchsorted(slots, chosen)] if scores is not None else chosen * 0
    ids = arrays["ids"][chosen]
    result._page = list(zip(ids.tolist(), chosen_scores.tolist(), copies.tolist(), strict=True))
    result._highlight = _highlight_strings(match.clauses) if match else []
    result.suggestions = _suggestions(snap, raw, result, match, wanted, without)
    return result


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


def _suggestions(snap, raw, result, match, wanted, without) -> list[Suggestion]:
    out = []
    if match and match.corrections:
        corrected = text.normalize(raw)
        for typed, fixed in match.corrections.items():
            corrected = corrected.replace(typed, fixed)
        out.append(Suggestion("spelling", _("已按“%(query)s”检索") % {"query": corrected}, corrected, wanted))
    if match and match.scored.relaxed and result.total:
        out.append(Suggestion("relaxed", _("没有同时包含全部词语的仪器，以下为部分匹配的结果"), raw, wanted))
    if result.total == 0 and wanted:
        if match is None or len(match.scored.slots):
            total = len(match.scored.slots) if match else len(snap.arrays["live"])
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
        .in_bulk([row[0] for row in page_rows])
    )
    strings = getattr(result, "_highlight", [])
    hits = []
    for doc, score, copies in page_rows:
        instrument = instruments.get(doc)
        if instrument is None or instrument.registration_status != RegistrationStatus.PUBLISHED:
            continue  # changed since it was indexed: never show an unpublished record
        marked, spans = {}, {}
        for name in ("name", "name_en", "model_spec", "main_functions"):
            marked[name], spans[name] = highlight(getattr(instrument, name), strings)
        hits.append(Hit(doc, instrument, score, marked, spans, copies))
    return hits
