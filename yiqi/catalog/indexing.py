"""Keeping the search index in step with the registry.

``reindex_instruments(ids)`` indexes the published ones among ``ids`` and removes the others; call it after
every change, on commit. ``rebuild_index()`` builds everything afresh (``manage.py rebuild_search_index``).
"""

import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.core.management.color import no_style
from django.db import connection, transaction

from yiqi.feedback.services import catalogue_quality  # users' ratings rank equal matches
from yiqi.registry.models import DOMESTIC_COUNTRY, Instrument, InstrumentCategory, RegistrationStatus

from . import text
from .models import IndexChange, PinyinKey, PostingBlock, SearchDocument, SearchPosting, SearchTerm, SpellKey
from .other_resources import rebuild_resource_index
from .postings import pack, pack_forward, unpack_forward

CHUNK = 2000
# BM25F: a term's field-weighted, length-normalised frequencies are added up first and saturated once, so a
# record that repeats a word across its functions, applications and indicators gains little over one that
# names it once; K1 is in field-weight units (a name hit alone is weight 10).
K1 = 8.0
WEIGHT_SCALE = 1000


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    avg_length: int  # typical length in characters, for BM25's length normalisation
    short: bool = False  # names: every CJK bigram too (partial matches)
    keep_numbers: bool = False  # model numbers
    b: float = 0.5


FIELDS = (
    Field("name", 10, 9, short=True),
    Field("name_en", 6, 35),
    Field("model_spec", 6, 10, keep_numbers=True),
    Field("category", 4, 20, short=True, b=0.2),
    Field("manufacturer", 3, 12, short=True),
    Field("main_functions", 2, 80, b=0.3),
    Field("application_fields", 2, 25, b=0.3),
    Field("unit", 2, 10, short=True),
    Field("sub_unit", 1.5, 10, short=True),
    Field("technical_indicators", 1, 150, b=0.3),
    Field("acronyms", 6, 30),  # derived from the English name: DLS for "Dynamic Light Scattering"
)

VALUES = (
    "id",
    "name",
    "name_en",
    "model_spec",
    "manufacturer",
    "main_functions",
    "technical_indicators",
    "application_fields",
    "category_id",
    "unit_id",
    "unit__name",
    "unit__kind",
    "unit__region_id",
    "sub_unit__name",
    "original_value",
    "offers_self_operation",
    "offers_commissioned_testing",
    "country_of_origin",
    "domestic_original",
    "domestic_core_parts",
    "sharing_mode",
    "operating_status",
    "published_at",
)


@lru_cache(maxsize=200_000)
def field_contributions(field: Field, value: str) -> tuple[tuple[str, float], ...]:
    """Each term's weighted, length-normalised frequency in one field value (BM25F, before saturation)."""
    if not value:
        return ()
    norm = 1 - field.b + field.b * min(len(value), 4 * field.avg_length) / field.avg_length
    return tuple(
        (term, field.weight * tf / norm) for term, tf in text.analyze(value, field.short, field.keep_numbers)
    )


def document_terms(values: dict) -> dict[str, int]:
    """``term → posting weight`` (saturated BM25F frequency × 1000) for one instrument."""
    frequencies: dict[str, float] = {}
    for field in FIELDS:
        for term, contribution in field_contributions(field, values.get(field.name) or ""):
            frequencies[term] = frequencies.get(term, 0.0) + contribution
    return {
        term: max(1, round(WEIGHT_SCALE * frequency / (frequency + K1)))
        for term, frequency in frequencies.items()
    }


class Categories:
    """The classification tree in memory: path names for the index."""

    def __init__(self, codes=None):
        queryset = InstrumentCategory.objects.all()
        if codes is not None:  # just these leaves and the nodes above them
            queryset = queryset.filter(code__in={f"{c[:k]:0<6}" for c in codes for k in (2, 4, 6)})
        self.nodes = {c: (n, p) for c, n, p in queryset.values_list("code", "name", "parent")}

    @lru_cache(maxsize=2000)  # noqa: B019 - one short-lived object per indexing run
    def path(self, code: str) -> str:
        names = []
        while code in self.nodes:
            name, parent = self.nodes[code]
            names.append(name)
            code = parent
        return " / ".join(reversed(names))


def _prepare(row: dict, categories: Categories) -> dict:
    row["unit"] = row.pop("unit__name") or ""
    row["sub_unit"] = row.pop("sub_unit__name") or ""
    row["category"] = categories.path(row["category_id"])
    row["acronyms"] = " ".join(text.acronyms(row["name_en"] or ""))
    return row


