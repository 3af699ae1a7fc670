"""Our catalogue search side by side with Tantivy (PyPI ``tantivy``) on the same documents.

    python bench/search_tantivy.py            # the 16,000-instrument province (SQLite)
    python bench/search_tantivy.py --full     # 110,000 instruments
    python bench/search_tantivy.py --url sqlite:////tmp/other.sqlite3   # any prepared, indexed database

Tantivy indexes every published instrument with the very terms our analysis gives each field (jieba words,
bigrams of names, Latin forms, acronyms; ``indexing.FIELDS``), one Tantivy field per field with our field
weights as query boosts, and the same query terms: our clauses (words, synonyms, pinyin readings, corrections),
each clause a SHOULD over its terms in every field, the clauses MUST. Tantivy ranks by BM25.

Printed for both engines: relevance on the test set (``catalog/data/relevance_cases.txt``: success@10,
precision@10, MRR, by query kind) and latency p50/p95 of each test query with two facet filters and counts.
Tantivy's Python binding has no facet collector: its counts are one count query per value of the two filtered
facets; ours are all ten facets' counts.
"""

import argparse
import json
import sys
import time

from common import ROOT, prepare, run_child, summarise

FILTERS = [("sharing_mode", "external"), ("top_class", None)]  # None: the query's most common top class


def measure() -> None:
    from common import setup_django

    setup_django()
    import tantivy
    from django.db import connection

    from yiqi.catalog import query as q
    from yiqi.catalog import text
    from yiqi.catalog.cache import documents
    from yiqi.catalog.indexing import FIELDS, Categories, _prepare, _published
    from yiqi.catalog.relevance import CASES, evaluate
    from yiqi.catalog.search import _cached_match, search

    # -- the same documents in Tantivy ---------------------------------------------------------------------------
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, fast=True, indexed=True)
    for facet in ("sharing_mode", "top_class"):
        builder.add_text_field(facet, tokenizer_name="raw", stored=False)
    for field in FIELDS:
        builder.add_text_field(field.name, tokenizer_name="whitespace", stored=False)
    schema = builder.build()
    index = tantivy.Index(schema)  # in memory: the on-disk writer fails in this sandbox's temporary directory
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    categories = Categories()
    known: dict[int, tuple[str, str]] = {}
    for row in _published().iterator(chunk_size=2000):
        row = _prepare(row, categories)
        known[row["id"]] = (row["category_id"], row["name"])
        document = tantivy.Document()
        document.add_unsigned("id", row["id"])
        document.add_text("sharing_mode", row["sharing_mode"])
        document.add_text("top_class", row["category_id"][:2])
        for field in FIELDS:
            terms = text.analyze(row.get(field.name) or "", field.short, field.keep_numbers)
            document.add_text(field.name, " ".join(" ".join([term] * count) for term, count in terms))
        writer.add_document(document)
    writer.commit()
    index.reload()
    searcher = index.searcher()
    build_s = time.perf_counter() - started

    def tantivy_query(raw: str, filters=()):
        units = q.units_of(raw)
        clauses = _cached_match(units, documents.current()).clauses if units else []
        must = []
        for clause in clauses:
            should = []
            for term in sorted(clause.terms):
                for field in FIELDS:
                    term_query = tantivy.Query.term_query(schema, field.name, term)
                    should.append((tantivy.Occur.Should, tantivy.Query.boost_query(term_query, field.weight)))
            must.append((tantivy.Occur.Must, tantivy.Query.boolean_query(should)))
        for key, value in filters:
            must.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, key, value)))
        return tantivy.Query.boolean_query(must) if must else tantivy.Query.all_query()

    def tantivy_hits(raw: str, k: int) -> list[tuple[str, str]]:
        hits = searcher.search(tantivy_query(raw), k).hits
        return [known[searcher.doc(address)["id"][0]] for _, address in hits]

    def tantivy_faceted(raw: str, filters) -> int:
        result = searcher.search(tantivy_query(raw, filters), 20, count=True)
        for key, values in (("sharing_mode", ("external", "internal", "not_shared")), ("top_class", TOPS)):
            for value in values:  # the counts of the two filtered facets, each without its own filter
                others = [f for f in filters if f[0] != key] + [(key, value)]
                searcher.search(tantivy_query(raw, others), 1, count=True)
        return result.count

    TOPS = sorted({code[:2] for code, _ in known.values()})
    ours = evaluate()
    theirs = evaluate(run=tantivy_hits)

    # -- latency with two facet filters and counts -----------------------------------------------------------------
    latency = {"ours": [], "tantivy": []}
    for case in CASES:
        top = search(case.query, page_size=1).facets["top_class"]
        top_code = max(top, key=lambda v: v.count).value if top else "010000"
        ours_filters = {"sharing_mode": "external", "top_class": top_code}
        for _ in range(3):
            began = time.perf_counter()
            search(case.query, filters=ours_filters)
            latency["ours"].append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            tantivy_faceted(case.query, [("sharing_mode", "external"), ("top_class", top_code[:2])])
            latency["tantivy"].append((time.perf_counter() - began) * 1000)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "documents": len(known),
                "tantivy_build_s": build_s,
                "relevance": {"ours": _summary(ours), "tantivy": _summary(theirs)},
                "latency": {engine: summarise(values) for engine, values in latency.items()},
            }
        )
    )


def _summary(report: dict) -> dict:
    keys = ("queries", "success", "precision", "rr")
    return {
        "overall": {k: report[k] for k in keys},
        "by_kind": {kind: {k: numbers[k] for k in keys} for kind, numbers in report["by_kind"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="110,000 instruments instead of 16,000")
    parser.add_argument("--url", help="an already prepared and indexed database (DATABASE_URL form)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure()
    instruments = 110_000 if args.full else 16_000
    url = args.url or prepare("sqlite", instruments)
    report = json.loads(run_child(str(ROOT / "bench" / "search_tantivy.py"), url, "--child"))
    print(f"{report['documents']} published instruments ({report['vendor']}); Tantivy index built in "
          f"{report['tantivy_build_s']:.1f} s")  # fmt: skip
    print(f"{'':14} {'ours: success  precision  MRR':32} tantivy: success  precision  MRR")
    rows = [("overall", report["relevance"]["ours"]["overall"], report["relevance"]["tantivy"]["overall"])]
    for kind, numbers in report["relevance"]["ours"]["by_kind"].items():
        rows.append((kind, numbers, report["relevance"]["tantivy"]["by_kind"][kind]))
    for label, a, b in rows:
        print(
            f"{label:14} {a['success']:.3f}    {a['precision']:.3f}      {a['rr']:.3f}       "
            f"{b['success']:.3f}    {b['precision']:.3f}      {b['rr']:.3f}   ({a['queries']} queries)"
        )
    for engine, numbers in report["latency"].items():
        print(
            f"latency {engine:8} two facet filters and counts: p50 {numbers['median_ms']:.1f} ms, "
            f"p95 {numbers['p95_ms']:.1f} ms ({numbers['n']} searches)"
        )


if __name__ == "__main__":
    sys.exit(main())
