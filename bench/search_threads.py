"""Catalogue searches from 1 and 4 threads in one process (as in a threaded gunicorn worker).

    python bench/search_threads.py            # the 16,000-instrument province (SQLite)
    python bench/search_threads.py --url postgres://…/yiqi_bench_16000_2026

Each thread runs the relevance test set's queries with two facet filters, on its own database connection.
No lock is held while searching (each search reads its index version's columns), so threads overlap wherever
the work leaves the interpreter (database reads, numpy); the report gives wall time, throughput, and the
longest time one search waited, for 1 and 4 threads doing the same total work.
"""

import argparse
import json
import sys
import threading
import time

from common import ROOT, prepare, run_child, summarise


def measure(rounds: int) -> None:
    from common import setup_django

    setup_django()
    from django.db import connection

    from yiqi.catalog.relevance import CASES
    from yiqi.catalog.search import search

    queries = [case.query for case in CASES] * rounds
    for query in queries:  # warm: matches cached, columns loaded, as in a long-running worker
        search(query, filters={"sharing_mode": "external"})
    out = {}
    for threads in (1, 4):
        samples: list[float] = []
        lock = threading.Lock()

        def work(part: list[str], samples=samples, lock=lock) -> None:
            local = []
            try:
                for query in part:
                    began = time.perf_counter()
                    search(query, filters={"sharing_mode": "external", "operating_status": "normal"})
                    local.append((time.perf_counter() - began) * 1000)
            finally:
                connection.close()
            with lock:
                samples.extend(local)

        parts = [queries[i::threads] for i in range(threads)]
        workers = [threading.Thread(target=work, args=(part,)) for part in parts]
        began = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        wall = time.perf_counter() - began
        out[threads] = {"wall_s": wall, "per_second": len(queries) / wall, **summarise(samples)}
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="an already prepared and indexed database (DATABASE_URL form)")
    parser.add_argument("--rounds", type=int, default=2, help="times each query is searched (2)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.rounds)
    url = args.url or prepare("sqlite", 16_000)
    script = str(ROOT / "bench" / "search_threads.py")
    report = json.loads(run_child(script, url, "--child", "--rounds", str(args.rounds)))
    for threads, r in report.items():
        print(
            f"{threads} thread(s): {r['n']} searches in {r['wall_s']:.1f} s ({r['per_second']:.0f}/s), "
            f"one search median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