def _document(row: dict, terms: dict[int, int], dirty: bool, quality: int, free: int = 0) -> SearchDocument:
    return SearchDocument(
        quality=quality,
        free_minutes=free,
        terms=pack_forward(terms),
        dirty=dirty,
        id=row["id"],
        name=text.normalize(row["name"])[:100],
        name_en=text.normalize(row["name_en"])[:200],
        model=text.normalize(row["model_spec"]).strip()[:100],
        category=row["category_id"],
        region=row["unit__region_id"] or "",
        unit_id=row["unit_id"],
        unit_name=row["unit"][:100],
        unit_kind=row["unit__kind"],
        original_value=row["original_value"],
        offers_self_operation=row["offers_self_operation"],
        offers_commissioned_testing=row["offers_commissioned_testing"],
        made_in_china=row["country_of_origin"] == DOMESTIC_COUNTRY,
        domestic_original=row["domestic_original"],
        domestic_core_parts=row["domestic_core_parts"],
        sharing_mode=row["sharing_mode"],
        operating_status=row["operating_status"],
        published_at=row["published_at"],
    )


def _published(ids=None):
    queryset = Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.order_by("pk").values(*VALUES)


def _pinyin_rows(strings: Iterable[str]) -> set[tuple[str, str]]:
    rows = set()
    for string in strings:
        for span in text.pinyin_spans(string):
            for key in text.pinyin_keys(span):
                rows.add((key, span[:64]))
    return rows


def _spell_rows(terms: Iterable[str]) -> set[tuple[str, str]]:
    return {(key, term) for term in terms if text.spell_candidate(term) for key in text.spell_keys(term)}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# -- incremental ------------------------------------------------------------------------------------------------


