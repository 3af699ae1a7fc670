"""Catalogue search: keyword queries with two facet filters and every facet count, SQLite and PostgreSQL.

    python bench/search_latency.py            # 16,000 instruments, both databases
    python bench/search_latency.py --full     # 110,000 instruments (national scale)

For each database: migrate, rebuild the search index (timed), then time ``yiqi.catalog.search.search`` in
process (server time without HTTP) for a mix of realistic queries — Chinese words, partial names, pinyin,
initials, abbreviations, English, typos — each with two filters, plus re-indexing one changed instrument.
To benchmark with another settings module, set DJANGO_SETTINGS_MODULE (it is passed on to the children).
"""

import argparse
import json
import os
import subprocess
import sys
import time

from common import PYTHON, ROOT, django_env, prepare, summarise

ROUNDS = 3  # every query is searched 1 + ROUNDS times, each time with other filters

QUERIES = {
    "chinese": [
        "显微镜",
        "质谱",
        "色谱仪",
        "离心机",
        "光谱仪",
        "试验机",
        "激光",
        "流式细胞仪",
        "电化学工作站",
        "测序仪",
    ],
    "partial": ["联用仪", "衍射", "扫描电子", "热分析", "粒度", "荧光显微"],
    "pinyin": ["zhipu", "zhipuyi", "xianweijing", "lixinji", "zpy", "sepuyi", "guangpuyi"],
    "abbreviation": ["SEM", "TEM", "LC-MS", "GC-MS", "XRD", "NMR", "ICP-MS", "PCR", "BET", "AFM"],
    "english": [
        "microscope",
        "mass spectrometer",
        "chromatograph",
        "centrifuge",
        "x-ray diffractometer",
        "flow cytometer",
    ],
    "typo": ["microscpe", "difractometer", "spectrometr", "centrifge", "chromatograp", "osciloscope"],
    "multiword": ["场发射 扫描电镜", "液相色谱 质谱", "激光共聚焦 显微镜", "高效液相色谱仪 西安"],
}


def measure() -> None:
    """Child process: time searches against the database in DATABASE_URL."""
    from common import setup_django

    setup_django()
    from django.db import connection

    from yiqi.catalog.cache import documents
    from yiqi.catalog.indexing import reindex_instruments
    from yiqi.catalog.search import search
    from yiqi.registry.models import Instrument

    started = time.perf_counter()
    search("实验室")  # loads the facet columns and the segmenter: once per process
    cold_ms = (time.perf_counter() - started) * 1000
    cities = [v.value for v in search("").facets["city"][:4]]
    filter_sets = [
        {"sharing_mode": "external", "city": cities[0]},
        {"operating_status": "normal", "top_class": "010000"},
        {"unit_kind": "university", "value_band": "50-200"},
        {"service_mode": "commissioned_testing", "city": cities[1 % len(cities)]},
    ]
    cases = [(kind, text) for kind, texts in QUERIES.items() for text in texts]
    cases.append(("browse", ""))
    results, first, repeated, per_kind, totals = {}, [], [], {}, {}
    for round_ in range(ROUNDS + 1):
        for i, (kind, text) in enumerate(cases):
            # Round 0: the query's first search in this process. Later rounds: the same query refined by other
            # filters, as when a user clicks through the facets (its match is then reused from memory).
            filters = filter_sets[(i + round_) % len(filter_sets)]
            began = time.perf_counter()
            result = search(text, filters=filters)
            elapsed = (time.perf_counter() - began) * 1000
            (first if round_ == 0 else repeated).append(elapsed)
            per_kind.setdefault(kind, []).append(elapsed)
            totals.setdefault(text, (search(text).total, []))[1].append(result.total)
    results["all searches"] = summarise(first + repeated)
    results["first search of a query"] = summarise(first)
    results["same query, new filters"] = summarise(repeated)
    for kind, values in per_kind.items():
        results[kind] = summarise(values)
    # Re-index one instrument after a change (its postings are rewritten), then after no change.
    instrument = Instrument.objects.filter(registration_status="published").order_by("pk")[100]
    original = instrument.main_functions
    changed, unchanged = [], []
    try:
        for i in range(20):
            Instrument.objects.filter(pk=instrument.pk).update(
                main_functions=f"{original[:250]}（第{i}次修改）"
            )
            began = time.perf_counter()
            reindex_instruments([instrument.pk])
            changed.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            reindex_instruments([instrument.pk])
            unchanged.append((time.perf_counter() - began) * 1000)
    finally:
        Instrument.objects.filter(pk=instrument.pk).update(main_functions=original)
        reindex_instruments([instrument.pk])
    results["reindex one, changed"] = summarise(changed)
    results["reindex one, unchanged"] = summarise(unchanged)
    print(
        json.dumps(
            {
                "results": results,
                "cold_first_search_ms": cold_ms,
                "documents": len(documents.slot),
                "vendor": connection.vendor,
                "totals": totals,
            }
        )
    )


def child_env(url: str) -> dict:
    env = django_env(url)
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        env["DJANGO_SETTINGS_MODULE"] = os.environ["DJANGO_SETTINGS_MODULE"]
    return env


def run(url: str, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=child_env(url), check=True, capture_output=True, text=True
    )
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="110,000 instruments instead of 16,000")
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--verbose", action="store_true", help="print each query's result counts")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="reuse the search index built by a former run"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure()
    instruments = 110_000 if args.full else 16_000
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    count = sum(len(v) for v in QUERIES.values())
    print(
        f"catalogue search, {instruments} instruments: {count} queries + browse, each searched"
        f" {ROUNDS + 1} times with two facet filters (other filters each time) and all facet counts"
    )
    for engine in engines:
        url = prepare(engine, instruments)
        run(url, "manage.py", "migrate", "--noinput")  # the catalogue's tables, if demo_data ran before it
        if not args.no_rebuild:
            began = time.perf_counter()
            built = run(url, "manage.py", "rebuild_search_index").strip().splitlines()[-1]
            print(f"  {engine:8} index build: {time.perf_counter() - began:6.1f} s wall — {built}")
        report = json.loads(run(url, __file__, "--child"))
        print(
            f"  {engine:8} first search in a new process (loads facet columns): {report['cold_first_search_ms']:.0f} ms"
        )
        for label, r in report["results"].items():
            print(f"  {engine:8} {label:24} median {r['median_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms")
        if args.verbose:
            for text, (unfiltered, filtered) in report["totals"].items():
                print(f"      {text!r}: {unfiltered} results; with two filters: {filtered}")


if __name__ == "__main__":
    sys.exit(main())