def reindex_instruments(ids: Iterable[int]) -> None:
    """Bring the index up to date for these instruments: index the published ones, drop the others.

    A changed document's postings go to ``SearchPosting`` (the delta) and it is marked dirty, so that its
    entries in the packed blocks are ignored until the next full build.
    """
    ids = sorted({int(i) for i in ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        _reindex_chunk(ids[start : start + CHUNK])


@transaction.atomic
def _reindex_chunk(ids: list[int]) -> None:
    rows = list(_published(ids))
    categories = Categories({row["category_id"] for row in rows})
    rows = [_prepare(row, categories) for row in rows]
    texts = {row["id"]: document_terms(row) for row in rows}
    term_ids = _term_ids({term for terms in texts.values() for term in terms})
    new = {doc: {term_ids[t]: w for t, w in terms.items()} for doc, terms in texts.items()}
    old, old_names, free = {}, set(), {}
    for doc, terms, dirty, name, minutes in SearchDocument.objects.filter(id__in=ids).values_list(
        "id", "terms", "dirty", "name", "free_minutes"
    ):
        old[doc] = (unpack_forward(terms), dirty)
        old_names.add(name)
        free[doc] = minutes
    delta: dict[int, int] = {}
    rewrite, dirty = [], {}
    for doc in ids:
        before, was_dirty = old.get(doc, ({}, False))
        after = new.get(doc)
        if after is not None and doc in old and before == after:
            dirty[doc] = was_dirty  # same postings: blocks (or delta rows) still right
            continue
        for term in before.keys() - (after or {}).keys():
            delta[term] = delta.get(term, 0) - 1
        for term in (after or {}).keys() - before.keys():
            delta[term] = delta.get(term, 0) + 1
        rewrite.append(doc)
        dirty[doc] = True
    if rewrite:
        SearchPosting.objects.filter(doc__in=rewrite).delete()
        SearchPosting.objects.bulk_create(
            [
                SearchPosting(doc=doc, term=t, weight=w)
                for doc in rewrite
                for t, w in sorted(new.get(doc, {}).items())
            ],
            batch_size=CHUNK,
        )
    _change_document_frequencies(delta)
    SearchDocument.objects.filter(id__in=ids).delete()
    quality = catalogue_quality(new)
    SearchDocument.objects.bulk_create(
        [
            _document(row, new[row["id"]], dirty[row["id"]], quality[row["id"]], free.get(row["id"], 0))
            for row in rows
        ],
        batch_size=CHUNK,
    )
    new_names = {row["name"] for row in rows if text.normalize(row["name"])[:100] not in old_names}
    if new_names:
        PinyinKey.objects.bulk_create(
            [PinyinKey(key=k, text=t) for k, t in sorted(_pinyin_rows(new_names))],
            ignore_conflicts=True,
            batch_size=CHUNK,
        )
    IndexChange.objects.bulk_create([IndexChange(instrument_id=i) for i in ids])


def _change_document_frequencies(delta: dict[int, int]) -> None:
    by_change: dict[int, list[int]] = {}
    for term, change in delta.items():
        if change:
            by_change.setdefault(change, []).append(term)
    with connection.cursor() as cursor:
        for change, terms in sorted(by_change.items()):
            terms.sort()
            for start in range(0, len(terms), 500):
                part = terms[start : start + 500]
                cursor.execute(
                    f"UPDATE {_table(SearchTerm)} SET df = df + %s WHERE id IN ({', '.join(['%s'] * len(part))})",
                    [change, *part],
                )


def _term_ids(terms: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(terms)
    for start in range(0, len(ordered), 500):
        part = ordered[start : start + 500]
        found.update(SearchTerm.objects.filter(text__in=part).values_list("text", "id"))
    missing = [t for t in ordered if t not in found]
    if missing:
        SearchTerm.objects.bulk_create([SearchTerm(text=t, df=0) for t in missing], ignore_conflicts=True)
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            found.update(SearchTerm.objects.filter(text__in=part).values_list("text", "id"))
        SpellKey.objects.bulk_create(
            [SpellKey(key=k, term=t) for k, t in sorted(_spell_rows(missing))], ignore_conflicts=True
        )
    return found


# -- full build -------------------------------------------------------------------------------------------------


def rebuild_index(log=None) -> dict:
    """Index every published instrument afresh into packed blocks; returns counts and timings."""
    log = log or (lambda message: None)
    started = time.perf_counter()
    counts = {"documents": 0, "postings": 0}
    with transaction.atomic():
        free = dict(SearchDocument.objects.filter(free_minutes__gt=0).values_list("id", "free_minutes"))
        _empty_tables()
        categories = Categories()
        term_ids: dict[str, int] = {}
        lists: list[tuple[array, array]] = []  # per term id - 1: documents, weights
        names: set[str] = set()
        batch = []
        for row in _published().iterator(chunk_size=CHUNK):
            batch.append(_prepare(row, categories))
            if len(batch) >= CHUNK:
                counts["postings"] += _build_batch(batch, term_ids, lists, names, free)
                counts["documents"] += len(batch)
                log(f"  {counts['documents']} documents")
                batch = []
        if batch:
            counts["postings"] += _build_batch(batch, term_ids, lists, names, free)
            counts["documents"] += len(batch)
        _write_vocabulary(term_ids, lists)
        names |= {name for name, _ in categories.nodes.values()}
        PinyinKey.objects.bulk_create(
            [PinyinKey(key=k, text=t) for k, t in sorted(_pinyin_rows(names))], batch_size=CHUNK
        )
        SpellKey.objects.bulk_create(
            [SpellKey(key=k, term=t) for k, t in sorted(_spell_rows(term_ids))], batch_size=CHUNK
        )
        IndexChange.objects.create(instrument_id=IndexChange.RELOAD_ALL)
    counts["resources"] = rebuild_resource_index()
    _refresh_statistics()
    counts["terms"] = len(term_ids)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _build_batch(rows: list[dict], term_ids: dict[str, int], lists: list, names: set[str], free: dict) -> int:
    documents, count = [], 0
    quality = catalogue_quality(row["id"] for row in rows)
    for row in rows:  # ascending ids, so every block comes out sorted
        names.add(row["name"])
        terms = {}
        for term, weight in document_terms(row).items():
            term_id = term_ids.get(term)
            if term_id is None:
                term_id = term_ids[term] = len(term_ids) + 1
                lists.append((array("q"), array("h")))
            docs, weights = lists[term_id - 1]
            docs.append(row["id"])
            weights.append(weight)
            terms[term_id] = weight
        count += len(terms)
        documents.append(_document(row, terms, False, quality[row["id"]], free.get(row["id"], 0)))
    SearchDocument.objects.bulk_create(documents, batch_size=CHUNK)
    return count


def _write_vocabulary(term_ids: dict[str, int], lists: list) -> None:
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(id=term_id, text=term, df=len(lists[term_id - 1][0]))
            for term, term_id in term_ids.items()
        ],
        batch_size=CHUNK,
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [SearchTerm]):
            cursor.execute(statement)
    batch, size = [], 0
    for term_id, (docs, weights) in enumerate(lists, 1):
        batch.append(PostingBlock(term=term_id, docs=pack("q", docs), weights=pack("h", weights)))
        size += len(docs)
        if size >= 200_000 or len(batch) >= 500:
            PostingBlock.objects.bulk_create(batch)
            batch, size = [], 0
    PostingBlock.objects.bulk_create(batch)


def _refresh_statistics() -> None:
    """Planner statistics, and on PostgreSQL the visibility map too: without it the delta's postings are read
    from the table's pages instead of from the covering index alone."""
    from yiqi.core.maintenance import refresh_planner_statistics

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (SearchPosting, SearchDocument, SearchTerm, PinyinKey, SpellKey):
                cursor.execute(f"VACUUM ANALYZE {_table(model)}")
    else:
        refresh_planner_statistics()


def _empty_tables() -> None:
    # IndexChange keeps counting up (no RESTART IDENTITY): readers compare against the last id they saw.
    models = (PostingBlock, SearchPosting, SearchDocument, SearchTerm, PinyinKey, SpellKey, IndexChange)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(_table(m) for m in models)}")
        else:
            for model in models:
                cursor.execute(f"DELETE FROM {_table(model)}")


def current_postings() -> dict[str, dict[int, int]]:
    """Every live term's postings as searches see them (blocks of clean documents plus delta rows)."""
    from .postings import read_postings

    dirty = set(SearchDocument.objects.filter(dirty=True).values_list("id", flat=True))
    live = set(SearchDocument.objects.values_list("id", flat=True))
    texts = dict(SearchTerm.objects.values_list("id", "text"))
    out = {}
    for term, (docs, weights) in read_postings(sorted(texts), dirty).items():
        docs = {int(d): int(w) for d, w in zip(docs, weights, strict=True) if int(d) in live}
        if docs:
            out[texts[term]] = docs
    return out
